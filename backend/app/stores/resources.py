"""Long-lived clients shared by a process (API, worker, ingester), built once from settings
and closed on shutdown."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.config import Settings
from app.core.rate_limit import RateLimiter
from app.stores.latest import LatestValuesStore, build_latest_store
from app.stores.objects import ObjectStore, build_object_store
from app.stores.timeseries import TimeSeriesStore, build_timeseries_store


@dataclass
class Resources:
    settings: Settings
    limiter: RateLimiter
    timeseries: TimeSeriesStore
    latest: LatestValuesStore
    objects: ObjectStore
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Resources:
        timeseries = build_timeseries_store(settings)
        return cls(
            settings=settings,
            limiter=RateLimiter.from_settings(settings),
            timeseries=timeseries,
            latest=build_latest_store(settings, timeseries),
            objects=build_object_store(settings),
        )

    async def start(self) -> None:
        await self.timeseries.start()
        await self.latest.start()
        await self.objects.start()

    async def close(self) -> None:
        # Clients that domains keep in `extras` (built lazily) close with the rest.
        for extra in list(self.extras.values()):
            close = getattr(extra, "close", None)
            if close is not None and inspect.iscoroutinefunction(close):
                await close()
        self.extras.clear()
        await self.objects.close()
        await self.latest.close()
        await self.timeseries.close()

    def health_checks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """Name → probe for each configured backing service besides the database."""
        checks: dict[str, Callable[[], Awaitable[None]]] = {"timeseries": self.timeseries.ping}
        if self.settings.redis_url:
            checks["redis"] = self.latest.ping
        checks["objects"] = self.objects.ping
        return checks
