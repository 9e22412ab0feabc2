"""The few factory settings that hot read paths (live KPIs, the dashboard) need on every
request, remembered per process for a short while: they change a few times a year, and
re-reading the factory row on every request costs a database round trip each time."""

from __future__ import annotations

import time
from dataclasses import dataclass

from cachetools import TTLCache
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import not_found
from app.repositories.factory_repo import FactoryRepository
from app.services.factories.service import online_threshold_seconds

SNAPSHOT_SECONDS = 30
_snapshots: TTLCache[tuple[int, int], FactorySnapshot] = TTLCache(
    maxsize=10_000, ttl=SNAPSHOT_SECONDS, timer=time.monotonic)


@dataclass(frozen=True)
class FactorySnapshot:
    id: int
    timezone: str
    currency: str
    online_threshold_seconds: int


async def factory_snapshot(session: AsyncSession, factory_id: int,
                           default_online_seconds: int) -> FactorySnapshot:
    key = (factory_id, default_online_seconds)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        factory = await FactoryRepository(session).get(factory_id)
        if factory is None:
            raise not_found("factory")
        snapshot = _snapshots[key] = FactorySnapshot(
            id=factory.id, timezone=factory.timezone, currency=factory.currency,
            online_threshold_seconds=online_threshold_seconds(factory, default_online_seconds))
    return snapshot


def forget_factory_snapshots() -> None:
    _snapshots.clear()
