"""Deleting a factory's metadata that has outlived its retention: resolved alerts with their
deliveries, audit entries, finished jobs with their files, spent invitation and reset links,
dead refresh tokens. Every statement is scoped to the factory; rows go a batch at a time,
each batch its own transaction, so the tables are never locked for long. What was deleted is
written to the audit trail."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.models.alert import Alert
from app.models.analytics_job import AnalyticsJob, ReportJob
from app.models.audit_log import AuditLog
from app.models.notification import NotificationDelivery
from app.models.user import RefreshToken, UserToken
from app.repositories.lifecycle_repo import (
    OldRows,
    audit_entries_before,
    dead_refresh_tokens_before,
    deliveries_of,
    finished_jobs_before,
    loose_deliveries_before,
    resolved_alerts_before,
    spent_user_tokens_before,
)
from app.schemas.lifecycle import RetentionSettings
from app.services.audit.service import AuditService
from app.stores.objects import ObjectStore
from app.stores.objects.base import factory_of

log = get_logger(__name__)

BATCH = 500


@dataclass
class PurgeCounts:
    alerts: int = 0
    deliveries: int = 0
    audit_entries: int = 0
    jobs: int = 0
    files: int = 0
    user_tokens: int = 0
    refresh_tokens: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


class MetadataPurge:
    def __init__(self, session: AsyncSession, objects: ObjectStore, factory_id: int,
                 batch: int = BATCH) -> None:
        self.session = session
        self.objects = objects
        self.factory_id = factory_id
        self.batch = batch

    def _rows(self, model) -> OldRows:
        return OldRows(self.session, self.factory_id, model)

    async def run(self, retention: RetentionSettings, now: datetime) -> PurgeCounts:
        counts = PurgeCounts()
        await self._alerts(now - timedelta(days=retention.resolved_alerts_days), counts)
        counts.audit_entries = await self._simple(
            AuditLog, audit_entries_before(now - timedelta(days=retention.audit_days)))
        await self._jobs(now - timedelta(days=retention.finished_jobs_days), counts)
        tokens_cutoff = now - timedelta(days=retention.tokens_days)
        counts.user_tokens = await self._simple(UserToken,
                                                spent_user_tokens_before(tokens_cutoff))
        counts.refresh_tokens = await self._simple(
            RefreshToken, dead_refresh_tokens_before(tokens_cutoff, now))
        if counts.total:
            AuditService(self.session, self.factory_id).record(
                None, "data.purged", "factory", self.factory_id,
                {**asdict(counts), "retention": retention.model_dump()})
            await self.session.commit()
            log.info("data.purged", factory_id=self.factory_id, **asdict(counts))
        return counts

    async def _simple(self, model, condition) -> int:
        rows, deleted = self._rows(model), 0
        while True:
            ids = [row[0] for row in await rows.batch(condition, self.batch)]
            deleted += await rows.delete_ids(ids)
            await self.session.commit()
            if len(ids) < self.batch:
                return deleted

    async def _alerts(self, cutoff: datetime, counts: PurgeCounts) -> None:
        alerts, deliveries = self._rows(Alert), self._rows(NotificationDelivery)
        condition = resolved_alerts_before(cutoff)
        while True:
            ids = [row[0] for row in await alerts.batch(condition, self.batch)]
            if ids:
                counts.deliveries += await deliveries.delete_where(deliveries_of(ids))
                counts.alerts += await alerts.delete_ids(ids)
            await self.session.commit()
            if len(ids) < self.batch:
                break
        counts.deliveries += await self._simple(NotificationDelivery,
                                                loose_deliveries_before(cutoff))

    async def _jobs(self, cutoff: datetime, counts: PurgeCounts) -> None:
        for model in (AnalyticsJob, ReportJob):
            jobs = self._rows(model)
            condition = finished_jobs_before(model, cutoff)
            while True:
                found = await jobs.batch(condition, self.batch, model.object_key)
                # Files first: a row without its file is harmless, a file without a row
                # would never be found again.
                for _id, key in found:
                    if key and factory_of(key) == self.factory_id:
                        await self.objects.delete(key)
                        counts.files += 1
                counts.jobs += await jobs.delete_ids([row[0] for row in found])
                await self.session.commit()
                if len(found) < self.batch:
                    break
