"""`make bench-ingest`: how fast one ingester process stores telemetry, against the rate at
which a bare aiomqtt subscriber drains the same broker, measured in the same run.

Everything shares this machine's cores: broker, InfluxDB, MariaDB, Redis, the publisher and
the subscriber under test. Phases (QoS 1, 10 parameters a message, 200 devices):
  1. ceiling  — a publisher process sends N messages as fast as the broker acknowledges
                them; a bare aiomqtt subscriber (its own process, doing nothing but count)
                receives them. Rate = N / (first publish → last receipt).
  2. ingester — the same publisher, the same N messages, received by one ingester process
                (devices already known, as in steady state). Rate = N / (first publish →
                last point written to InfluxDB). Every point is then counted back from
                InfluxDB: lost = expected − found.
  3. drain    — for reference, the ingester's capacity without a publisher competing for
                the cores: N messages queued in the broker first, then drained.
  4. latency  — with live background load, a probe device publishes every 20 ms and a
                poller asks InfluxDB for each reading: p99 of publish → readable.
The last line is the summary."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import orjson
import paho.mqtt.client as paho

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import drop_session, log, services_env  # noqa: E402

DEVICES = 200
PARAMETERS = 10
BENCH_DB = "factoryops_bench_ingest"
TOPIC = "factories/{slug}/devices/{key}/telemetry"


# --- publishing ----------------------------------------------------------------------------
class Publisher:
    def __init__(self, host: str, port: int) -> None:
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                  client_id=f"bench-pub-{uuid.uuid4().hex[:6]}",
                                  protocol=paho.MQTTv311)
        self.client.max_inflight_messages_set(2000)
        self.client.max_queued_messages_set(0)
        self.acked = 0
        self._lock = threading.Lock()
        self.client.on_publish = self._on_publish
        self.client.connect(host, port)
        self.client.loop_start()

    def _on_publish(self, *_args) -> None:
        with self._lock:
            self.acked += 1

    def wait(self, expected: int, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while self.acked < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"broker acknowledged {self.acked} of {expected} publishes")
            time.sleep(0.01)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def payloads(slug: str, per_device: int, base_ms: int):
    """(topic, payload) in round-robin device order; timestamps unique per device."""
    names = [f"p{i}" for i in range(PARAMETERS)]
    topics = [TOPIC.format(slug=slug, key=f"dev-{d:03d}") for d in range(DEVICES)]
    for i in range(per_device):
        ts = base_ms + i * 1000
        metrics = {name: round(230.0 + i * 0.01 + j, 3) for j, name in enumerate(names)}
        body = orjson.dumps({"ts": ts, "metrics": metrics})
        for topic in topics:
            yield topic, body


def prime_session(host: str, port: int, client_id: str, topic: str) -> None:
    """Create a persistent session with a QoS 1 subscription, then leave: the broker queues
    everything published meanwhile for that client id."""
    done = threading.Event()
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=paho.MQTTv311, clean_session=False)
    client.on_subscribe = lambda *_a: done.set()
    client.connect(host, port)
    client.loop_start()
    client.subscribe(topic, qos=1)
    if not done.wait(10):
        raise SystemExit("subscription not acknowledged")
    client.disconnect()
    client.loop_stop()


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(2, "big") + raw


async def _fast_publish(host: str, port: int, messages, window: int = 20_000) -> dict:
    """A device fleet's worth of QoS 1 publishes from one process. paho spends tens of
    microseconds of Python per message, which would make the publisher, not the broker or
    the subscriber, the limit; here each PUBLISH packet is encoded up front and written in
    large chunks, and the broker's PUBACKs are counted as they come."""
    reader, writer = await asyncio.open_connection(host, port)
    variable = _string("MQTT") + bytes([4, 0x02]) + (60).to_bytes(2, "big")
    body = variable + _string(f"bench-pub-{uuid.uuid4().hex[:8]}")
    writer.write(b"\x10" + _remaining_length(len(body)) + body)
    if (await reader.readexactly(4))[3] != 0:
        raise SystemExit("the broker refused the publisher")
    acked = 0

    async def count_acks() -> None:
        nonlocal acked
        while True:
            header = await reader.readexactly(2)
            await reader.readexactly(header[1])
            if header[0] >> 4 == 4:  # PUBACK
                acked += 1

    acks = asyncio.create_task(count_acks())
    packets = []
    for i, (topic, payload) in enumerate(messages):
        packet_id = i % 65535 + 1
        rest = _string(topic) + packet_id.to_bytes(2, "big") + payload
        packets.append(b"\x32" + _remaining_length(len(rest)) + rest)
    started = time.time()
    for i in range(0, len(packets), 500):
        # Packet ids repeat every 65,535 messages: never have that many unacknowledged.
        while i - acked > window:
            await asyncio.sleep(0.001)
        writer.write(b"".join(packets[i:i + 500]))
        await writer.drain()
    while acked < len(packets):
        await asyncio.sleep(0.005)
    finished = time.time()
    acks.cancel()
    writer.write(b"\xe0\x00")  # DISCONNECT
    await writer.drain()
    writer.close()
    return {"sent": len(packets), "start": started, "end": finished}


