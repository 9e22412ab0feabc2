"""The hourly retention run of every factory: time series older than the factory's
retention (raw points only where the rollups hold them), then metadata."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.database import session_scope
from app.core.logging import get_logger
from app.core.run_lock import exclusive_run
from app.models.factory import Factory
from app.repositories.factory_repo import FactoryRepository
from app.services.lifecycle.purge import MetadataPurge, PurgeCounts
from app.services.lifecycle.retention import retention_of, timeseries_cutoffs
from app.stores.resources import Resources

log = get_logger(__name__)

LOCK_SECONDS = 3600


async def apply_retention(resources: Resources, factory: Factory,
                          now: datetime | None = None) -> PurgeCounts:
    now = now or datetime.now(UTC)
    retention = retention_of(factory)
    store = resources.timeseries
    cutoffs = timeseries_cutoffs(retention, await store.coverage(factory.id),
                                 int(now.timestamp() * 1000))
    await store.purge_before(factory.id, cutoffs)
    async with session_scope() as session:
        return await MetadataPurge(session, resources.objects, factory.id).run(retention, now)


async def apply_retention_all(resources: Resources) -> dict[int, int]:
    """Every factory's retention; returns metadata rows deleted per factory."""
    async with session_scope() as session:
        factories = await FactoryRepository(session).all()
    deleted = {}
    for factory in factories:
        async with exclusive_run(resources.settings, f"retention:{factory.id}",
                                 LOCK_SECONDS) as acquired:
            if not acquired:
                continue
            try:
                deleted[factory.id] = (await apply_retention(resources, factory)).total
            except Exception:  # one factory's failure must not hold back the others
                log.exception("retention.failed", factory_id=factory.id)
    return deleted
