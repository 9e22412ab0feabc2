"""Report jobs as the API sees them: checked requests handed to the reporting queue. The
rendering is `report_runner`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed
from app.core.task_queue import QUEUE_REPORTING, RUN_REPORT_JOB
from app.models.analytics_job import ReportJob
from app.repositories.asset_repo import AssetNodeRepository
from app.repositories.report_repo import ReportJobRepository
from app.schemas.report import ReportCreate, ReportRead
from app.services.devices.chosen import chosen_devices
from app.services.jobs.service import JobService

REPORT_MIN_RANGE = timedelta(hours=1)
# Hourly sheets come from the energy service in at most 2000 buckets per request.
REPORT_MAX_RANGE = timedelta(days=62)


class ReportService(JobService[ReportJob, ReportRead]):
    repository_class = ReportJobRepository
    read_model = ReportRead
    entity = "report"
    task = RUN_REPORT_JOB
    queue = QUEUE_REPORTING

    def extra_fields(self, job: ReportJob) -> dict[str, Any]:
        return {"format": job.format, "schedule_id": job.schedule_id}

    async def create(self, body: ReportCreate) -> ReportRead:
        check_report_range(body.start, body.end)
        if body.device_ids is not None:
            await chosen_devices(self.session, self.factory_id, body.device_ids)
        await check_node(self.session, self.factory_id, body.node_id)
        request = body.model_dump(mode="json", exclude={"kind", "format"})
        return await self.submit(ReportJob(kind=body.kind, format=body.format,
                                           parameters=request))

    async def create_scheduled(self, *, kind: str, fmt: str, start: datetime, end: datetime,
                               device_ids: list[int] | None, recipients: list[str],
                               schedule_id: int, schedule_name: str,
                               node_id: int | None = None) -> ReportRead:
        request = {"start": start.isoformat(), "end": end.isoformat(),
                   "device_ids": device_ids, "node_id": node_id, "recipients": recipients,
                   "schedule_name": schedule_name}
        return await self.submit(ReportJob(kind=kind, format=fmt, parameters=request,
                                           schedule_id=schedule_id))


async def check_node(session: AsyncSession, factory_id: int, node_id: int | None) -> None:
    """A report or schedule scoped to a node of this factory's tree."""
    if node_id is not None and await AssetNodeRepository(session, factory_id).get(
            node_id) is None:
        raise ValidationFailed("The node does not exist.", code="UNKNOWN_NODE",
                               details={"node_id": node_id})


def check_report_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise ValidationFailed("end must be after start.", code="INVALID_RANGE")
    if start >= datetime.now(UTC):
        raise ValidationFailed("start must be in the past.", code="INVALID_RANGE")
    if end - start < REPORT_MIN_RANGE:
        raise ValidationFailed("A report covers at least one hour.", code="RANGE_TOO_SHORT")
    if end - start > REPORT_MAX_RANGE:
        raise ValidationFailed(f"A report covers at most {REPORT_MAX_RANGE.days} days.",
                               code="RANGE_TOO_LONG")
