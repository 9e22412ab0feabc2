"""Wires the ingester together and runs its loops: the subscription, the flush loop (points,
latest values, rule batches, acknowledgements) and the metadata sync loop (discovery,
last-seen)."""

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
from telemetry.acks import CountdownAcks
from telemetry.backpressure import Backpressure
from telemetry.dispatch import RuleDispatcher
from telemetry.handlers.ingestion import Ingestion
from telemetry.handlers.parameter_discovery import ParameterDiscovery
from telemetry.hooks import fast_path_problems, stock_path_problems
from telemetry.instance import Instance
from telemetry.metrics import IngestStats
from telemetry.registry import DeviceRegistry
from telemetry.spool import DiskSpool, SpoolFull
from telemetry.subscriber import Subscriber
from telemetry.writer import MIN_FLUSH_SECONDS, PointWriter

log = get_logger("telemetry.ingester")

METADATA_SYNC_SECONDS = 1.0
HEARTBEAT_SECONDS = 5.0
# At shutdown: how long lookups in flight may still finish, how long the final write may
# take before the rest is spooled, and how long acknowledgements may take to leave.
SHUTDOWN_LOOKUP_SECONDS = 2.0
SHUTDOWN_WRITE_SECONDS = 10.0
SHUTDOWN_ACK_SECONDS = 5.0


