"""What `make bench-ingest`'s phases share: the ingester as a child process, the load
generator (telemetry.loadgen) in its own process, counting points back from InfluxDB,
probe latencies, and a delaying TCP proxy on a thread of its own."""

from __future__ import annotations

import asyncio
import os
import socket
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

from pytest_factoryops.tcp_proxy import TcpProxy  # noqa: E402

DEVICES = 200
PARAMETERS = 10
BENCH_DB = "factoryops_bench_ingest"
TOPIC = "factories/{slug}/devices/{key}/telemetry"
SPOOL_DIR = ROOT / ".services" / "bench-spool"
INGESTER = Path(sys.executable).parent / "factoryops-ingester"
PROBE_GIVE_UP_S = 10.0


# --- publishing ----------------------------------------------------------------------------
class Publisher:
    """paho, for the few messages where its per-message cost does not matter."""

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


def loadgen_command(port: int, slug: str, **options) -> list[str]:
    args = [sys.executable, "-m", "telemetry.loadgen", "--port", str(port), "--slug", slug]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def run_loadgen(port: int, slug: str, **options) -> dict:
    """The load generator in its own process (it competes for the cores like a fleet would,
    not for this process's interpreter); its JSON summary."""
    out = subprocess.run(loadgen_command(port, slug, **options), capture_output=True,
                         text=True, timeout=1800, check=True, cwd=ROOT)
    return orjson.loads(out.stdout.strip().splitlines()[-1])


def start_loadgen(port: int, slug: str, **options) -> subprocess.Popen:
    return subprocess.Popen(loadgen_command(port, slug, **options), stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)


def loadgen_result(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate(timeout=1800)
    if proc.returncode:
        raise SystemExit(f"the load generator failed ({proc.returncode})")
    return orjson.loads(out.strip().splitlines()[-1])


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


# --- the ingester process ------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_metrics(port: int) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name = sample.name.removeprefix("factoryops_ingest_")
            reason = sample.labels.get("reason")
            values[f"{name}{{{reason}}}" if reason else name] = sample.value
    return values


class IngesterProcess:
    def __init__(self, env: dict[str, str], db_url: str, **overrides: str) -> None:
        self.client_id = f"bench-ingester-{uuid.uuid4().hex[:6]}"
        self.metrics_port = free_port()
        redis = env["TEST_REDIS_URL"].rsplit("/", 1)[0] + "/9"
        self.env = {
            **os.environ,
            "DATABASE_URL": db_url, "REDIS_URL": redis, "CELERY_BROKER_URL": redis,
            "TSDB_BACKEND": "influxdb", "INFLUX_URL": env["TEST_INFLUX_URL"],
            "INFLUX_DATABASE": BENCH_DB, "MQTT_HOST": env["TEST_MQTT_HOST"],
            "MQTT_PORT": env["TEST_MQTT_PORT"], "MQTT_CLIENT_ID": self.client_id,
            "INGEST_METRICS_PORT": str(self.metrics_port), "LOG_LEVEL": "WARNING",
            "INGEST_SPOOL_DIR": str(SPOOL_DIR),
            **overrides,
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([str(INGESTER)], env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.metrics().get("subscribed"):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise SystemExit("the ingester did not start")

    def metrics(self) -> dict[str, float]:
        return read_metrics(self.metrics_port)

    def wait_written(self, points: int, seconds: float = 600) -> float:
        deadline = time.monotonic() + seconds
        written = 0.0
        while time.monotonic() < deadline:
            written = self.metrics().get("points_written_total", 0)
            if written >= points:
                return time.time()
            time.sleep(0.01)
        raise SystemExit(f"the ingester wrote {written:.0f} of {points} points")

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(120)


# --- reading back --------------------------------------------------------------------------
def count_between(influx_url: str, factory_id: int, start_ms: int, end_ms: int) -> int:
    query = (f'SELECT count("value") FROM "telemetry" WHERE "factory_id" = \'{factory_id}\''
             f" AND time >= {start_ms}ms AND time < {end_ms}ms")
    r = httpx.get(f"{influx_url}/query", params={"db": BENCH_DB, "q": query}, timeout=120)
    r.raise_for_status()
    series = r.json()["results"][0].get("series") or []
    return int(series[0]["values"][0][1]) if series else 0


def wait_count(influx_url: str, factory_id: int, start_ms: int, end_ms: int, expected: int,
               seconds: float) -> int:
    """Poll until `expected` points are readable or the time is up; the count found."""
    deadline = time.monotonic() + seconds
    found = count_between(influx_url, factory_id, start_ms, end_ms)
    while found < expected and time.monotonic() < deadline:
        time.sleep(1)
        found = count_between(influx_url, factory_id, start_ms, end_ms)
    return found


def probe_latencies(influx_url: str, probe: Publisher, slug: str, factory_id: int,
                    seconds: float) -> list[float]:
    """A probe device publishes every 20 ms; each reading is polled for in InfluxDB:
    milliseconds from publish to readable. A reading not readable within PROBE_GIVE_UP_S
    counts as that long (it must weigh in the p99, not vanish from it)."""
    latencies: list[float] = []
    client = httpx.Client(base_url=influx_url, timeout=10)
    topic = TOPIC.format(slug=slug, key="probe")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ts = int(time.time() * 1000)
        sent = time.perf_counter()
        probe.client.publish(topic, orjson.dumps({"ts": ts, "probe": 1.0}), qos=1)
        query = (f'SELECT "value" FROM "telemetry" WHERE "factory_id" = \'{factory_id}\' AND '
                 f'"parameter" = \'probe\' AND time = {ts}ms')
        while True:
            r = client.get("/query", params={"db": BENCH_DB, "q": query})
            waited = time.perf_counter() - sent
            if r.json()["results"][0].get("series") or waited >= PROBE_GIVE_UP_S:
                latencies.append(min(waited, PROBE_GIVE_UP_S) * 1000)
                break
            time.sleep(0.005)
        time.sleep(0.02)
    client.close()
    return latencies


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


class ThreadedProxy:
    """TcpProxy (the test support's) on an event loop of its own thread, for this
    synchronous script."""

    def __init__(self, host: str, port: int, *, delay: float) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.proxy = TcpProxy(host, port, delay=delay)
        self.port = self._call(self.proxy.start())

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(60)

    def close(self) -> None:
        self._call(self.proxy.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
