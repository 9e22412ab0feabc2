from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.models.alert import Alert
from app.models.analytics_job import ReportJob
from app.repositories.base import TenantRepository
from app.repositories.job_repo import JobRepository


class ReportJobRepository(JobRepository[ReportJob]):
    model = ReportJob


class ReportAlertRepository(TenantRepository[Alert]):
    """The alerts a report lists: raised within its period."""

    model = Alert

    async def raised_between(self, start: datetime, end: datetime,
                             device_ids: Sequence[int] | None, limit: int
                             ) -> tuple[list[Alert], int]:
        stmt = self.select().where(Alert.triggered_at >= start, Alert.triggered_at < end)
        if device_ids is not None:
            stmt = stmt.where(Alert.device_id.in_(list(device_ids)))
        return await self.page(stmt, offset=0, limit=limit,
                               order_by=(Alert.triggered_at.desc(), Alert.id.desc()))
