"""The per-message path: topic → device → quota → payload → points. Synchronous and cheap
for known devices; messages for a device not yet looked up wait (in order, unacknowledged)
for one lookup.

Checks run cheapest first, so that a flooding device costs little more than reading its
bytes: the payload size (before a message is even held), the device's token bucket, then
parsing with its values-per-message limit, then its cap on distinct parameters.

Every QoS 1 message is acknowledged through the writer once what it carried is durable (its
points written or spooled) or once it was refused. Nothing here may raise into the MQTT
client: every failure of one message is counted by reason and logged with its factory and
device, and the next message is handled as usual."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from app.core.config import Settings
from app.core.logging import get_logger
from app.services.ingest.payload import (
    TOO_LARGE,
    TOO_MANY_VALUES,
    PayloadRejected,
    parse_payload,
)
from app.services.ingest.quotas import PARAMETER_QUOTA, RATE_LIMITED, admit_parameters
from app.stores.timeseries import Point
from telemetry.acks import AckLedger, AckSink
from telemetry.handlers.parameter_discovery import ParameterDiscovery
from telemetry.metrics import IngestStats
from telemetry.registry import DeviceEntry, DeviceRegistry, Refusal
from telemetry.spool import HeldMessage
from telemetry.writer import PointWriter

log = get_logger("telemetry.ingestion")

# Point(...) goes through a generated __new__; the tuple constructor builds the same object
# for a fraction of the cost, which adds up at fifty thousand points a second.
_new_point = tuple.__new__

BAD_TOPIC = "bad_topic"
INTERNAL_ERROR = "internal_error"
LOOKUP_RETRY_SECONDS = (0.5, 1, 2, 5, 10)
# Hundreds of unknown devices reporting at once (an ingester start with a backlog) would
# otherwise ask the connection pool for more connections than it has; the rest wait here.
MAX_CONCURRENT_LOOKUPS = 8
# A device's refusals are logged at most this often per reason (with the count in between).
NOTICE_SECONDS = 10.0
MAX_NOTICE_KEYS = 50_000
# Devices first heard within this long after start-up get the time the ingester was away
# credited to their rate bucket: their backlog queued in the broker is arriving.
STARTUP_CREDIT_WINDOW_SECONDS = 600.0


def split_topic(topic: str) -> tuple[str, str] | None:
    """`factories/{slug}/devices/{key}/telemetry` → (slug, key)."""
    parts = topic.split("/")
    if (len(parts) != 5 or parts[0] != "factories" or parts[2] != "devices"
            or parts[4] != "telemetry" or not parts[1] or not parts[3]):
        return None
    return parts[1], parts[3]


class HeldEntry:
    """A message waiting for its device lookup, with what acknowledges it."""

    __slots__ = ("payload", "received_ms", "packet_id", "sink")

    def __init__(self, payload: bytes, received_ms: int, packet_id: int,
                 sink: AckSink | None) -> None:
        self.payload = payload
        self.received_ms = received_ms
        self.packet_id = packet_id
        self.sink = sink


class Notices:
    """One log line per device (or topic) and reason every NOTICE_SECONDS, with how many were
    counted since the last one: a device flooding with refused messages must not also flood
    the logs. Counters are exact either way."""

    def __init__(self) -> None:
        self._next: dict[tuple, float] = {}
        self._suppressed: dict[tuple, int] = defaultdict(int)

    def note(self, event: str, key: tuple, count: int = 1, **fields) -> None:
        now = time.monotonic()
        self._suppressed[key] += count
        if now < self._next.get(key, 0.0):
            return
        if len(self._next) >= MAX_NOTICE_KEYS:
            self._forget_quiet(now)
        self._next[key] = now + NOTICE_SECONDS
        log.warning(event, count=self._suppressed.pop(key), within_s=NOTICE_SECONDS,
                    **fields)

    def _forget_quiet(self, now: float) -> None:
        # Topics are chosen by whoever publishes: keys must not grow without bound.
        for key in [k for k, until in self._next.items() if until <= now]:
            del self._next[key]
            self._suppressed.pop(key, None)


class Ingestion:
    def __init__(self, settings: Settings, registry: DeviceRegistry, writer: PointWriter,
                 discovery: ParameterDiscovery, stats: IngestStats, *,
                 startup_absence_seconds: float = 0.0) -> None:
        self.registry = registry
        self.writer = writer
        self.discovery = discovery
        self.stats = stats
        self.max_past_ms = settings.ingest_max_past_seconds * 1000
        self.max_future_ms = settings.ingest_max_future_seconds * 1000
        self.max_payload_bytes = settings.ingest_max_payload_bytes
        # (factory_id, device_id) -> {parameter: (ts_ms, value)}: newest values since the
        # last flush, for the latest-values store and rule evaluation.
        self.changed: dict[tuple[int, int], dict[str, tuple[int, float]]] = defaultdict(dict)
        self._held: dict[tuple[str, str], list[HeldEntry]] = {}
        self._lookups: dict[tuple[str, str], asyncio.Task] = {}
        self._lookup_slots = asyncio.Semaphore(MAX_CONCURRENT_LOOKUPS)
        self._notices = Notices()
        # Seconds the ingester was not reading (away before start-up, paused, disconnected):
        # credited to each device's rate bucket, see `absent`.
        self.absence_total = startup_absence_seconds
        self._startup_credit_until = time.monotonic() + min(startup_absence_seconds,
                                                            STARTUP_CREDIT_WINDOW_SECONDS)
        # Called once something held was handled (backpressure may lift).
        self.on_relief = lambda: None

    # -- entry point ---------------------------------------------------------------------
    def handle(self, topic: str, payload: bytes, packet_id: int, sink: AckSink | None) -> None:
        """One message off the wire. `packet_id` is 0 for QoS 0 (nothing to acknowledge)."""
        received_ms = time.time_ns() // 1_000_000
        stats = self.stats
        stats.received += 1
        if packet_id:
            stats.unacked_messages += 1
        try:
            names = split_topic(topic)
            if names is None:
                self._reject(BAD_TOPIC, topic=topic[:200])
            elif len(payload) > self.max_payload_bytes:
                self._reject(TOO_LARGE, factory_slug=names[0], device_key=names[1],
                             detail=f"{len(payload)} bytes")
            else:
                entry = self.registry.cached(*names)
                if entry is None or names in self._held:
                    self._hold(names, HeldEntry(payload, received_ms, packet_id, sink))
                    return
                if self.registry.is_stale(entry):
                    self._lookup(names)  # refresh in the background, use the old answer now
                self._ingest(entry, payload, received_ms, names)
        except Exception as exc:  # never let one message break the subscription
            self._reject(INTERNAL_ERROR, topic=topic[:200], error=repr(exc)[:300])
        if packet_id:
            writer = self.writer
            writer.acks.add(sink, packet_id, len(writer.pending))

    def absent(self, seconds: float) -> None:
        """The ingester did not read for this long (paused or disconnected)."""
        self.absence_total += seconds

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
        bucket = entry.bucket
        if entry.absence_credited != self.absence_total:
            bucket.grant(self.absence_total - entry.absence_credited)
            entry.absence_credited = self.absence_total
        if not bucket.take(received_ms / 1000):
            self.stats.rejected[RATE_LIMITED] += 1
            self._over_quota(entry, RATE_LIMITED, limit_per_s=entry.quota.messages_per_second)
            return
        quota = entry.quota
        try:
            parsed = parse_payload(payload, received_ms=received_ms,
                                   max_past_ms=self.max_past_ms,
                                   max_future_ms=self.max_future_ms,
                                   device_key=entry.device_key,
                                   max_bytes=quota.payload_bytes,
                                   max_values=quota.values_per_message)
        except PayloadRejected as exc:
            self._reject(exc.reason, factory_id=entry.factory_id, device_id=entry.device_id,
                         detail=exc.detail[:200])
            return
        factory_id, device_id = entry.factory_id, entry.device_id
        values = parsed.values
        keys = {parameter for parameter, _, _ in values}
        new = keys - entry.known_parameters
        if new and len(entry.known_parameters) + len(new) > quota.parameters_per_device:
            values, keys, new = self._within_parameter_quota(entry, parsed, values, new)
            if not values:
                self.stats.rejected[PARAMETER_QUOTA] += 1
                return
        self.writer.add([_new_point(Point, (factory_id, device_id, parameter, ts_ms, value))
                         for parameter, ts_ms, value in values])
        latest = self.changed[(factory_id, device_id)]
        for parameter, ts_ms, value in values:
            held = latest.get(parameter)
            if held is None or held[0] <= ts_ms:
                latest[parameter] = (ts_ms, value)
        if new:
            entry.known_parameters |= new
            self.discovery.discovered(factory_id, device_id, new)
        self.discovery.seen(factory_id, device_id, received_ms, keys)
        self.stats.stored += 1
        if parsed.dropped:
            self.stats.values_dropped.update(parsed.dropped)
            if parsed.dropped.get(TOO_MANY_VALUES):
                self._over_quota(entry, TOO_MANY_VALUES, parsed.dropped[TOO_MANY_VALUES],
                                 limit=quota.values_per_message)
            else:
                log.info("telemetry.values_dropped", factory_id=factory_id,
                         device_id=device_id, reasons=dict(parsed.dropped))
        if parsed.timestamps_replaced:
            self.stats.timestamps_replaced.update(parsed.timestamps_replaced)
            log.info("telemetry.timestamp_replaced", factory_id=factory_id,
                     device_id=device_id, reasons=dict(parsed.timestamps_replaced))

    def _within_parameter_quota(self, entry: DeviceEntry, parsed, values, new: set[str]):
        """Values whose parameter the device's cap still admits; the values of refused new
        keys are dropped and counted."""
        admitted, refused = admit_parameters(
            (parameter for parameter, _, _ in values if parameter in new),
            entry.known_parameters, entry.quota.parameters_per_device)
        refused_keys = set(refused)
        kept = [v for v in values if v[0] not in refused_keys]
        dropped = len(values) - len(kept)
        self.stats.values_dropped[PARAMETER_QUOTA] += dropped
        self._over_quota(entry, PARAMETER_QUOTA, dropped,
                         limit=entry.quota.parameters_per_device)
        return kept, {parameter for parameter, _, _ in kept}, set(admitted)

    def take_changed(self) -> dict[tuple[int, int], dict[str, tuple[int, float]]]:
        changed, self.changed = self.changed, defaultdict(dict)
        return changed

    # -- devices not looked up yet -------------------------------------------------------
    def _hold(self, names: tuple[str, str], held: HeldEntry) -> None:
        self._held.setdefault(names, []).append(held)
        self.stats.held_messages += 1
        self.stats.held_bytes += len(held.payload)
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
            if (isinstance(entry, DeviceEntry) and entry.absence_credited == 0.0
                    and time.monotonic() > self._startup_credit_until):
                # Heard for the first time well after start-up: no backlog of it to credit.
                entry.absence_credited = self.absence_total
            self._release_held(names, entry)
        finally:
            self._lookups.pop(names, None)

    def _release_held(self, names: tuple[str, str], entry: DeviceEntry | Refusal) -> None:
        held = self._held.pop(names, [])
        self.stats.held_messages -= len(held)
        writer = self.writer
        for message in held:
            self.stats.held_bytes -= len(message.payload)
            try:
                self._ingest(entry, message.payload, message.received_ms, names)
            except Exception as exc:
                self._reject(INTERNAL_ERROR, factory_slug=names[0], device_key=names[1],
                             error=repr(exc)[:300])
            if message.packet_id:
                writer.acks.add(message.sink, message.packet_id, len(writer.pending))
        if held:
            self.on_relief()

    async def drain_lookups(self, seconds: float) -> None:
        """Let lookups in flight finish (at shutdown), so fewer messages stay held."""
        if self._lookups:
            await asyncio.wait(list(self._lookups.values()), timeout=seconds)

    def take_held(self) -> tuple[list[HeldMessage], AckLedger]:
        """Everything still waiting for a lookup (at shutdown, to be spooled), and the
        acknowledgements owed once it is on disk. Lookups in flight are cancelled."""
        for task in self._lookups.values():
            task.cancel()
        messages: list[HeldMessage] = []
        acks = AckLedger()
        for (slug, key), held in self._held.items():
            for message in held:
                messages.append((slug, key, message.payload, message.received_ms))
                if message.packet_id:
                    acks.add(message.sink, message.packet_id)
        self._held.clear()
        self.stats.held_messages = 0
        self.stats.held_bytes = 0
        return messages, acks

    def replay(self, messages: list[HeldMessage], sink: AckSink) -> None:
        """Messages spooled while waiting for a lookup at the last shutdown: handled again,
        in their order and with their receive times; `sink` hears when each is durable."""
        for number, (slug, key, payload, received_ms) in enumerate(messages, start=1):
            self.stats.messages_replayed += 1
            self.stats.unacked_messages += 1
            self._hold((slug, key), HeldEntry(payload, received_ms, number, sink))

    @property
    def held_messages(self) -> int:
        return sum(len(v) for v in self._held.values())

    # -- rejections ----------------------------------------------------------------------
    def _reject(self, reason: str, **fields) -> None:
        """A whole message refused: counted, and logged (at most every NOTICE_SECONDS per
        device and reason) with what names its device. The first message's details stand
        for the ones counted with it."""
        self.stats.rejected[reason] += 1
        fields.setdefault("factory_id", None)
        fields.setdefault("device_id", None)
        key = (reason, fields["factory_id"], fields["device_id"], fields.get("factory_slug"),
               fields.get("device_key"))
        self._notices.note("telemetry.rejected", key, reason=reason, **fields)

    def _over_quota(self, entry: DeviceEntry, reason: str, count: int = 1, **fields) -> None:
        self._notices.note("telemetry.quota_exceeded",
                           (reason, entry.factory_id, entry.device_id), count, reason=reason,
                           factory_id=entry.factory_id, device_id=entry.device_id, **fields)
