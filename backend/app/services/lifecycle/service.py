"""The factory's data lifecycle as the settings page shows it: retention (editable by a
super admin), storage use and how far the rollups reach."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import not_found
from app.models.factory import Factory
from app.repositories.factory_repo import FactoryRepository
from app.schemas.lifecycle import (
    DataLifecycleRead,
    RetentionUpdate,
    RollupCoverageRead,
    StorageUseRead,
)
from app.services.audit.service import AuditService
from app.services.lifecycle.retention import (
    RETENTION_KEY,
    merged,
    quarters_kept_from,
    raw_kept_from,
    retention_of,
)
from app.stores.resources import Resources
from app.stores.timeseries.base import from_epoch_ms


async def measure_storage(resources: Resources, factory: Factory) -> StorageUseRead:
    """Counted from the factory's hour rows on each view: a handful of sums over rows that
    number a few per series and hour, cheap enough for a settings page."""
    now = datetime.now(UTC)
    now_ms = int(now.timestamp() * 1000)
    retention = retention_of(factory)
    use = await resources.timeseries.storage_use(
        factory.id, raw_kept_from(retention, now_ms), quarters_kept_from(retention, now_ms))
    return StorageUseRead(
        series=use.series, raw_points=use.raw_points, minute_rows=use.minute_rows,
        quarter_rows=use.quarter_rows, hour_rows=use.hour_rows,
        oldest=None if use.oldest_ms is None else from_epoch_ms(use.oldest_ms),
        measured_at=now)


class DataLifecycleService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id

    async def _factory(self) -> Factory:
        factory = await FactoryRepository(self.session).get(self.factory_id)
        if factory is None:
            raise not_found("factory")
        return factory

    async def overview(self) -> DataLifecycleRead:
        factory = await self._factory()
        storage = await measure_storage(self.resources, factory)
        coverage = await self.resources.timeseries.coverage(self.factory_id)
        rollups = None if coverage is None else RollupCoverageRead(
            start=from_epoch_ms(coverage.start_ms), end=from_epoch_ms(coverage.end_ms),
            backfilled=coverage.backfilled)
        return DataLifecycleRead(retention=retention_of(factory), storage=storage,
                                 rollups=rollups)

    async def update_retention(self, body: RetentionUpdate, *, actor_id: int | None,
                               client_ip: str | None) -> DataLifecycleRead:
        factory = await self._factory()
        before = retention_of(factory)
        after = merged(before, body)
        # JSON columns do not track in-place changes: assign a new dict.
        factory.settings = {**(factory.settings or {}), RETENTION_KEY: after.model_dump()}
        changed = {name: {"from": getattr(before, name), "to": value}
                   for name, value in after.model_dump().items()
                   if getattr(before, name) != value}
        AuditService(self.session, factory.id).record(
            actor_id, "factory.retention_updated", "factory", factory.id, {"changes": changed},
            client_ip)
        await self.session.commit()
        return await self.overview()
