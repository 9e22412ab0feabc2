"""Delivery on real servers, in process: points the store refuses isolated from their batch,
device quotas, the fast path over TLS and its fallback, the MQTT version spoken."""

from __future__ import annotations

import os
import time
import uuid

import orjson
import paho.mqtt.client as paho

from pytest_factoryops.tcp_proxy import TcpProxy
from telemetry.tests.conftest import eventually
from telemetry.tests.faults import count_points, influx_address, influx_admin, run_loadgen


async def test_points_the_store_refuses_are_isolated_and_the_rest_kept(
        ingester_factory, make, publisher):
    # A database whose retention policy keeps one hour: InfluxDB refuses older points with
    # a 400 ("partial write: points beyond retention policy"), a real 4xx for part of a batch.
    database = f"{os.environ['TEST_INFLUX_DATABASE']}_short_{uuid.uuid4().hex[:6]}"
    await influx_admin(f'CREATE DATABASE "{database}" WITH DURATION 1h')
    try:
        a, b = await make.factory(), await make.factory()
        ingester = await ingester_factory(influx_database=database,
                                          ingest_flush_interval_ms=60_000)
        now = int(time.time() * 1000)
        for i in range(50):
            publisher.publish(f"factories/{a.slug}/devices/a1/telemetry",
                              orjson.dumps({"ts": now - i * 1000, "v": 1.0}))
            publisher.publish(f"factories/{b.slug}/devices/b1/telemetry",
                              orjson.dumps({"ts": now - i * 1000, "v": 2.0}))
        for i in range(5):  # two hours old: inside the ingest window, beyond the retention
            publisher.publish(f"factories/{a.slug}/devices/a1/telemetry",
                              orjson.dumps({"ts": now - 7_200_000 - i * 1000, "v": 3.0}))
        await publisher.wait_acked()
        await eventually(lambda: ingester.stats.stored == 105)
        await ingester._flush_once()  # one batch of 105 points, both factories
        assert dict(ingester.stats.points_refused) == {"beyond_retention": 5}
        assert await count_points(a.id, database) == 50
        assert await count_points(b.id, database) == 50
        assert ingester.stats.acks_sent == 105 and ingester.spool.points == 0
    finally:
        await influx_admin(f'DROP DATABASE "{database}"')


async def test_device_quotas_refuse_and_count_the_excess(ingester_factory, make, publisher,
                                                         capsys):
    factory = await make.factory(settings={"device_quotas": {
        "messages_per_second": 2, "burst_messages": 10, "values_per_message": 20,
        "parameters_per_device": 30, "payload_bytes": 2048}})
    ingester = await ingester_factory()
    stats = ingester.stats
    topic = f"factories/{factory.slug}/devices/gw/telemetry"

    def send(metrics: dict) -> None:
        publisher.publish(topic, orjson.dumps({"metrics": metrics}))

    send({f"a{i}": i for i in range(50)})  # 20 values kept, 30 over the message quota
    await eventually(lambda: stats.stored == 1)
    send({"a0": 1, **{f"b{i}": i for i in range(19)}})  # room for 10 of 19 new parameters
    send({"a0": 1, "b0": 2, "c0": 3})  # at the cap: c0 refused, known keys kept
    send({"pad": "x" * 3000})  # over the factory's payload quota (not over the ceiling)
    await eventually(lambda: stats.received == 4)
    assert dict(stats.values_dropped) == {"too_many_values": 30, "parameter_quota": 10}
    assert stats.rejected == {"payload_too_large": 1}
    assert ingester.registry.cached(factory.slug, "gw").known_parameters == (
        {f"a{i}" for i in range(20)} | {f"b{i}" for i in range(10)})
    for i in range(40):  # a burst: 10 tokens, 4 spent, refilled at 2 a second
        send({"a0": i})
    await publisher.wait_acked()
    await eventually(lambda: stats.received == 44)
    limited = stats.rejected["rate_limited"]
    assert 24 <= limited <= 34 and stats.stored == 44 - 1 - limited
    await eventually(lambda: stats.acks_sent == 44)  # refused messages are acknowledged too
    logged = [line for line in capsys.readouterr().out.splitlines()
              if "quota_exceeded" in line and "rate_limited" in line]
    assert len(logged) == 1  # a flood of refusals, one log line


