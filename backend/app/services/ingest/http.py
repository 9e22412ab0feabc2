"""HTTP ingest: telemetry from gateways that speak HTTP but not MQTT.

A request carries one message (an `application/json` body) or a batch of them (an
`application/x-ndjson` body, one message per line, each exactly what the device would publish
over MQTT). Every message goes through what the MQTT ingester applies, in the same order: the
payload size, the device's token bucket, the parser (`payload.parse_payload`) with the
values-per-message limit, then the cap on distinct parameters. What passes is then handled as
the ingester handles one flush: the points written to the time-series store, the newest values
put in the latest-values store, new parameters discovered and last-seen times touched, and one
rule batch sent to the rule engine. A message refused is counted by reason, never an error of
the request: the answer says how many messages were accepted and why the others were not.

The token buckets live in the API process (one per device): with several API processes a
device may send up to that many times its rate, as with several ingesters."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Forbidden, Unauthorized, not_found
from app.core.logging import get_logger
from app.core.security import hash_token
from app.core.task_queue import EVALUATE_BATCH, QUEUE_RULE_ENGINE, publish_task
from app.models.api_key import INGEST
from app.models.device import STATUS_DISABLED, Device
from app.repositories.api_key_repo import ApiKeyRepository
from app.repositories.device_repo import DeviceRepository, device_by_token_hash
from app.repositories.factory_repo import FactoryRepository
from app.repositories.telemetry_repo import TelemetryRepository
from app.schemas.ingest import IngestResult
from app.schemas.principal import Principal
from app.schemas.rule_batch import RuleBatch
from app.services.ingest.payload import TOO_LARGE, PayloadRejected, parse_payload
from app.services.ingest.quotas import (
    PARAMETER_QUOTA,
    RATE_LIMITED,
    DeviceQuota,
    TokenBucket,
    admit_parameters,
)
from app.stores.resources import Resources
from app.stores.timeseries import Point

log = get_logger(__name__)

# A request is a batch, not a stream: larger ones are refused whole (413).
MAX_MESSAGES = 1000
MAX_BODY_BYTES = 8 * 1024 * 1024
_BUCKETS = "ingest_token_buckets"


def split_messages(body: bytes, ndjson: bool) -> list[bytes]:
    """The messages of a body: the body itself, or its lines (a final newline ends the last
    line; any other empty line is an empty message, refused like an empty MQTT payload)."""
    if not ndjson:
        return [body]
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r") for line in lines]


class HttpIngest:
    def __init__(self, session: AsyncSession, resources: Resources) -> None:
        self.session = session
        self.resources = resources
        self.settings = resources.settings

    # -- who is sending --------------------------------------------------------------------
    async def device_for_token(self, token: str) -> Device:
        device = await device_by_token_hash(self.session, hash_token(token))
        if device is None:
            raise Unauthorized("The device token is not valid.", code="INVALID_DEVICE_TOKEN")
        return self._enabled(device)

    async def device_for_key(self, principal: Principal, key_id: int, device_key: str
                             ) -> Device:
        """A device an API key may send for: it needs the ingest permission and must name
        the device among its `ingest_device_ids`."""
        if not principal.has_permission(INGEST):
            raise Forbidden(f"This needs the '{INGEST}' permission.", code="PERMISSION_DENIED",
                            details={"permission": INGEST})
        device = await DeviceRepository(self.session, principal.factory_id).get_by_key(
            device_key)
        if device is None:
            raise not_found("device")
        row = await ApiKeyRepository(self.session, principal.factory_id).get_row(key_id)
        if row is None or device.id not in (row.key.ingest_device_ids or []):
            raise Forbidden("This API key may not send telemetry for this device.",
                            code="DEVICE_NOT_ALLOWED", details={"device_key": device_key})
        return self._enabled(device)

    @staticmethod
    def _enabled(device: Device) -> Device:
        if device.status == STATUS_DISABLED or not device.is_active:
            raise Forbidden("The device is disabled: its telemetry is refused.",
                            code="DEVICE_DISABLED")
        return device

    # -- intake ----------------------------------------------------------------------------
    async def ingest(self, device: Device, messages: list[bytes]) -> IngestResult:
        received_ms = time.time_ns() // 1_000_000
        factory = await FactoryRepository(self.session).get(device.factory_id)
        quota = DeviceQuota.for_factory(self.settings, factory.settings if factory else None)
        bucket = self._bucket(device, quota)
        repo = TelemetryRepository(self.session, device.factory_id)
        known = await repo.parameter_keys(device.id)
        rejected: Counter = Counter()
        dropped: Counter = Counter()
        replaced: Counter = Counter()
        points: list[Point] = []
        latest: dict[str, tuple[int, float]] = {}
        new_keys: list[str] = []
        seen_keys: set[str] = set()
        accepted = 0
        for payload in messages:
            if len(payload) > self.settings.ingest_max_payload_bytes:
                rejected[TOO_LARGE] += 1
                continue
            if not bucket.take(time.monotonic()):
                rejected[RATE_LIMITED] += 1
                continue
            try:
                parsed = parse_payload(
                    payload, received_ms=received_ms,
                    max_past_ms=self.settings.ingest_max_past_seconds * 1000,
                    max_future_ms=self.settings.ingest_max_future_seconds * 1000,
                    device_key=device.device_key, max_bytes=quota.payload_bytes,
                    max_values=quota.values_per_message)
            except PayloadRejected as exc:
                rejected[exc.reason] += 1
                continue
            values = parsed.values
            fresh = {p for p, _, _ in values} - known
            if fresh:
                admitted, refused = admit_parameters((p for p, _, _ in values if p in fresh),
                                                     known, quota.parameters_per_device)
                if refused:
                    refused_keys = set(refused)
                    kept = [v for v in values if v[0] not in refused_keys]
                    dropped[PARAMETER_QUOTA] += len(values) - len(kept)
                    values = kept
                    if not values:
                        rejected[PARAMETER_QUOTA] += 1
                        continue
                known |= set(admitted)
                new_keys.extend(admitted)
            accepted += 1
            if parsed.dropped:
                dropped.update(parsed.dropped)
            if parsed.timestamps_replaced:
                replaced.update(parsed.timestamps_replaced)
            for parameter, ts_ms, value in values:
                points.append(Point(device.factory_id, device.id, parameter, ts_ms, value))
                seen_keys.add(parameter)
                held = latest.get(parameter)
                if held is None or held[0] <= ts_ms:
                    latest[parameter] = (ts_ms, value)
        if points:
            await self._store(device, repo, points, latest, new_keys, seen_keys, received_ms)
        if rejected or dropped:
            log.warning("telemetry.http_rejected", factory_id=device.factory_id,
                        device_id=device.id, rejected=dict(rejected), dropped=dict(dropped))
        return IngestResult(messages=len(messages), accepted=accepted, rejected=dict(rejected),
                            values_stored=len(points), values_dropped=dict(dropped),
                            timestamps_replaced=dict(replaced))

    def _bucket(self, device: Device, quota: DeviceQuota) -> TokenBucket:
        buckets: dict[int, TokenBucket] = self.resources.extras.setdefault(_BUCKETS, {})
        bucket = buckets.get(device.id)
        if bucket is None:
            bucket = buckets[device.id] = quota.bucket(time.monotonic())
        else:
            bucket.retune(quota.messages_per_second, quota.burst_messages)
        return bucket

    async def _store(self, device: Device, repo: TelemetryRepository, points: list[Point],
                     latest: dict[str, tuple[int, float]], new_keys: list[str],
                     seen_keys: set[str], received_ms: int) -> None:
        """What the ingester does per flush, for this request's values."""
        await self.resources.timeseries.write(points)
        changed = {(device.factory_id, device.id): latest}
        await self.resources.latest.put_many(changed)
        now = datetime.now(UTC)
        if new_keys:
            await repo.add_parameters(device.id, new_keys, now)
            log.info("telemetry.parameters_discovered", factory_id=device.factory_id,
                     device_id=device.id, parameters=sorted(new_keys)[:20],
                     count=len(new_keys))
        await repo.touch_devices({device.id: datetime.fromtimestamp(received_ms / 1000, UTC)})
        await repo.touch_parameters(device.id, seen_keys, now)
        await self.session.commit()
        try:
            await publish_task(self.settings, EVALUATE_BATCH, QUEUE_RULE_ENGINE,
                               [RuleBatch.of_changes(changed).to_message()])
        except Exception as exc:  # the values are stored: a queue outage must not fail them
            log.warning("telemetry.rule_dispatch_failed", factory_id=device.factory_id,
                        device_id=device.id, error=str(exc)[:200])


__all__ = ["MAX_BODY_BYTES", "MAX_MESSAGES", "HttpIngest", "split_messages"]
