"""The minute sweep of report schedules: every factory's due schedules become report jobs
(the job mails its file to the recipients). A schedule is advanced to its next run by a
conditional update before its job is created, so concurrent sweeps create one job per run."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.core.database import session_scope
from app.core.logging import get_logger
from app.repositories.factory_repo import FactoryRepository
from app.repositories.report_schedule_repo import ReportScheduleRepository, due_schedules
from app.services.reports.calendar import latest_due, next_run, period_before
from app.services.reports.service import ReportService
from app.stores.resources import Resources

log = get_logger(__name__)


async def run_due_schedules(resources: Resources, now: datetime | None = None) -> list[int]:
    """Create the report jobs of every due schedule; returns the new jobs' ids."""
    now = now or datetime.now(UTC)
    async with session_scope() as session:
        due = await due_schedules(session, now)
    created = []
    for factory_id, schedule_id in due:
        try:
            job_id = await _run_one(resources, factory_id, schedule_id, now)
        except Exception:  # one broken schedule must not hold back the others
            log.exception("report_schedule.run_failed", factory_id=factory_id,
                          schedule_id=schedule_id)
            continue
        if job_id is not None:
            created.append(job_id)
    return created


async def _run_one(resources: Resources, factory_id: int, schedule_id: int,
                   now: datetime) -> int | None:
    async with session_scope() as session:
        schedules = ReportScheduleRepository(session, factory_id)
        schedule = await schedules.get(schedule_id)
        factory = await FactoryRepository(session).get(factory_id)
        if schedule is None or factory is None or not schedule.is_active:
            return None
        zone = ZoneInfo(factory.timezone or "UTC")
        run_at = latest_due(schedule.cadence, zone, schedule.next_run_at, now)
        following = next_run(schedule.cadence, zone, now)
        if not await schedules.advance(schedule.id, schedule.next_run_at, following, now):
            await session.rollback()
            return None  # another sweep took this run
        await session.commit()
        start, end = period_before(schedule.cadence, zone, run_at)
        service = ReportService(session, resources, factory_id, actor_id=schedule.created_by)
        job = await service.create_scheduled(
            kind=schedule.kind, fmt=schedule.format, start=start, end=end,
            device_ids=(schedule.parameters or {}).get("device_ids"),
            node_id=(schedule.parameters or {}).get("node_id"),
            recipients=list(schedule.recipients or []), schedule_id=schedule.id,
            schedule_name=schedule.name)
    log.info("report_schedule.ran", factory_id=factory_id, schedule_id=schedule_id,
             report_id=job.id, period_start=start.isoformat())
    return job.id