async def test_a_device_refused_again_and_again_is_logged_once_and_counted_exactly(
        ingester_factory, make, publisher, capsys):
    factory = await make.factory(settings={"device_quotas": {"payload_bytes": 2048}})
    ingester = await ingester_factory()
    for _ in range(30):
        publisher.publish(f"factories/{factory.slug}/devices/big/telemetry",
                          orjson.dumps({"pad": "x" * 3000}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.rejected.get("payload_too_large") == 30)
    logged = [line for line in capsys.readouterr().out.splitlines()
              if "telemetry.rejected" in line and "payload_too_large" in line]
    assert len(logged) == 1, logged  # the next line, with the count, comes 10 s later


async def test_payload_size_is_checked_before_a_message_is_held(ingester_factory, make,
                                                                publisher):
    factory = await make.factory()
    ingester = await ingester_factory(ingest_max_payload_bytes=4096)
    publisher.publish(f"factories/{factory.slug}/devices/new-one/telemetry",
                      orjson.dumps({"pad": "x" * 5000, "v": 1}))
    await publisher.wait_acked()
    await eventually(lambda: ingester.stats.rejected.get("payload_too_large") == 1)
    assert ingester.registry.cached(factory.slug, "new-one") is None  # never looked up
    assert ingester.stats.held_messages == 0
    await eventually(lambda: ingester.stats.acks_sent == 1)


async def test_fast_path_over_tls_with_a_self_signed_certificate(ingester_factory, make,
                                                                 private_broker):
    factory = await make.factory()
    ingester = await ingester_factory(mqtt_port=private_broker.tls_port, mqtt_tls=True,
                                      mqtt_tls_ca_file=private_broker.ca_file)
    assert ingester.subscriber.client.fast_path_active
    # Enough to span many TLS records per read: decrypted bytes left in the TLS layer must
    # not wait for the next network event.
    await run_loadgen(private_broker.port, factory.slug, devices=20, per_device=150,
                      parameters=4)
    stats = ingester.stats
    await eventually(lambda: stats.stored == 3000 and stats.acks_sent == 3000)
    assert stats.fastpath_packets == 3000 and stats.fastpath_enabled == 1
    await eventually(lambda: _points_are(factory.id, 12_000))


async def test_broker_certificate_is_verified(ingest_settings, private_broker):
    from telemetry.ingester import Ingester

    settings_without_ca = {"mqtt_port": private_broker.tls_port, "mqtt_tls": True}
    ingester = Ingester(ingest_settings.model_copy(update=settings_without_ca))
    await ingester.start()
    try:
        await eventually(lambda: ingester.stats.reconnects >= 1, within=15)
        assert not ingester.subscriber.connected.is_set()  # a CA it does not know: refused
    finally:
        await ingester.stop()


async def _points_are(factory_id: int, expected: int) -> bool:
    return await count_points(factory_id) == expected


def _break_the_fast_path(monkeypatch) -> None:
    """As if a paho release had changed the method the fast path queues PUBACKs through."""
    original = paho.Client._packet_queue

    def _packet_queue(self, command, packet, mid, qos, info=None, *, priority=0):
        return original(self, command, packet, mid, qos, info)

    monkeypatch.setattr(paho.Client, "_packet_queue", _packet_queue)


async def test_changed_library_internals_fall_back_to_the_stock_path(
        ingester_factory, make, private_broker, monkeypatch, capsys):
    _break_the_fast_path(monkeypatch)
    factory = await make.factory()
    ingester = await ingester_factory(mqtt_port=private_broker.port)
    assert "telemetry.fast_path_disabled" in capsys.readouterr().out
    await run_loadgen(private_broker.port, factory.slug, devices=10, per_device=30,
                      parameters=2)
    stats = ingester.stats
    await eventually(lambda: stats.stored == 300 and stats.acks_sent == 300
                     and stats.unacked_messages == 0)
    assert stats.fastpath_packets == 0 and stats.fastpath_enabled == 0
    await eventually(lambda: _points_are(factory.id, 600))


async def test_the_stock_path_acknowledges_only_durable_messages_and_counts_redeliveries(
        ingester_factory, make, private_broker, monkeypatch):
    """Fallen back to the stock path, with the store unreachable and no room in the spool:
    nothing is acknowledged, a stop leaves it all with the broker, and the next start gets
    it again (DUP, counted) and stores every point."""
    _break_the_fast_path(monkeypatch)
    factory = await make.factory()
    store = TcpProxy(*influx_address())
    await store.start()
    await store.cut()
    same = {"mqtt_port": private_broker.port, "mqtt_client_id": f"stock-{uuid.uuid4().hex[:6]}",
            "influx_url": f"http://127.0.0.1:{store.port}"}
    try:
        first = await ingester_factory(**same, ingest_spool_max_bytes=1024,
                                       ingest_flush_interval_ms=60_000)
        await run_loadgen(private_broker.port, factory.slug, devices=5, per_device=40,
                          parameters=3)
        await eventually(lambda: first.stats.stored == 200)
        await first._flush_once()
        assert first.stats.acks_sent == 0 and first.stats.unacked_messages == 200
        assert first.spool.bytes == 0 and first.stats.spool_full == 1
        await first.stop()
        store.restore()
        again = await ingester_factory(**same)
        assert not again.subscriber.client.fast_path_active
        await eventually(lambda: _points_are(factory.id, 600), within=30)
        await eventually(lambda: again.stats.acks_sent == 200)
        assert again.stats.redeliveries == 200
    finally:
        await store.close()


async def test_the_ingester_speaks_mqtt_3_1_1(ingester_factory, private_broker):
    sniffer = TcpProxy("127.0.0.1", private_broker.port)
    await sniffer.start()
    try:
        await ingester_factory(mqtt_port=sniffer.port)
        connect = sniffer.first_bytes[0]
        assert connect[0] == 0x10  # CONNECT
        length_bytes = 1
        while connect[length_bytes] & 0x80:
            length_bytes += 1
        variable = connect[1 + length_bytes:]
        assert variable[:6] == b"\x00\x04MQTT" and variable[6] == 4  # protocol level 3.1.1
        assert variable[7] & 0x02 == 0  # clean session off: a persistent session
    finally:
        await sniffer.close()


async def test_shared_subscription_client_ids_survive_re_creation(ingester_factory,
                                                                   monkeypatch):
    group = f"g-{uuid.uuid4().hex[:6]}"
    first = await ingester_factory(mqtt_shared_group=group, mqtt_client_id="ingest")
    second = await ingester_factory(mqtt_shared_group=group, mqtt_client_id="ingest")
    assert {first.subscriber_client_id, second.subscriber_client_id} == {"ingest-0",
                                                                         "ingest-1"}
    assert first.spool.directory != second.spool.directory
    folder = first.spool.directory
    await first.stop()
    # A re-created container (another host name) takes the free slot: same client id, so
    # the same broker session and what it queued, and the same spool.
    monkeypatch.setenv("HOSTNAME", "recreated-container")
    again = await ingester_factory(mqtt_shared_group=group, mqtt_client_id="ingest")
    assert again.subscriber_client_id == "ingest-0" and again.spool.directory == folder