def publish_all(host: str, port: int, slug: str, per_device: int, base_ms: int) -> dict:
    """Publish every message as fast as the broker acknowledges them."""
    return asyncio.run(_fast_publish(host, port, list(payloads(slug, per_device, base_ms))))


def run_publisher(env, host, port, slug, per_device, base_ms) -> dict:
    """The publisher in its own process, so that it competes for the cores like a device
    fleet would and not for this process's interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--publish", host, str(port), slug, str(per_device),
         str(base_ms)], capture_output=True, text=True, env=env, timeout=900, check=True)
    return orjson.loads(out.stdout.strip().splitlines()[-1])


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
    published = run_publisher(env, host, port, slug, per_device, base_ms)
    out, _ = sub.communicate(timeout=600)
    result = orjson.loads(out.strip().splitlines()[-1])
    if result["received"] < expected:
        raise SystemExit(f"bare subscriber received {result['received']} of {expected}")
    return expected / (result["last"] - published["start"])


# --- databases -----------------------------------------------------------------------------
async def prepare(env: dict[str, str]) -> tuple[str, int]:
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
        factory = Factory(name="Benchmark works", slug=slug, timezone="UTC", currency="EUR",
                          tariff={"kind": "flat", "price_per_kwh": 0.2}, co2_kg_per_kwh=0.4,
                          settings={"allow_auto_register": True})
        session.add(factory)
        await session.flush()
        for d in range(DEVICES + 1):
            key = "probe" if d == DEVICES else f"dev-{d:03d}"
            session.add(Device(factory_id=factory.id, device_key=key, name=key, meta={}))
        await session.commit()
        factory_id = factory.id
    await database.dispose()
    return url, factory_id


# --- the ingester process ------------------------------------------------------------------
def ingester_env(env, db_url: str, client_id: str, metrics_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url, "REDIS_URL": env["TEST_REDIS_URL"].rsplit("/", 1)[0] + "/9",
        "TSDB_BACKEND": "influxdb", "INFLUX_URL": env["TEST_INFLUX_URL"],
        "INFLUX_DATABASE": BENCH_DB, "MQTT_HOST": env["TEST_MQTT_HOST"],
        "MQTT_PORT": env["TEST_MQTT_PORT"], "MQTT_CLIENT_ID": client_id,
        "INGEST_METRICS_PORT": str(metrics_port), "LOG_LEVEL": "WARNING",
        "INGEST_SPOOL_DIR": str(ROOT / ".services" / "bench-spool"),
        "CELERY_BROKER_URL": env["TEST_REDIS_URL"].rsplit("/", 1)[0] + "/9",
    }


def read_metrics(port: int) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.labels:
                values[sample.name] = sample.value
    return values


class IngesterProcess:
    def __init__(self, env, db_url: str) -> None:
        self.client_id = f"bench-ingester-{uuid.uuid4().hex[:6]}"
        self.metrics_port = 9190
        self.env = ingester_env(env, db_url, self.client_id, self.metrics_port)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "factoryops-ingester")],
                                     env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.metrics()
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise SystemExit("the ingester did not start")

    def metrics(self) -> dict[str, float]:
        return read_metrics(self.metrics_port)

    def wait_written(self, points: int, seconds: float = 600) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            m = self.metrics()
            if m.get("factoryops_ingest_points_written_total", 0) >= points:
                return time.time()
            time.sleep(0.01)
        raise SystemExit(f"the ingester wrote {m} of {points} points")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(60)


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
    """Probe readings every 20 ms under a live background load; p50/p99 publish→readable."""
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
    latencies: list[float] = []
    client = httpx.Client(base_url=env["TEST_INFLUX_URL"], timeout=10)
    probe_topic = TOPIC.format(slug=slug, key="probe")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ts = int(time.time() * 1000)
        sent = time.perf_counter()
        probe.client.publish(probe_topic, orjson.dumps({"ts": ts, "probe": 1.0}), qos=1)
        query = (f'SELECT "value" FROM "telemetry" WHERE "factory_id" = \'{factory_id}\' AND '
                 f'"parameter" = \'probe\' AND time = {ts}ms')
        while time.perf_counter() - sent < 10:
            r = client.get("/query", params={"db": BENCH_DB, "q": query})
            if r.json()["results"][0].get("series"):
                latencies.append((time.perf_counter() - sent) * 1000)
                break
            time.sleep(0.005)
        time.sleep(0.02)
    stop.set()
    thread.join()
    background.close()
    probe.close()
    client.close()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages-per-device", type=int, default=500)
    parser.add_argument("--latency-seconds", type=float, default=10)
    parser.add_argument("--latency-load", type=int, default=2000,
                        help="background messages a second during the latency phase")
    parser.add_argument("--bare-subscriber", nargs=4, metavar=("HOST", "PORT", "ID", "N"))
    parser.add_argument("--publish", nargs=5, metavar=("HOST", "PORT", "SLUG", "N", "BASE"))
    args = parser.parse_args()
    if args.bare_subscriber:
        host, port, client_id, expected = args.bare_subscriber
        bare_subscriber(host, int(port), client_id, int(expected))
        return 0
    if args.publish:
        host, port, slug, per_device, base_ms = args.publish
        print(orjson.dumps(publish_all(host, int(port), slug, int(per_device),
                                       int(base_ms))).decode())
        return 0

    env = services_env()
    child_env = {**os.environ}
    host, port = env["TEST_MQTT_HOST"], int(env["TEST_MQTT_PORT"])
    db_url, factory_id = asyncio.run(prepare(env))
    slug = asyncio.run(_slug(db_url, factory_id))
    n = args.messages_per_device
    expected = n * DEVICES
    now_ms = int(time.time() * 1000)
    base_live, base_drain = now_ms - 3 * 3600_000, now_ms - 2 * 3600_000

    log(f"1/4 ceiling: {expected} messages x {PARAMETERS} parameters to a bare subscriber")
    ceiling = measure_ceiling(child_env, host, port, slug, n, now_ms - 5 * 3600_000)
    log(f"    bare aiomqtt subscriber: {ceiling:,.0f} msg/s")

    ingester = IngesterProcess(env, db_url)
    # Its session exists before it starts, so nothing published meanwhile is missed.
    prime_session(host, port, ingester.client_id, "factories/+/devices/+/telemetry")
    ingester.start()
    try:
        written = warm_up(host, port, slug, ingester, now_ms - 4 * 3600_000)
        log(f"2/4 ingester: the same {expected} messages, end to end into InfluxDB")
        published = run_publisher(child_env, host, port, slug, n, base_live)
        done = ingester.wait_written(written + expected * PARAMETERS)
        rate = expected / (done - published["start"])
        written += expected * PARAMETERS
        log(f"    ingester: {rate:,.0f} msg/s, {rate * PARAMETERS:,.0f} points/s "
            f"(publisher alone reached {expected / (published['end'] - published['start']):,.0f}"
            " msg/s)")

        log(f"3/4 drain: {expected} messages queued while the ingester is stopped")
        ingester.stop()
        prime_session(host, port, ingester.client_id, "factories/+/devices/+/telemetry")
        run_publisher(child_env, host, port, slug, n, base_drain)
        restarted = time.time()
        ingester.start()
        done = ingester.wait_written(expected * PARAMETERS)
        log(f"    drained {expected / (done - restarted):,.0f} msg/s (including start-up "
            "and device lookups)")

        log(f"4/4 latency under {args.latency_load} msg/s of live load")
        latencies = measure_latency(env, host, port, slug, factory_id, args.latency_seconds,
                                    args.latency_load)
        metrics = ingester.metrics()
    finally:
        ingester.stop()
        drop_session(host, port, ingester.client_id)
    found = asyncio.run(_count_between(env, factory_id, base_live, base_drain + n * 1000))
    lost = 2 * expected * PARAMETERS - found
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = (statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 100
           else max(latencies, default=float("nan")))
    log(f"    publish -> readable: p50 {p50:.0f} ms, p99 {p99:.0f} ms over {len(latencies)} "
        f"probes; write errors {metrics.get('factoryops_ingest_write_errors_total', 0):.0f}")
    print(f"ingest msgs_per_s={rate:.0f} points_per_s={rate * PARAMETERS:.0f} "
          f"ceiling_msgs_per_s={ceiling:.0f} ratio={rate / ceiling:.2f} lost={lost} "
          f"p99_ms={p99:.0f}", flush=True)
    return 0


async def _slug(db_url: str, factory_id: int) -> str:
    from app.core.database import Database
    from app.repositories.factory_repo import FactoryRepository

    database = Database(db_url)
    async with database.sessionmaker() as session:
        factory = await FactoryRepository(session).get(factory_id)
    await database.dispose()
    return factory.slug


async def _count_between(env, factory_id: int, start_ms: int, end_ms: int) -> int:
    query = (f'SELECT count("value") FROM "telemetry" WHERE "factory_id" = \'{factory_id}\''
             f" AND time >= {start_ms}ms AND time < {end_ms}ms")
    async with httpx.AsyncClient(base_url=env["TEST_INFLUX_URL"], timeout=120) as influx:
        r = await influx.get("/query", params={"db": BENCH_DB, "q": query})
        r.raise_for_status()
    series = r.json()["results"][0].get("series") or []
    return int(series[0]["values"][0][1]) if series else 0


if __name__ == "__main__":
    sys.exit(main())
