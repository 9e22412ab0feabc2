"""Wires the ingester together and runs its loops: the subscription, the flush loop (points,
latest values, rule batches) and the metadata sync loop (discovery, last-seen)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from app.core.config import Settings
from app.core.logging import get_logger
from app.core.task_queue import create_celery
from app.schemas.rule_batch import RuleBatch
from app.stores.latest import LatestValuesStore, build_latest_store
from app.stores.timeseries import TimeSeriesStore, build_timeseries_store
from telemetry.dispatch import RuleDispatcher
from telemetry.handlers.ingestion import Ingestion
from telemetry.handlers.parameter_discovery import ParameterDiscovery
from telemetry.metrics import IngestStats
from telemetry.registry import DeviceRegistry
from telemetry.spool import DiskSpool
from telemetry.subscriber import Subscriber
from telemetry.writer import PointWriter

log = get_logger("telemetry.ingester")

METADATA_SYNC_SECONDS = 1.0


class Ingester:
    def __init__(self, settings: Settings, *, timeseries: TimeSeriesStore | None = None,
                 latest: LatestValuesStore | None = None, celery_app=None,
                 stats: IngestStats | None = None) -> None:
        self.settings = settings
        self.stats = stats or IngestStats()
        self.timeseries = timeseries or build_timeseries_store(settings)
        self.latest = latest or build_latest_store(settings, self.timeseries)
        self.registry = DeviceRegistry(settings.ingest_cache_ttl_seconds)
        self.writer = PointWriter(self.timeseries, DiskSpool(settings.spool_dir), self.stats,
                                  batch_points=settings.ingest_batch_points,
                                  max_buffer_points=settings.ingest_buffer_max_points)
        self.discovery = ParameterDiscovery(self.stats)
        self.ingestion = Ingestion(settings, self.registry, self.writer, self.discovery,
                                   self.stats)
        if celery_app is None:
            celery_app = create_celery(settings)
        self.dispatcher = RuleDispatcher(celery_app, self.stats)
        self.subscriber = Subscriber(settings, self.ingestion.handle, self.stats)
        self._tasks: list[asyncio.Task] = []
        self._flush_now = asyncio.Event()

    async def start(self) -> None:
        await self.timeseries.start()
        await self.latest.start()
        with contextlib.suppress(Exception):  # the store may be down: writes will retry
            await self.timeseries.ensure_database()
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name="flush"),
            asyncio.create_task(self._metadata_loop(), name="metadata"),
            asyncio.create_task(self.subscriber.run(), name="subscriber"),
        ]

    @property
    def subscriber_client_id(self) -> str:
        from telemetry.subscriber import client_id

        return client_id(self.settings)

    async def wait_connected(self, seconds: float = 10) -> None:
        async with asyncio.timeout(seconds):
            await self.subscriber.connected.wait()

    async def stop(self) -> None:
        """Stop receiving, then write everything received: nothing acknowledged to the
        broker is left behind (what the store cannot take in time is spooled to disk)."""
        subscriber = self._tasks[-1] if self._tasks else None
        if subscriber:
            subscriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await subscriber
        await self.ingestion.drain_lookups(seconds=5)
        for task in self._tasks[:-1]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._flush_once()
        await self.writer.close()
        with contextlib.suppress(Exception):
            await self.discovery.sync(force=True)
        await self.latest.close()
        await self.timeseries.close()
        log.info("telemetry.stopped", **self.stats.snapshot())

    # -- loops ---------------------------------------------------------------------------
    async def _flush_loop(self) -> None:
        interval = self.settings.ingest_flush_interval_ms / 1000
        while True:
            started = time.monotonic()
            try:
                await self._flush_once()
            except Exception:
                log.exception("telemetry.flush_error")
            elapsed = time.monotonic() - started
            await asyncio.sleep(max(0.0, interval - elapsed))

    async def _flush_once(self) -> None:
        changed = self.ingestion.take_changed()
        if changed:
            # Latest values and rules first: an alert must not wait for the time-series
            # write, which may take long or be retried while the store is down.
            try:
                await self.latest.put_many(changed)
            except Exception as exc:
                log.warning("telemetry.latest_values_failed", error=str(exc)[:200])
            await self.dispatcher.send(RuleBatch.of_changes(changed))
        await self.writer.flush()

    async def _metadata_loop(self) -> None:
        while True:
            await asyncio.sleep(METADATA_SYNC_SECONDS)
            try:
                await self.discovery.sync()
            except Exception:
                log.exception("telemetry.metadata_loop_error")

