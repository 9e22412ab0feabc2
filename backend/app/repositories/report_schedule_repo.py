from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.analytics_job import ReportJob
from app.models.report_schedule import ReportSchedule
from app.repositories.base import TenantRepository


class ReportScheduleRepository(TenantRepository[ReportSchedule]):
    model = ReportSchedule

    async def list_page(self, *, offset: int, limit: int) -> tuple[list[ReportSchedule], int]:
        return await self.page(self.select(), offset=offset, limit=limit,
                               order_by=(ReportSchedule.name, ReportSchedule.id))

    async def advance(self, schedule_id: int, due: datetime, following: datetime,
                      now: datetime) -> bool:
        """Move a due schedule to its next run; only one sweep can win a given run."""
        stmt = (self.update()
                .where(ReportSchedule.id == schedule_id, ReportSchedule.next_run_at == due,
                       ReportSchedule.is_active.is_(True))
                .values(next_run_at=following, last_run_at=now, updated_at=now)
                .execution_options(synchronize_session=False))
        return (await self.session.execute(stmt)).rowcount == 1

    async def latest_reports(self, schedule_ids: Sequence[int]) -> dict[int, int]:
        if not schedule_ids:
            return {}
        stmt = (select(ReportJob.schedule_id, func.max(ReportJob.id))
                .where(ReportJob.factory_id == self.factory_id,
                       ReportJob.schedule_id.in_(list(schedule_ids)))
                .group_by(ReportJob.schedule_id))
        return {int(s): int(j) for s, j in await self.session.execute(stmt)}


async def due_schedules(session: AsyncSession, now: datetime, limit: int = 200
                        ) -> list[tuple[int, int]]:
    """(factory_id, schedule_id) of every factory's active schedules due by `now`."""
    stmt = (select(ReportSchedule.factory_id, ReportSchedule.id)
            .where(ReportSchedule.is_active.is_(True), ReportSchedule.next_run_at <= now)
            .order_by(ReportSchedule.next_run_at, ReportSchedule.id).limit(limit)
            # Deliberately across factories: the minute sweep serves every tenant's
            # schedules; each due one is then handled through its own factory's repository.
            .execution_options(cross_tenant=True))
    return [(int(f), int(s)) for f, s in await session.execute(stmt)]
