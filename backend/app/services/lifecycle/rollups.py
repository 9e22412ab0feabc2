"""The periodic rollup run for every factory (see app/stores/timeseries/rollup_engine.py for
what a run does). Energy counters are the parameters holding the `energy_counter` role; a
run for one factory never overlaps with another run for the same factory."""

from __future__ import annotations

import time

from app.core.database import session_scope
from app.core.logging import get_logger
from app.core.run_lock import exclusive_run
from app.models.factory import Factory
from app.repositories.device_repo import DeviceParameterRepository
from app.repositories.factory_repo import FactoryRepository
from app.services.energy.calculator import SOURCE_COUNTER
from app.services.lifecycle.retention import raw_kept_from, retention_of
from app.stores.resources import Resources
from app.stores.timeseries.rollup_engine import refresh
from app.stores.timeseries.rollups import RefreshReport, SeriesKey

log = get_logger(__name__)

# A run that dies leaves its lock to expire after this long.
LOCK_SECONDS = 600
# Backfill of data older than the rollups stops after this long per factory and run, so a
# large history is taken in slices and the minute's work for other factories goes on.
BACKFILL_BUDGET_SECONDS = 20.0


async def counter_series(factory_id: int) -> list[SeriesKey]:
    async with session_scope() as session:
        rows = await DeviceParameterRepository(session, factory_id).with_roles([SOURCE_COUNTER])
    return [(device_id, key) for device_id, _role, key in rows]


async def refresh_factory(resources: Resources, factory: Factory, *,
                          now_ms: int | None = None,
                          budget_seconds: float = BACKFILL_BUDGET_SECONDS
                          ) -> RefreshReport | None:
    """One run for one factory; None when another run holds it."""
    async with exclusive_run(resources.settings, f"rollups:{factory.id}",
                             LOCK_SECONDS) as acquired:
        if not acquired:
            return None
        started = time.monotonic()
        wall_ms = int(time.time() * 1000)
        report = await refresh(
            resources.timeseries, factory.id, await counter_series(factory.id),
            now_ms, keep_from_ms=raw_kept_from(retention_of(factory), now_ms or wall_ms),
            budget_seconds=budget_seconds)
    log.info("rollups.refreshed", factory_id=factory.id, spans=report.spans,
             rows={str(k): v for k, v in report.rows_written.items()},
             backfilled_to_ms=report.backfilled_to_ms,
             seconds=round(time.monotonic() - started, 3))
    return report


async def refresh_all(resources: Resources) -> dict[int, int]:
    """Every factory's run; returns minute rows written per factory that ran."""
    async with session_scope() as session:
        factories = await FactoryRepository(session).all()
    written = {}
    for factory in factories:
        try:
            report = await refresh_factory(resources, factory)
        except Exception:  # one factory's failure must not hold back the others
            log.exception("rollups.refresh_failed", factory_id=factory.id)
            continue
        if report is not None:
            written[factory.id] = sum(report.rows_written.values())
    return written
