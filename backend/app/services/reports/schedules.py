"""Report schedules: CRUD, and the next run computed in the factory's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed, not_found
from app.core.logging import get_logger
from app.models.factory import Factory
from app.models.report_schedule import ReportSchedule
from app.repositories.factory_repo import FactoryRepository
from app.repositories.report_schedule_repo import ReportScheduleRepository
from app.schemas.common import PageParams
from app.schemas.report_schedule import Period, ScheduleCreate, ScheduleRead, ScheduleUpdate
from app.services.devices.chosen import chosen_devices
from app.services.reports.calendar import RUN_AT, next_run, period_before
from app.services.reports.service import check_node
from app.stores.resources import Resources

log = get_logger(__name__)


class ReportScheduleService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int, *,
                 actor_id: int | None = None) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.schedules = ReportScheduleRepository(session, factory_id)
        self._factory: Factory | None = None

    async def _zone(self) -> ZoneInfo:
        if self._factory is None:
            self._factory = await FactoryRepository(self.session).get(self.factory_id)
            if self._factory is None:
                raise not_found("factory")
        return ZoneInfo(self._factory.timezone or "UTC")

    async def load(self, schedule_id: int) -> ReportSchedule:
        schedule = await self.schedules.get(schedule_id)
        if schedule is None:
            raise not_found("schedule")
        return schedule

    async def search(self, page: PageParams) -> tuple[list[ScheduleRead], int]:
        items, total = await self.schedules.list_page(offset=page.offset, limit=page.per_page)
        return await self._views(items), total

    async def read(self, schedule: ReportSchedule) -> ScheduleRead:
        return (await self._views([schedule]))[0]

    async def create(self, body: ScheduleCreate) -> ScheduleRead:
        await self._check_devices(body.device_ids)
        await self._check_scope(body.device_ids, body.node_id)
        now = datetime.now(UTC)
        schedule = self.schedules.add(ReportSchedule(
            name=body.name, kind=body.kind, format=body.format, cadence=body.cadence,
            parameters={"device_ids": body.device_ids, "node_id": body.node_id},
            recipients=list(body.recipients),
            is_active=body.is_active, created_by=self.actor_id, created_at=now,
            updated_at=now, next_run_at=next_run(body.cadence, await self._zone(), now)))
        await self.session.commit()
        log.info("report_schedule.created", schedule_id=schedule.id, cadence=schedule.cadence)
        return await self.read(schedule)

    async def update(self, schedule: ReportSchedule, body: ScheduleUpdate) -> ScheduleRead:
        changes = body.model_dump(exclude_unset=True)
        for name in ("name", "kind", "format", "cadence", "is_active"):
            if changes.get(name) is not None:
                setattr(schedule, name, changes[name])
        for name in ("device_ids", "node_id"):
            if name in changes:
                schedule.parameters = {**(schedule.parameters or {}), name: changes[name]}
        if {"device_ids", "node_id"} & changes.keys():
            await self._check_devices(changes.get("device_ids"))
            await self._check_scope(schedule.parameters.get("device_ids"),
                                    schedule.parameters.get("node_id"))
        if changes.get("recipients") is not None:
            schedule.recipients = list(changes["recipients"])
        now = datetime.now(UTC)
        if {"cadence", "is_active"} & changes.keys():
            # A new cadence, or a schedule switched back on, starts from now: no catching up
            # on runs missed while it was off.
            schedule.next_run_at = next_run(schedule.cadence, await self._zone(), now)
        schedule.updated_at = now
        await self.session.commit()
        log.info("report_schedule.updated", schedule_id=schedule.id, fields=sorted(changes))
        return await self.read(schedule)

    async def delete(self, schedule: ReportSchedule) -> None:
        await self.schedules.delete(schedule)
        await self.session.commit()
        log.info("report_schedule.deleted", schedule_id=schedule.id)

    async def _check_scope(self, device_ids: list[int] | None, node_id: int | None) -> None:
        if device_ids is not None and node_id is not None:
            raise ValidationFailed("A schedule reports on devices or on a node, not both.",
                                   code="INVALID_SCOPE")
        await check_node(self.session, self.factory_id, node_id)

    async def _check_devices(self, device_ids: list[int] | None) -> None:
        if not device_ids:
            return
        await chosen_devices(self.session, self.factory_id, device_ids)

    async def _views(self, schedules: list[ReportSchedule]) -> list[ScheduleRead]:
        if not schedules:
            return []
        zone = await self._zone()
        latest = await self.schedules.latest_reports([s.id for s in schedules])
        views = []
        for s in schedules:
            period = None
            if s.is_active:
                start, end = period_before(s.cadence, zone, s.next_run_at)
                period = Period(start=start.astimezone(zone), end=end.astimezone(zone))
            views.append(ScheduleRead(
                id=s.id, name=s.name, kind=s.kind, format=s.format,
                device_ids=(s.parameters or {}).get("device_ids"),
                node_id=(s.parameters or {}).get("node_id"), cadence=s.cadence,
                recipients=list(s.recipients or []), is_active=s.is_active,
                timezone=zone.key, run_at_local=RUN_AT.strftime("%H:%M"),
                next_run_at=s.next_run_at if s.is_active else None,
                next_period=period, last_run_at=s.last_run_at,
                last_report_id=latest.get(s.id), created_by=s.created_by,
                created_at=s.created_at, updated_at=s.updated_at,
            ))
        return views
