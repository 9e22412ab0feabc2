"""The per-message path: topic → device → payload → points. Synchronous and cheap for known
devices; messages for a device not yet looked up wait (in order) for one lookup.

Nothing here may raise into the MQTT client: every failure of one message is counted by
reason and logged with its factory and device, and the next message is handled as usual."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from app.core.config import Settings
from app.core.logging import get_logger
from app.services.ingest.payload import PayloadRejected, parse_payload
from app.stores.timeseries import Point
from telemetry.handlers.parameter_discovery import ParameterDiscovery
from telemetry.metrics import IngestStats
from telemetry.registry import DeviceEntry, DeviceRegistry, Refusal
from telemetry.writer import PointWriter

log = get_logger("telemetry.ingestion")

# Point(...) goes through a generated __new__; the tuple constructor builds the same object
# for a fraction of the cost, which adds up at fifty thousand points a second.
_new_point = tuple.__new__

BAD_TOPIC = "bad_topic"
INTERNAL_ERROR = "internal_error"
LOOKUP_BACKLOG = "lookup_backlog"
# Messages kept per device while its lookup waits for the database.
MAX_HELD_PER_DEVICE = 50_000
LOOKUP_RETRY_SECONDS = (0.5, 1, 2, 5, 10)
# Hundreds of unknown devices reporting at once (an ingester start with a backlog) would
# otherwise ask the connection pool for more connections than it has; the rest wait here.
MAX_CONCURRENT_LOOKUPS = 8


def split_topic(topic: str) -> tuple[str, str] | None:
    """`factories/{slug}/devices/{key}/telemetry` → (slug, key)."""
    parts = topic.split("/")
    if (len(parts) != 5 or parts[0] != "factories" or parts[2] != "devices"
            or parts[4] != "telemetry" or not parts[1] or not parts[3]):
        return None
    return parts[1], parts[3]


class Ingestion:
    def __init__(self, settings: Settings, registry: DeviceRegistry, writer: PointWriter,
                 discovery: ParameterDiscovery, stats: IngestStats) -> None:
        self.registry = registry
        self.writer = writer
        self.discovery = discovery
        self.stats = stats
        self.max_past_ms = settings.ingest_max_past_seconds * 1000
        self.max_future_ms = settings.ingest_max_future_seconds * 1000
        # (factory_id, device_id) -> {parameter: (ts_ms, value)}: newest values since the
        # last flush, for the latest-values store and rule evaluation.
        self.changed: dict[tuple[int, int], dict[str, tuple[int, float]]] = defaultdict(dict)
        self._held: dict[tuple[str, str], list[tuple[bytes, int]]] = {}
        self._lookups: dict[tuple[str, str], asyncio.Task] = {}
        self._lookup_slots = asyncio.Semaphore(MAX_CONCURRENT_LOOKUPS)

    # -- entry point ---------------------------------------------------------------------
    def handle(self, topic: str, payload: bytes) -> None:
        received_ms = time.time_ns() // 1_000_000
        self.stats.received += 1
        try:
            names = split_topic(topic)
            if names is None:
                self._reject(BAD_TOPIC, topic=topic[:200])
                return
            entry = self.registry.cached(*names)
            if entry is None or names in self._held:
                self._hold(names, payload, received_ms)
                return
            if self.registry.is_stale(entry):
                self._lookup(names)  # refresh in the background, use the old answer now
            self._ingest(entry, payload, received_ms, names)
        except Exception as exc:  # never let one message break the subscription
            self._reject(INTERNAL_ERROR, topic=topic[:200], error=repr(exc)[:300])

    # -- known devices -------------------------------------------------------------------
    def _ingest(self, entry: DeviceEntry | Refusal, payload: bytes, received_ms: int,
                names: tuple[str, str]) -> None:
        if isinstance(entry, Refusal):
            self._reject(entry.reason, factory_id=entry.factory_id, factory_slug=names[0],
                         device_key=names[1])
            return
        if entry.refusal:
            self._reject(entry.refusal, factory_id=entry.factory_id, device_id=entry.device_id)
            return
        try:
            parsed = parse_payload(payload, received_ms=received_ms,
                                   max_past_ms=self.max_past_ms,
                                   max_future_ms=self.max_future_ms,
                                   device_key=entry.device_key)
        except PayloadRejected as exc:
            self._reject(exc.reason, factory_id=entry.factory_id, device_id=entry.device_id,
                         detail=exc.detail[:200])
            return
        factory_id, device_id = entry.factory_id, entry.device_id
        values = parsed.values
        self.writer.add([_new_point(Point, (factory_id, device_id, parameter, ts_ms, value))
                         for parameter, ts_ms, value in values])
        latest = self.changed[(factory_id, device_id)]
        for parameter, ts_ms, value in values:
            held = latest.get(parameter)
            if held is None or held[0] <= ts_ms:
                latest[parameter] = (ts_ms, value)
        keys = {parameter for parameter, _, _ in values}
        new = keys - entry.known_parameters
        if new:
            entry.known_parameters |= new
            self.discovery.discovered(factory_id, device_id, new)
        self.discovery.seen(factory_id, device_id, received_ms, keys)
        self.stats.stored += 1
        if parsed.dropped:
            self.stats.values_dropped.update(parsed.dropped)
            log.info("telemetry.values_dropped", factory_id=factory_id, device_id=device_id,
                     reasons=dict(parsed.dropped))
        if parsed.timestamps_replaced:
            self.stats.timestamps_replaced.update(parsed.timestamps_replaced)
            log.info("telemetry.timestamp_replaced", factory_id=factory_id,
                     device_id=device_id, reasons=dict(parsed.timestamps_replaced))

    def take_changed(self) -> dict[tuple[int, int], dict[str, tuple[int, float]]]:
        changed, self.changed = self.changed, defaultdict(dict)
        return changed

    # -- devices not looked up yet -------------------------------------------------------
    def _hold(self, names: tuple[str, str], payload: bytes, received_ms: int) -> None:
        held = self._held.setdefault(names, [])
        if len(held) >= MAX_HELD_PER_DEVICE:
            self._reject(LOOKUP_BACKLOG, factory_slug=names[0], device_key=names[1])
            return
        held.append((payload, received_ms))
        self.stats.held_messages += 1
        self._lookup(names)

    def _lookup(self, names: tuple[str, str]) -> None:
        if names not in self._lookups:
            task = asyncio.get_running_loop().create_task(self._resolve(names))
            self._lookups[names] = task

    async def _resolve(self, names: tuple[str, str]) -> None:
        attempt = 0
        try:
            while True:
                try:
                    async with self._lookup_slots:
                        entry = await self.registry.resolve(*names)
                    break
                except Exception as exc:  # the database is unreachable: retry, keep order
                    delay = LOOKUP_RETRY_SECONDS[min(attempt, len(LOOKUP_RETRY_SECONDS) - 1)]
                    attempt += 1
                    log.warning("telemetry.device_lookup_failed", factory_slug=names[0],
                                device_key=names[1], error=str(exc)[:200], retry_in_s=delay)
                    await asyncio.sleep(delay)
            held = self._held.pop(names, [])
            self.stats.held_messages -= len(held)
            for payload, received_ms in held:
                try:
                    self._ingest(entry, payload, received_ms, names)
                except Exception as exc:
                    self._reject(INTERNAL_ERROR, factory_slug=names[0], device_key=names[1],
                                 error=repr(exc)[:300])
        finally:
            self._lookups.pop(names, None)

    async def drain_lookups(self, seconds: float) -> None:
        """Let lookups in flight finish (at shutdown), so held messages are not dropped."""
        if self._lookups:
            await asyncio.wait(list(self._lookups.values()), timeout=seconds)

    @property
    def held_messages(self) -> int:
        return sum(len(v) for v in self._held.values())

    # -- rejections ----------------------------------------------------------------------
    def _reject(self, reason: str, **fields) -> None:
        self.stats.rejected[reason] += 1
        fields.setdefault("factory_id", None)
        fields.setdefault("device_id", None)
        log.warning("telemetry.rejected", reason=reason, **fields)
