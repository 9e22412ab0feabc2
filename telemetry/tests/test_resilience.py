"""Hostile input, store outages, broker restarts and several ingesters: nothing valid is
lost, nothing is stored twice, and the ingester keeps running."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import orjson

from pytest_factoryops.hostile import hostile_payloads
from pytest_factoryops.tcp_proxy import TcpProxy
from telemetry.tests.conftest import Publisher, eventually
from telemetry.tests.faults import influx_address
from telemetry.tests.test_ingestion import (
    count_points,
    device_by_key,
    publisher_burst,
    topic,
    ts,
)


async def test_hostile_payloads_interleaved_with_valid_ones(ingester_factory, make,
                                                            publisher):
    factory = await make.factory()
    ingester = await ingester_factory()
    rng = random.Random(20261129)
    hostile = hostile_payloads(rng)
    expected_rejects: Counter = Counter()
    expected_drops: Counter = Counter()
    expected_ts: Counter = Counter()
    partial_keys: list[str] = []
    valid = 0
    stream = []
    for n, (payload, outcome) in enumerate(hostile):
        stream.append(("hostile", payload))
        if outcome[0] == "reject":
            expected_rejects[outcome[1]] += 1
        else:
            expected_drops.update(outcome[2])
            expected_ts.update(outcome[3])
        if n % 2 == 0:  # a valid message between every second hostile one
            stream.append(("valid", orjson.dumps(
                {"ts": ts(valid), "metrics": {"power": float(valid), "v": 230.0}})))
            valid += 1
    for _kind, payload in stream:
        publisher.publish(topic(factory, "target"), payload)
    # Hostile topics as well: the subscription matches them, the ingester refuses them.
    for bad in ("factories//devices/x/telemetry", "factories/x/devices//telemetry"):
        publisher.publish(bad, b'{"v": 1}')
    expected_rejects["bad_topic"] += 2
    await publisher.wait_acked(within=60)
    total = len(stream) + 2
    await eventually(lambda: ingester.stats.received == total, within=60)

    partial_count = sum(1 for _, o in hostile if o[0] == "store")
    assert ingester.stats.stored == valid + partial_count
    assert dict(ingester.stats.rejected) == dict(expected_rejects)
    assert dict(ingester.stats.values_dropped) == dict(expected_drops)
    assert dict(ingester.stats.timestamps_replaced) == dict(expected_ts)

    device = await device_by_key(factory.id, "target")
    assert await eventually(lambda: _count_is(ingester, factory.id, device.id,
                                              ["power", "v"], 2 * valid))
    partial_keys = [f"partial {i}" for i in range(150)]
    assert await eventually(lambda: _count_is(ingester, factory.id, device.id,
                                              partial_keys, partial_count))
    # Still alive and well: a new message is stored.
    publisher.publish(topic(factory, "target"), orjson.dumps({"ts": ts(9999), "after": 1}))
    await eventually(lambda: _count_is(ingester, factory.id, device.id, ["after"], 1))


async def _count_is(ingester, factory_id, device_id, parameters, expected) -> bool:
    return await count_points(ingester, factory_id, device_id, parameters) == expected


async def test_time_series_outage_mid_stream_loses_nothing(ingester_factory, make,
                                                           publisher):
    # The outage is a cut proxy in front of InfluxDB: the shared server stays up for
    # everyone else using it.
    store = TcpProxy(*influx_address())
    await store.start()
    factory = await make.factory()
    ingester = await ingester_factory(ingest_flush_interval_ms=100,
                                      influx_url=f"http://127.0.0.1:{store.port}")
    try:
        await publisher_burst(publisher, factory, "outage", 300, offset=0)
        await eventually(lambda: ingester.stats.points_written >= 300)
        await store.cut()
        await publisher_burst(publisher, factory, "outage", 700, offset=300)
        await eventually(lambda: ingester.stats.stored == 1000)
        await eventually(lambda: ingester.stats.write_errors >= 1)
        # Batches the store cannot take go to the disk spool, and only then are their
        # messages acknowledged.
        await eventually(lambda: ingester.stats.spool_points == 700)
        assert ingester.stats.unacked_messages == 0
        assert ingester.stats.acks_sent == ingester.stats.received  # (the broker is shared)
        store.restore()
        device = await device_by_key(factory.id, "outage")
        await eventually(lambda: ingester.writer.healthy and ingester.stats.buffer_points == 0,
                         within=60)
        assert await count_points(ingester, factory.id, device.id, ["p"]) == 1000
    finally:
        await store.close()


async def test_store_down_spools_to_disk_and_replays_at_the_next_start(
        ingester_factory, make, publisher):
    factory = await make.factory()
    ingester = await ingester_factory(influx_url="http://127.0.0.1:9",
                                      ingest_batch_points=50, ingest_flush_interval_ms=50)
    await publisher_burst(publisher, factory, "spill", 400)
    await eventually(lambda: ingester.writer.spool.points == 400)
    assert ingester.writer.buffered_points == 0 and ingester.stats.acks_sent == 400
    files = ingester.spool.point_files()
    assert len(files) == 8  # a file per batch, each flushed to disk before its messages
    await ingester.stop()   # were acknowledged
    assert ingester.spool.point_files() == files

    again = await ingester_factory()  # same spool folder (the instance slot is free again)
    assert again.spool.directory == ingester.spool.directory
    device = await device_by_key(factory.id, "spill")
    assert await eventually(lambda: _count_is(again, factory.id, device.id, ["p"], 400))
    await eventually(lambda: again.spool.points == 0 and not again.spool.files())


async def test_broker_restart_loses_nothing_at_qos1(ingester_factory, make, private_broker):
    factory = await make.factory()
    ingester = await ingester_factory(mqtt_port=private_broker.port)
    pub = Publisher(port=private_broker.port)
    await publisher_burst(pub, factory, "restart", 300, offset=0)
    pub.close()
    await eventually(lambda: ingester.stats.stored == 300)
    reconnects = ingester.stats.reconnects
    private_broker.stop()
    private_broker.start()
    # Published while the ingester is still reconnecting: the broker queues them in the
    # ingester's persistent session.
    pub = Publisher(port=private_broker.port)
    await publisher_burst(pub, factory, "restart", 700, offset=300)
    pub.close()
    await eventually(lambda: ingester.stats.reconnects > reconnects)
    await eventually(lambda: ingester.stats.stored >= 1000, within=60)
    device = await device_by_key(factory.id, "restart")
    assert await eventually(lambda: _count_is(ingester, factory.id, device.id, ["p"], 1000),
                            within=30)


async def test_two_ingesters_on_a_shared_subscription_store_each_message_once(
        ingester_factory, make, publisher):
    factory = await make.factory()
    group = f"ingest-{factory.id}"
    first = await ingester_factory(mqtt_shared_group=group, mqtt_client_id=f"a-{group}")
    second = await ingester_factory(mqtt_shared_group=group, mqtt_client_id=f"b-{group}")
    await publisher_burst(publisher, factory, "shared", 2000)
    await eventually(lambda: first.stats.received + second.stats.received == 2000)
    await asyncio.sleep(0.5)  # anything duplicated would arrive by now
    assert first.stats.received + second.stats.received == 2000
    assert first.stats.received > 0 and second.stats.received > 0
    device = await device_by_key(factory.id, "shared")
    assert await eventually(lambda: _count_is(first, factory.id, device.id, ["p"], 2000))
    written = await eventually(
        lambda: (first.stats.points_written + second.stats.points_written) or None)
    assert written == 2000
