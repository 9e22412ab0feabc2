"""The ingester end to end on real Mosquitto, InfluxDB, MariaDB and Redis."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import orjson

from app.core.database import session_scope
from app.repositories.telemetry_repo import TelemetryRepository
from telemetry.tests.conftest import eventually

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)


def topic(factory, key: str) -> str:
    return f"factories/{factory.slug}/devices/{key}/telemetry"


def ts(i: int) -> int:
    return int((T0 + timedelta(seconds=i)).timestamp() * 1000)


async def device_by_key(factory_id: int, key: str):
    async with session_scope() as session:
        return await TelemetryRepository(session, factory_id).device_by_key(key)


async def parameter_keys(factory_id: int, device_id: int) -> set[str]:
    async with session_scope() as session:
        return await TelemetryRepository(session, factory_id).parameter_keys(device_id)


async def count_points(ingester, factory_id: int, device_id: int, parameters) -> int:
    total = 0
    async for chunk in ingester.timeseries.raw(
            factory_id, [(device_id, p) for p in parameters],
            T0 - timedelta(days=1), datetime.now(UTC) + timedelta(hours=1)):
        total += len(chunk)
    return total


async def test_end_to_end_ingest_discovery_latest_and_last_seen(
        ingester_factory, make, publisher):
    factory = await make.factory()
    ingester = await ingester_factory()
    for i in range(60):
        publisher.publish(topic(factory, "meter-1"), orjson.dumps(
            {"ts": ts(i), "metrics": {"power kW": i * 1.5, "voltage-l1": 230 + i % 3,
                                      "温度": 40.5}}))
    await publisher.wait_acked()
    device = await eventually(lambda: device_by_key(factory.id, "meter-1"))
    assert device.status == "discovered"
    params = ["power kW", "voltage-l1", "温度"]
    assert await eventually(
        lambda: _equals(count_points(ingester, factory.id, device.id, params), 180))
    assert await eventually(lambda: _equals(parameter_keys(factory.id, device.id),
                                            set(params)))
    latest = await ingester.latest.get(factory.id, device.id)
    assert latest["power kW"].value == 59 * 1.5
    assert latest["power kW"].ts == datetime.fromtimestamp(ts(59) / 1000, UTC)
    refreshed = await eventually(lambda: _last_seen(factory.id, "meter-1"))
    assert refreshed > datetime.now(UTC) - timedelta(minutes=1)
    assert ingester.stats.received == 60 and ingester.stats.stored == 60
    assert not ingester.stats.rejected
    # Every message took the fast path, and was acknowledged once its points were written.
    assert ingester.stats.fastpath_packets == 60 and ingester.stats.fastpath_enabled == 1
    await eventually(lambda: ingester.stats.acks_sent == 60)


async def _equals(awaitable, expected):
    value = await awaitable
    return value == expected


async def _last_seen(factory_id, key):
    device = await device_by_key(factory_id, key)
    return device.last_seen_at if device else None


async def test_auto_registration_off_rejects_unknown_devices(ingester_factory, make,
                                                             publisher):
    closed = await make.factory(settings={"allow_auto_register": False})
    ingester = await ingester_factory()
    for i in range(5):
        publisher.publish(topic(closed, "stranger"), orjson.dumps({"ts": ts(i), "v": 1}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.rejected.get("unknown_device") == 5)
    assert await device_by_key(closed.id, "stranger") is None
    assert ingester.stats.stored == 0


async def test_registered_device_is_accepted_when_auto_registration_is_off(
        ingester_factory, make, publisher):
    from app.models import Device

    closed = await make.factory(settings={"allow_auto_register": False})
    async with session_scope() as session:
        TelemetryRepository(session, closed.id).add(Device(device_key="known", name="Known"))
        await session.commit()
    ingester = await ingester_factory()
    publisher.publish(topic(closed, "known"), orjson.dumps({"ts": ts(1), "v": 2}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.stored == 1)
    device = await device_by_key(closed.id, "known")
    assert await eventually(lambda: _equals(
        count_points(ingester, closed.id, device.id, ["v"]), 1))


async def test_another_factorys_device_key_never_reaches_that_factory(
        ingester_factory, make, publisher):
    from app.models import Device

    a_closed = await make.factory(settings={"allow_auto_register": False})
    a_open = await make.factory(settings={"allow_auto_register": True})
    b = await make.factory()
    async with session_scope() as session:
        TelemetryRepository(session, b.id).add(Device(device_key="press-7", name="B press"))
        await session.commit()
    b_device = await device_by_key(b.id, "press-7")
    ingester = await ingester_factory()
    publisher.publish(topic(a_closed, "press-7"), orjson.dumps({"ts": ts(1), "kw": 5}))
    publisher.publish(topic(a_open, "press-7"), orjson.dumps({"ts": ts(2), "kw": 6}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.received == 2 and ingester.stats.stored == 1)
    assert ingester.stats.rejected["unknown_device"] == 1
    a_device = await eventually(lambda: device_by_key(a_open.id, "press-7"))
    assert a_device.id != b_device.id
    assert await eventually(lambda: _equals(
        count_points(ingester, a_open.id, a_device.id, ["kw"]), 1))
    assert await count_points(ingester, b.id, b_device.id, ["kw"]) == 0
    # Even asked with B's device id, factory A's filter returns nothing of B's.
    assert await count_points(ingester, a_open.id, b_device.id, ["kw"]) == 0


async def test_unknown_factory_and_disabled_device_are_rejected(ingester_factory, make,
                                                                publisher):
    from app.models import Device

    factory = await make.factory()
    async with session_scope() as session:
        TelemetryRepository(session, factory.id).add(
            Device(device_key="off", name="Off", status="disabled", is_active=False))
        await session.commit()
    ingester = await ingester_factory()
    publisher.publish("factories/no-such-factory-xyz/devices/m/telemetry", b'{"v": 1}')
    publisher.publish(topic(factory, "off"), b'{"v": 1}')
    publisher.publish("factories//devices/m/telemetry", b'{"v": 1}')
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.received == 3)
    await eventually(lambda: sum(ingester.stats.rejected.values()) == 3)
    assert ingester.stats.rejected == {"unknown_factory": 1, "device_disabled": 1,
                                       "bad_topic": 1}


async def test_rule_batches_are_dispatched_per_flush_not_per_message(
        ingester_factory, make, publisher):
    import redis.asyncio as redis

    from pytest_factoryops import require_env

    factory = await make.factory()
    broker = redis.from_url(require_env("TEST_REDIS_URL"))
    await broker.delete("rule_engine")
    ingester = await ingester_factory(ingest_flush_interval_ms=1000)
    await publisher_burst(publisher, factory, "batch-meter", 300)
    await eventually(lambda: ingester.stats.stored == 300)
    await eventually(lambda: ingester.stats.rule_batches_sent >= 1)
    queued = await eventually(lambda: broker.llen("rule_engine"))
    assert 1 <= queued <= 10, "one task per flush, not per message"
    message = orjson.loads(await broker.lindex("rule_engine", 0))
    assert message["headers"]["task"] == "rule_engine.evaluate_batch"
    await broker.delete("rule_engine")
    await broker.aclose()


async def publisher_burst(publisher, factory, key: str, count: int, offset: int = 0):
    for i in range(count):
        publisher.publish(topic(factory, key), orjson.dumps(
            {"ts": ts(offset + i), "metrics": {"p": float(i)}}))
    await publisher.wait_acked()


async def test_stop_writes_everything_received(ingester_factory, make, publisher):
    factory = await make.factory()
    ingester = await ingester_factory(ingest_flush_interval_ms=60_000)  # no timed flush
    await publisher_burst(publisher, factory, "m", 500)
    await eventually(lambda: ingester.stats.stored == 500)
    device = await device_by_key(factory.id, "m")
    await ingester.stop()
    assert ingester.stats.points_written == 500
    from app.stores.timeseries import build_timeseries_store

    async with build_timeseries_store(ingester.settings) as store:
        ingester.timeseries = store
        assert await count_points(ingester, factory.id, device.id, ["p"]) == 500


async def test_points_are_spooled_when_the_store_is_unreachable_and_replayed(
        ingester_factory, make, publisher, ingest_settings):
    """Shutdown during an outage: what could not be written goes to disk, and the next
    ingester (same spool folder) writes it once the store answers."""
    factory = await make.factory()
    down = await ingester_factory(influx_url="http://127.0.0.1:9", ingest_flush_interval_ms=50)
    await publisher_burst(publisher, factory, "s", 200)
    await eventually(lambda: down.stats.stored == 200)
    await eventually(lambda: down.stats.write_errors >= 1)
    await down.stop()
    assert down.stats.points_written == 0 and down.writer.spool.points == 200
    up = await ingester_factory()
    await eventually(lambda: up.stats.points_written == 200, within=30)
    device = await device_by_key(factory.id, "s")
    assert await count_points(up, factory.id, device.id, ["p"]) == 200
    assert up.writer.spool.points == 0 and not list(up.writer.spool.files())


def now_ms() -> int:
    return time.time_ns() // 1_000_000