class Ingester:
    def __init__(self, settings: Settings, *, timeseries: TimeSeriesStore | None = None,
                 latest: LatestValuesStore | None = None, celery_app=None,
                 stats: IngestStats | None = None) -> None:
        self.settings = settings
        self.stats = stats or IngestStats()
        self.instance = Instance.claim(settings)
        self.timeseries = timeseries or build_timeseries_store(settings)
        self.latest = latest or build_latest_store(settings, self.timeseries)
        self.registry = DeviceRegistry(settings)
        self.spool = DiskSpool(self.instance.folder, settings.ingest_spool_max_bytes)
        self.writer = PointWriter(self.timeseries, self.spool, self.stats,
                                  batch_points=settings.ingest_batch_points)
        self.discovery = ParameterDiscovery(self.stats)
        self.ingestion = Ingestion(settings, self.registry, self.writer, self.discovery,
                                   self.stats,
                                   startup_absence_seconds=self.instance.absent_seconds)
        self.backpressure = Backpressure(settings, self.stats,
                                         buffered_points=lambda: self.writer.buffered_points,
                                         on_absence=self.ingestion.absent)
        self.ingestion.on_relief = self.backpressure.relieve
        self.writer.on_durable = self.backpressure.relieve
        if celery_app is None:
            celery_app = create_celery(settings)
        self.dispatcher = RuleDispatcher(celery_app, self.stats)
        self.subscriber: Subscriber | None = None
        self._subscription: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []

    @property
    def subscriber_client_id(self) -> str:
        return self.instance.client_id(self.settings)

    async def start(self) -> None:
        problems = stock_path_problems()
        if problems:
            raise RuntimeError("the installed paho-mqtt/aiomqtt lack what the ingester needs "
                               "to acknowledge only durable messages: " + "; ".join(problems))
        fast_problems = fast_path_problems()
        if fast_problems:
            log.error("telemetry.fast_path_disabled", problems=fast_problems,
                      hint="the stock path is slower; check the paho-mqtt/aiomqtt versions")
        self.subscriber = Subscriber(self.settings, self.ingestion.handle, self.stats,
                                     self.backpressure, client_id=self.subscriber_client_id,
                                     fast_path=not fast_problems,
                                     on_absence=self.ingestion.absent)
        await self.timeseries.start()
        await self.latest.start()
        with contextlib.suppress(Exception):  # the store may be down: writes will retry
            await self.timeseries.ensure_database()
        self._replay_held()
        self._tasks = [
            asyncio.create_task(self._flush_loop(), name="flush"),
            asyncio.create_task(self._metadata_loop(), name="metadata"),
        ]
        self._subscription = asyncio.create_task(self.subscriber.run(), name="subscriber")

    def _replay_held(self) -> None:
        """Messages spooled at the last shutdown while their device lookup was pending are
        handled first, in order; each file goes once all its messages are durable again."""
        for path in self.spool.held_files():
            try:
                messages = self.spool.read_held(path)
            except (OSError, ValueError) as exc:
                log.error("telemetry.spool_unreadable", path=str(path), error=str(exc))
                self.spool.quarantine(path)
                continue
            if not messages:
                self.spool.remove(path)
                continue
            done = CountdownAcks(len(messages), lambda path=path: self.spool.remove(path))
            self.ingestion.replay(messages, done)
            log.info("telemetry.held_messages_replayed", messages=len(messages),
                     file=path.name)

    async def wait_connected(self, seconds: float = 10) -> None:
        async with asyncio.timeout(seconds):
            await self.subscriber.connected.wait()

    async def stop(self) -> None:
        """Stop reading, make everything received durable (written, or spooled to disk,
        messages still waiting for a device lookup included), acknowledge it, disconnect.
        Whatever could not be made durable stays unacknowledged for the broker to deliver
        again after the restart."""
        if self.subscriber is not None:
            self.subscriber.pause()
        await self.ingestion.drain_lookups(seconds=SHUTDOWN_LOOKUP_SECONDS)
        self._spool_held()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._flush_once(final=True)
        if self.subscriber is not None and self._subscription is not None:
            await self.subscriber.finish(self._subscription, SHUTDOWN_ACK_SECONDS)
            self._subscription = None
        with contextlib.suppress(Exception):
            await self.discovery.sync(force=True)
        await self.latest.close()
        await self.timeseries.close()
        self.instance.beat()
        self.instance.release()
        log.info("telemetry.stopped", **self.stats.snapshot())

    def _spool_held(self) -> None:
        messages, acks = self.ingestion.take_held()
        if not messages:
            return
        try:
            self.spool.put_held(messages)
        except SpoolFull as exc:
            # Not acknowledged: the broker delivers them again after the restart.
            log.error("telemetry.held_messages_not_spooled", messages=len(messages),
                      error=str(exc)[:200])
            self.stats.unacked_messages -= acks.count
            return
        acks.send(self.stats)
        log.warning("telemetry.held_messages_spooled", messages=len(messages))

    # -- loops ---------------------------------------------------------------------------
    async def _flush_loop(self) -> None:
        interval = self.settings.ingest_flush_interval_ms / 1000
        due = self.writer.due
        while True:
            started = time.monotonic()
            try:
                await self._flush_once()
            except Exception:
                log.exception("telemetry.flush_error")
            elapsed = time.monotonic() - started
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(due.wait(), max(0.0, interval - elapsed))
            due.clear()
            await asyncio.sleep(MIN_FLUSH_SECONDS)

    async def _flush_once(self, *, final: bool = False) -> None:
        changed = self.ingestion.take_changed()
        if final:
            await self._publish_changes(changed)
            await self.writer.close(SHUTDOWN_WRITE_SECONDS)
            return
        # Latest values and rules alongside the time-series write, not after it: an alert
        # must not wait for a write that may take long or be retried while the store is down.
        await asyncio.gather(self._publish_changes(changed), self.writer.flush())
        self.backpressure.relieve()

    async def _publish_changes(self, changed) -> None:
        if not changed:
            return
        try:
            await self.latest.put_many(changed)
        except Exception as exc:
            log.warning("telemetry.latest_values_failed", error=str(exc)[:200])
        await self.dispatcher.send(RuleBatch.of_changes(changed))

    async def _metadata_loop(self) -> None:
        last_beat = 0.0
        while True:
            await asyncio.sleep(METADATA_SYNC_SECONDS)
            try:
                await self.discovery.sync()
            except Exception:
                log.exception("telemetry.metadata_loop_error")
            if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                with contextlib.suppress(OSError):
                    self.instance.beat()
                last_beat = time.monotonic()

