"""The delivery guarantee under faults, on real servers: a real ingester process (killed,
stopped, starved of memory-friendly stores), a Mosquitto of the test's own, InfluxDB and
MariaDB behind proxies the test slows down or cuts. Shorter than `make bench-ingest`'s
versions of the same faults, which run at full length."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

import orjson
from sqlalchemy.engine import make_url

from app.core.config import Settings
from pytest_factoryops.tcp_proxy import TcpProxy
from telemetry.tests.conftest import Publisher, eventually
from telemetry.tests.faults import (
    count_points,
    influx_address,
    influx_client,
    percentile,
    point_times,
    run_loadgen,
)

DEFAULT_BURST = Settings.model_fields["ingest_quota_burst_messages"].default
# The resident memory an ingester with the default high-water marks stays under, whatever
# the store's speed (README, "Delivery guarantee").
RSS_BOUND_MB = 300


async def _metric(ingester, name: str) -> float:
    return (await ingester.metrics()).get(name, 0.0)


async def _unacked_is_zero(ingester) -> bool:
    return (await ingester.metrics())["unacked_messages"] == 0


async def test_slow_store_keeps_memory_bounded_and_loses_nothing(spawn_ingester, make,
                                                                  private_broker):
    """(a) InfluxDB behind a proxy that delays every chunk while 5,000 msg/s arrive for a
    minute: the store takes points about half as fast as they come (two a message keep
    the test to a few minutes), so intake stops and resumes at the high-water marks all
    along, without losing the broker connection to a long pause. A second per chunk each way
    keeps the store below the arrival rate on an idle machine too (at 0.3 s it kept up)."""
    factory = await make.factory()
    store = TcpProxy(*influx_address(), delay=1.0)
    await store.start()
    ingester = spawn_ingester(influx_url=f"http://127.0.0.1:{store.port}")
    try:
        await ingester.start()
        rate, seconds, devices, parameters = 5000, 60, 100, 2
        per_device = rate * seconds // devices
        # A reading a second per device, all in the past: a timestamp in the future would be
        # replaced by the receive time, and a message delivered twice counted twice.
        base_ms = int(time.time() * 1000) - per_device * 1000 - 60_000
        peak = 0.0
        load = asyncio.create_task(run_loadgen(
            private_broker.port, factory.slug, rate=rate, devices=devices,
            per_device=per_device, parameters=parameters, base_ms=base_ms))
        while not load.done():
            peak = max(peak, ingester.rss_mb())
            await asyncio.sleep(0.2)
        sent = (await load)["sent"]
        assert sent == rate * seconds
        expected = sent * parameters
        deadline = time.monotonic() + 300
        while await count_points(factory.id) < expected:
            peak = max(peak, ingester.rss_mb())
            assert time.monotonic() < deadline, ("not drained within 5 minutes: "
                                                 f"{await ingester.metrics()}\n"
                                                 + ingester.log_tail())
            await asyncio.sleep(0.5)
        # The store holds the last points a moment before its answer, slowed by the proxy
        # too, reaches the ingester: only then are their messages acknowledged.
        await eventually(lambda: _unacked_is_zero(ingester), within=30)
        metrics = await ingester.metrics()
        assert metrics["intake_pauses_total"] > 0  # the store was the limit: intake stopped
        assert max(peak, ingester.peak_rss_mb()) < RSS_BOUND_MB, ingester.peak_rss_mb()
        assert await count_points(factory.id) == expected  # 0 lost
        assert metrics["reconnects_total"] == 0, ingester.log_tail()
    finally:
        await store.close()


async def test_sigkill_mid_stream_loses_nothing(spawn_ingester, make, private_broker):
    """(b) SIGKILL of the ingester while QoS 1 messages stream in; restart; count."""
    factory = await make.factory()
    ingester = spawn_ingester()
    await ingester.start()
    parameters = 5
    load = asyncio.create_task(run_loadgen(private_broker.port, factory.slug, rate=2000,
                                           devices=40, per_device=300,
                                           parameters=parameters))
    # Into the stream (acknowledgements flowing, or two seconds on a slow machine), kill.
    with contextlib.suppress(AssertionError):
        await eventually(lambda: _at_least(ingester, "acks_sent_total", 300), within=2)
    assert not load.done()  # the kill lands mid-stream
    await ingester.kill()
    await ingester.start()  # same client id: the broker redelivers the unacknowledged
    sent = (await load)["sent"]
    await eventually(lambda: _points_are(factory.id, sent * parameters), within=90)
    assert await _metric(ingester, "redeliveries_total") > 0  # DUP messages, counted


async def test_sigkill_while_the_store_stalls_loses_nothing(spawn_ingester, make,
                                                            private_broker):
    """InfluxDB stalled (requests hang, nothing answers) while messages arrive, the ingester
    killed, restarted once the store is back: every point arrives, because none of the
    messages had been acknowledged. (Acknowledging on receipt lost 98% of them here.)"""
    factory = await make.factory()
    store = TcpProxy(*influx_address())
    await store.start()
    ingester = spawn_ingester(influx_url=f"http://127.0.0.1:{store.port}",
                              influx_timeout_seconds=60)
    try:
        await ingester.start()
        store.pause()
        messages, parameters = 4000, 5
        await run_loadgen(private_broker.port, factory.slug, devices=20,
                          per_device=messages // 20, parameters=parameters)
        await eventually(lambda: _at_least(ingester, "messages_received_total", messages),
                         within=30)
        metrics = await ingester.metrics()
        assert metrics["acks_sent_total"] == 0 and metrics["unacked_messages"] == messages
        await ingester.kill()
        store.restore()
        await ingester.start()
        await eventually(lambda: _points_are(factory.id, messages * parameters), within=60)
        assert await _metric(ingester, "redeliveries_total") == messages
    finally:
        await store.close()


async def _at_least(ingester, name: str, value: float) -> bool:
    return await _metric(ingester, name) >= value


async def _points_are(factory_id: int, expected: int) -> bool:
    return await count_points(factory_id) == expected


async def test_sigterm_with_lookups_backlogged_loses_nothing(spawn_ingester, make,
                                                             private_broker):
    """(c) The metadata database unreachable (a proxy in front of MariaDB, cut), so every
    message waits for its device lookup; SIGTERM; restart with the database back."""
    factory = await make.factory()
    database = make_url(os.environ["TEST_DATABASE_URL"])
    metadata = TcpProxy(database.host, database.port)
    await metadata.start()
    await metadata.cut()
    url = database.set(host="127.0.0.1", port=metadata.port).render_as_string(
        hide_password=False)
    ingester = spawn_ingester(database_url=url)
    try:
        await ingester.start()
        await run_loadgen(private_broker.port, factory.slug, devices=8, per_device=50,
                          parameters=3)
        await eventually(lambda: _at_least(ingester, "held_messages", 400), within=30)
        assert await _metric(ingester, "acks_sent_total") == 0  # held, not acknowledged
        assert await ingester.terminate() == 0
        folder = next(ingester.spool_root.glob("instance-*"))
        assert len(list(folder.glob("*.held"))) == 1  # spooled, then acknowledged
        metadata.restore()
        await ingester.start()
        await eventually(lambda: _points_are(factory.id, 400 * 3), within=60)
        assert await _metric(ingester, "messages_replayed_total") == 400
        assert await _metric(ingester, "redeliveries_total") == 0  # nothing was left unacked
        await eventually(lambda: not list(folder.glob("*.held")), within=10)
    finally:
        await metadata.close()


async def test_spool_full_stops_acknowledging_and_drops_nothing(ingester_factory, make,
                                                                private_broker):
    """(d) The store unreachable and a tiny spool: acknowledgements stop once it is full,
    intake stops at the high-water mark, and everything arrives when space returns."""
    factory = await make.factory()
    store = TcpProxy(*influx_address())
    await store.start()
    await store.cut()
    ingester = await ingester_factory(
        mqtt_port=private_broker.port, influx_url=f"http://127.0.0.1:{store.port}",
        ingest_spool_max_bytes=12_000, ingest_batch_points=100,
        ingest_high_water_messages=300, ingest_flush_interval_ms=50)
    try:
        await run_loadgen(private_broker.port, factory.slug, devices=10, per_device=100,
                          parameters=2)
        stats = ingester.stats
        await eventually(lambda: stats.spool_full == 1 and stats.intake_paused == 1)
        acked, received = stats.acks_sent, stats.received
        assert acked < 1000 and ingester.spool.bytes <= 12_000
        await asyncio.sleep(1.5)
        assert stats.acks_sent == acked  # nothing more acknowledged while full
        # Intake stopped: nothing more read, and held above the low-water mark (half of the
        # 300), so it stays stopped. (The last chunks that fit in the spool may be
        # acknowledged after the pause began, so the count can sit a little under 300.)
        assert stats.received == received < 1000 and stats.intake_paused == 1
        assert stats.unacked_messages >= 150
        assert not stats.rejected and not stats.points_refused  # nothing dropped
        store.restore()
        await eventually(lambda: _points_are(factory.id, 1000 * 2), within=60)
        await eventually(lambda: stats.acks_sent == 1000 and stats.unacked_messages == 0
                         and ingester.spool.bytes == 0 and stats.spool_full == 0)
    finally:
        await store.close()


async def test_a_flooding_device_does_not_delay_another_factory(spawn_ingester, make,
                                                                private_broker):
    """(e) 10,000 keys a message at 500 msg/s from one device of one factory (default
    quotas) while a device of another factory publishes normally."""
    flooder, victim = await make.factory(), await make.factory()
    ingester = spawn_ingester(ingest_quota_burst_messages=DEFAULT_BURST)
    await ingester.start()
    seconds = 10
    flood = asyncio.create_task(run_loadgen(private_broker.port, flooder.slug,
                                            flood_key="noisy", flood_count=500 * seconds,
                                            flood_keys=10_000, rate=500))
    publisher = Publisher(port=private_broker.port)
    rate, count = 20, 20 * seconds
    sent: dict[int, float] = {}
    arrived: dict[int, float] = {}
    started_ms = int(time.time() * 1000)
    topic = f"factories/{victim.slug}/devices/meter/telemetry"

    async def publish_normally() -> None:
        for i in range(count):
            ts = started_ms + i * 50
            sent[ts] = time.perf_counter()
            publisher.publish(topic, orjson.dumps({"ts": ts, "metrics": {"kw": float(i)}}))
            await asyncio.sleep(1 / rate)

    async def watch_arrivals() -> None:
        deadline = time.monotonic() + seconds + 30
        async with influx_client() as influx:
            while len(arrived) < count and time.monotonic() < deadline:
                for ts in await point_times(victim.id, started_ms, influx):
                    arrived.setdefault(ts, time.perf_counter())
                await asyncio.sleep(0.02)

    await asyncio.gather(publish_normally(), watch_arrivals())
    await flood
    publisher.close()
    assert set(arrived) == set(sent)  # every victim point arrived
    latencies = [(arrived[ts] - sent[ts]) * 1000 for ts in sent]
    assert percentile(latencies, 99) < 1000, sorted(latencies)[-10:]
    # The flood, counted by reason: most of it over the device's rate, what the rate let
    # through refused by its size before any parsing (10,000 values do not fit the default
    # payload quota).
    metrics = await ingester.metrics()
    limited = metrics["messages_rejected_total{rate_limited}"]
    too_large = metrics["messages_rejected_total{payload_too_large}"]
    assert limited + too_large == 500 * seconds
    assert limited > too_large > 0
