"""The rule batch the ingester sends reads back, through the rule engine's parser, as exactly
the values the ingester kept: one model (`app.schemas.rule_batch.RuleBatch`) on both ends."""

from __future__ import annotations

import base64
import time

import orjson
from kombu.serialization import dumps, loads

from app.core.config import Settings
from app.core.task_queue import EVALUATE_BATCH, create_celery
from app.schemas.rule_batch import RuleBatch
from app.services.ingest.quotas import DeviceQuota
from telemetry.dispatch import RuleDispatcher
from telemetry.handlers.ingestion import Ingestion
from telemetry.handlers.parameter_discovery import ParameterDiscovery
from telemetry.metrics import IngestStats
from telemetry.registry import DeviceEntry, DeviceRegistry
from telemetry.spool import DiskSpool
from telemetry.tests.conftest import eventually
from telemetry.writer import PointWriter

NOW_MS = int(time.time() * 1000)


def known_device(factory_id: int, device_id: int, slug: str, key: str,
                 parameters: set[str]) -> DeviceEntry:
    quota = DeviceQuota.for_factory(Settings(), {})
    return DeviceEntry(factory_id, device_id, slug, key, None, quota, quota.bucket(time.time()),
                       parameters)


def ingestion_of(devices: list[DeviceEntry], tmp_path) -> Ingestion:
    """The ingester's message handler with these devices already known (no database)."""
    stats = IngestStats()
    registry = DeviceRegistry(Settings(ingest_cache_ttl_seconds=3600))
    for entry in devices:
        entry.expires_at = time.monotonic() + 3600
        registry.entries[(entry.factory_slug, entry.device_key)] = entry
    writer = PointWriter(None, DiskSpool(tmp_path / "spool", max_bytes=1_000_000), stats,
                         batch_points=1000)
    return Ingestion(Settings(), registry, writer, ParameterDiscovery(stats), stats)


def publish(ingestion: Ingestion, entry: DeviceEntry, ts_ms: int, **values) -> None:
    ingestion.handle(f"factories/{entry.factory_slug}/devices/{entry.device_key}/telemetry",
                     orjson.dumps({"ts": ts_ms, "metrics": values}), 0, None)


def a_flush(tmp_path) -> RuleBatch:
    press = known_device(7, 70, "north", "press", {"power_kw"})
    pump = known_device(7, 71, "north", "pump", set())
    chiller = known_device(8, 80, "south", "chiller", set())
    ingestion = ingestion_of([press, pump, chiller], tmp_path)
    publish(ingestion, press, NOW_MS - 2000, power_kw=120.5, voltage=230)
    publish(ingestion, press, NOW_MS - 5000, power_kw=99.0)  # older: must not win
    publish(ingestion, pump, NOW_MS - 1000, flow=3)
    publish(ingestion, chiller, NOW_MS - 3000, temperature=-4.25)
    assert ingestion.stats.stored == 4
    return RuleBatch.of_changes(ingestion.take_changed())


def test_a_flush_reads_back_through_the_engines_parser_unchanged(tmp_path):
    batch = a_flush(tmp_path)
    assert batch.root == {
        7: {70: {"power_kw": (NOW_MS - 2000, 120.5), "voltage": (NOW_MS - 2000, 230.0)},
            71: {"flow": (NOW_MS - 1000, 3.0)}},
        8: {80: {"temperature": (NOW_MS - 3000, -4.25)}},
    }
    # Encoded and decoded as the task queue does it (the serializer the Celery app uses).
    serializer = create_celery(Settings()).conf.task_serializer
    content_type, encoding, body = dumps([[batch.to_message()], {}, {}], serializer=serializer)
    (message,), _, _ = loads(body, content_type, encoding)
    assert RuleBatch.from_message(message) == batch
    assert RuleBatch.model_validate(message) == batch
    assert batch.to_message() == batch.model_dump(mode="json")


async def test_the_dispatched_task_carries_the_batch(tmp_path, settings):
    import redis.asyncio as redis

    batch = a_flush(tmp_path)
    broker = redis.from_url(settings.celery_broker)
    await broker.delete("rule_engine")
    stats = IngestStats()
    await RuleDispatcher(create_celery(settings), stats).send(batch)
    assert stats.rule_batches_sent == 1
    queued = orjson.loads(await eventually(lambda: broker.lindex("rule_engine", 0)))
    await broker.delete("rule_engine")
    await broker.aclose()
    assert queued["headers"]["task"] == EVALUATE_BATCH
    (message,), _, _ = orjson.loads(base64.b64decode(queued["body"]))
    assert RuleBatch.from_message(message) == batch
