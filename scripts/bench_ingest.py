"""`make bench-ingest`: how fast one ingester process stores telemetry, against the rate at
which a bare aiomqtt subscriber drains the same broker, measured in the same run; then what
the ingester loses and how it behaves under faults.

Everything shares this machine's cores: broker, InfluxDB, MariaDB, Redis, the publisher and
the subscriber under test. Phases (QoS 1, 10 parameters a message, 200 devices):
  1. ceiling  — a publisher process sends N messages as fast as the broker acknowledges
                them; a bare aiomqtt subscriber (its own process, doing nothing but count)
                receives them. Rate = N / (first publish → last receipt).
  2. ingester — the same publisher, the same N messages, received by one ingester process
                (devices already known, as in steady state), each acknowledged only once its
                points are written. Rate = N / (first publish → last point written to
                InfluxDB). Every point is then counted back: lost = expected − found.
  3. drain    — for reference, the ingester's capacity without a publisher competing for
                the cores: N messages queued in the broker first, then drained.
  4. latency  — with live background load, a probe device publishes every 20 ms and a
                poller asks InfluxDB for each reading: p99 of publish → readable.
  5-7.        — faults: SIGKILL mid-stream, a slow store, a flooding device (see
                bench_ingest_faults.py).
The last line is the summary."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_ingest_faults import (  # noqa: E402
    FAULT_SECONDS,
    Bench,
    flood_phase,
    kill_phase,
    slow_store_phase,
)
from benchlib import drop_session, log, services_env  # noqa: E402
from ingest_bench_support import (  # noqa: E402
    BENCH_DB,
    DEVICES,
    PARAMETERS,
    SPOOL_DIR,
    TOPIC,
    IngesterProcess,
    Publisher,
    count_between,
    p99,
    prime_session,
    probe_latencies,
    run_loadgen,
)


def run_publisher(port: int, slug: str, per_device: int, base_ms: int) -> dict:
    """Every message of the fleet, as fast as the broker acknowledges them."""
    return run_loadgen(port, slug, devices=DEVICES, per_device=per_device,
                       parameters=PARAMETERS, base_ms=base_ms)


# --- phase 1: a bare aiomqtt subscriber ----------------------------------------------------
def bare_subscriber(host: str, port: int, client_id: str, expected: int) -> None:
    """Runs in its own process: count messages until `expected`, print first/last times."""
    import aiomqtt

    async def run() -> None:
        received = 0
        first = last = 0.0
        async with aiomqtt.Client(host, port, identifier=client_id, clean_session=True,
                                  protocol=aiomqtt.ProtocolVersion.V311) as client:
            await client.subscribe("factories/+/devices/+/telemetry", qos=1)
            print("ready", flush=True)
            async for _message in client.messages:
                received += 1
                if received == 1:
                    first = time.time()
                last = time.time()
                if received >= expected:
                    break
        print(orjson.dumps({"received": received, "first": first, "last": last}).decode(),
              flush=True)

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run())


def measure_ceiling(env, host, port, slug, per_device, base_ms) -> float:
    expected = per_device * DEVICES
    sub = subprocess.Popen(
        [sys.executable, __file__, "--bare-subscriber", host, str(port),
         f"bench-bare-{uuid.uuid4().hex[:6]}", str(expected)],
        stdout=subprocess.PIPE, text=True, env=env)
    assert sub.stdout.readline().strip() == "ready"
    published = run_publisher(port, slug, per_device, base_ms)
    out, _ = sub.communicate(timeout=600)
    result = orjson.loads(out.strip().splitlines()[-1])
    if result["received"] < expected:
        raise SystemExit(f"bare subscriber received {result['received']} of {expected}")
    return expected / (result["last"] - published["start"])


# --- databases -----------------------------------------------------------------------------
async def prepare(env: dict[str, str]) -> tuple[str, int, dict[str, int]]:
    from sqlalchemy import text

    from app.core.database import Database, build_engine
    from app.core.migrations import upgrade
    from app.models import Device, Factory

    admin = build_engine(env["TEST_DATABASE_ADMIN_URL"])
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
        await conn.execute(text(f"CREATE DATABASE {BENCH_DB} CHARACTER SET utf8mb4"))
    await admin.dispose()
    url = env["TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + BENCH_DB
    await asyncio.to_thread(upgrade, url)
    async with httpx.AsyncClient(base_url=env["TEST_INFLUX_URL"]) as influx:
        for q in (f'DROP DATABASE "{BENCH_DB}"', f'CREATE DATABASE "{BENCH_DB}"'):
            (await influx.post("/query", data={"q": q})).raise_for_status()
    database = Database(url)
    slug = f"bench-{uuid.uuid4().hex[:6]}"
    async with database.sessionmaker() as session:
        others = {}
        for role in ("flood", "victim"):  # default quotas: meters, not gateways
            other = Factory(name=f"Benchmark {role}", slug=f"{slug}-{role}", timezone="UTC",
                            currency="EUR", tariff={"kind": "flat", "price_per_kwh": 0.2},
                            co2_kg_per_kwh=0.4, settings={"allow_auto_register": True})
            session.add(other)
            await session.flush()
            others[role] = other.id
        factory = Factory(name="Benchmark works", slug=slug, timezone="UTC", currency="EUR",
                          tariff={"kind": "flat", "price_per_kwh": 0.2}, co2_kg_per_kwh=0.4,
                          # 200 devices publishing as fast as the broker takes them are
                          # gateways, far beyond a meter's default quota.
                          settings={"allow_auto_register": True, "device_quotas": {
                              "messages_per_second": 10_000, "burst_messages": 1_000_000}})
        session.add(factory)
        await session.flush()
        for d in range(DEVICES + 1):
            key = "probe" if d == DEVICES else f"dev-{d:03d}"
            session.add(Device(factory_id=factory.id, device_key=key, name=key, meta={}))
        await session.commit()
        factory_id = factory.id
    await database.dispose()
    shutil.rmtree(SPOOL_DIR, ignore_errors=True)  # spooled points of another run's database
    return url, factory_id, others


def warm_up(host, port, slug, ingester: IngesterProcess, base_ms: int) -> int:
    """One reading per device, so that the ingester knows them all (steady state)."""
    publisher = Publisher(host, port)
    topics = [TOPIC.format(slug=slug, key=f"dev-{d:03d}") for d in range(DEVICES)]
    topics.append(TOPIC.format(slug=slug, key="probe"))
    for topic in topics:
        body = {"ts": base_ms, "metrics": {f"p{j}": 1.0 for j in range(PARAMETERS)}}
        publisher.client.publish(topic, orjson.dumps(body), qos=1)
    publisher.wait(len(topics))
    publisher.close()
    points = len(topics) * PARAMETERS
    ingester.wait_written(points, seconds=120)
    return points


def measure_latency(env, host, port, slug, factory_id, seconds: float, background_rate: int):
    """Probe readings every 20 ms under a live background load; publish→readable times."""
    stop = threading.Event()
    background = Publisher(host, port)
    probe = Publisher(host, port)

    def load() -> None:
        i = 0
        names = [f"p{j}" for j in range(PARAMETERS)]
        interval = DEVICES / background_rate
        next_round = time.monotonic()
        while not stop.is_set():
            ts = int(time.time() * 1000)
            for d in range(DEVICES):
                body = orjson.dumps({"ts": ts + d, "metrics": {n: float(i) for n in names}})
                background.client.publish(TOPIC.format(slug=slug, key=f"dev-{d:03d}"), body, 1)
            i += 1
            next_round += interval
            time.sleep(max(0.0, next_round - time.monotonic()))

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    latencies = probe_latencies(env["TEST_INFLUX_URL"], probe, slug, factory_id, seconds)
    stop.set()
    thread.join()
    background.close()
    probe.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages-per-device", type=int, default=500)
    parser.add_argument("--latency-seconds", type=float, default=10)
    parser.add_argument("--latency-load", type=int, default=2000,
                        help="background messages a second during the latency phase")
    parser.add_argument("--fault-seconds", type=float, default=FAULT_SECONDS,
                        help="how long each fault phase streams")
    parser.add_argument("--skip-faults", action="store_true",
                        help="phases 1-4 only (the summary then lacks the fault figures)")
    parser.add_argument("--bare-subscriber", nargs=4, metavar=("HOST", "PORT", "ID", "N"))
    args = parser.parse_args()
    if args.bare_subscriber:
        host, port, client_id, expected = args.bare_subscriber
        bare_subscriber(host, int(port), client_id, int(expected))
        return 0

    env = services_env()
    child_env = {**os.environ}
    host, port = env["TEST_MQTT_HOST"], int(env["TEST_MQTT_PORT"])
    db_url, factory_id, others = asyncio.run(prepare(env))
    slug = asyncio.run(_slug(db_url, factory_id))
    bench = Bench(env, db_url, slug, factory_id, f"{slug}-flood", f"{slug}-victim",
                  others["victim"])
    n = args.messages_per_device
    expected = n * DEVICES
    now_ms = int(time.time() * 1000)
    base_live, base_drain = now_ms - 3 * 3600_000, now_ms - 2 * 3600_000

    log(f"1/7 ceiling: {expected} messages x {PARAMETERS} parameters to a bare subscriber")
    ceiling = measure_ceiling(child_env, host, port, slug, n, now_ms - 5 * 3600_000)
    log(f"    bare aiomqtt subscriber: {ceiling:,.0f} msg/s")

    ingester = IngesterProcess(env, db_url)
    # Its session exists before it starts, so nothing published meanwhile is missed.
    prime_session(host, port, ingester.client_id, "factories/+/devices/+/telemetry")
    ingester.start()
    try:
        written = warm_up(host, port, slug, ingester, now_ms - 4 * 3600_000)
        log(f"2/7 ingester: the same {expected} messages, end to end into InfluxDB")
        published = run_publisher(port, slug, n, base_live)
        done = ingester.wait_written(written + expected * PARAMETERS)
        rate = expected / (done - published["start"])
        log(f"    ingester: {rate:,.0f} msg/s, {rate * PARAMETERS:,.0f} points/s "
            f"(publisher alone reached {expected / (published['end'] - published['start']):,.0f}"
            " msg/s)")

        log(f"3/7 drain: {expected} messages queued while the ingester is stopped")
        ingester.stop()
        prime_session(host, port, ingester.client_id, "factories/+/devices/+/telemetry")
        run_publisher(port, slug, n, base_drain)
        restarted = time.time()
        ingester.start()
        done = ingester.wait_written(expected * PARAMETERS)
        log(f"    drained {expected / (done - restarted):,.0f} msg/s (including start-up "
            "and device lookups)")

        log(f"4/7 latency under {args.latency_load} msg/s of live load")
        latencies = measure_latency(env, host, port, slug, factory_id, args.latency_seconds,
                                    args.latency_load)
        metrics = ingester.metrics()
    finally:
        ingester.stop()
        drop_session(host, port, ingester.client_id)
    found = count_between(env["TEST_INFLUX_URL"], factory_id, base_live, base_drain + n * 1000)
    lost = 2 * expected * PARAMETERS - found
    p50 = statistics.median(latencies) if latencies else float("nan")
    log(f"    publish -> readable: p50 {p50:.0f} ms, p99 {p99(latencies):.0f} ms over "
        f"{len(latencies)} probes; write errors {metrics.get('write_errors_total', 0):.0f}")
    summary = (f"ingest msgs_per_s={rate:.0f} points_per_s={rate * PARAMETERS:.0f} "
               f"ceiling_msgs_per_s={ceiling:.0f} ratio={rate / ceiling:.2f}")
    if args.skip_faults:
        print(f"{summary} lost={lost} p99_ms={p99(latencies):.0f}", flush=True)
        return 0

    kill_lost = kill_phase(bench, now_ms - 6 * 3600_000, args.fault_seconds)
    rss_mb, slow_lost = slow_store_phase(bench, now_ms - 8 * 3600_000, args.fault_seconds)
    victim_p99 = flood_phase(bench, args.fault_seconds)
    print(f"{summary} lost={lost + slow_lost} p99_ms={p99(latencies):.0f} "
          f"kill_lost={kill_lost} slow_store_rss_mb={rss_mb:.0f} "
          f"flood_victim_p99_ms={victim_p99:.0f}", flush=True)
    return 0


async def _slug(db_url: str, factory_id: int) -> str:
    from app.core.database import Database
    from app.repositories.factory_repo import FactoryRepository

    database = Database(db_url)
    async with database.sessionmaker() as session:
        factory = await FactoryRepository(session).get(factory_id)
    await database.dispose()
    return factory.slug


if __name__ == "__main__":
    sys.exit(main())
