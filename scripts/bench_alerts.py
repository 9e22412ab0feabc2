"""`make bench-alerts`: publish-to-alert latency through the real path.

Set-up on the test servers, in databases of its own: a factory with MARKERS marker devices
and one rule that fires on a marker parameter; a real ingester process, a real Celery worker
process (queues rule_engine and notifications) and the device simulator as background load
(--sim-devices machines publishing every --sim-interval seconds).

Each marker device first publishes a harmless reading (so that the ingester knows it), then
exactly one triggering reading stamped with its publish time; the triggering readings are
spread over --spread seconds. Latency = the alert row's created_at - the publish time.
missed = marker devices without an alert; duplicates = alerts beyond one per device.

Then the silent-device phase: a rule "no data for --silent-seconds" over the simulated
machines (--sim-devices, 100), and --silent-stopped of them (10) stop publishing (the
simulator's stopped file). The worker runs beat, so the rule engine's clock
(RULE_CLOCK_SECONDS=--tick) looks for them. silent_detect = the alarm's created_at - the moment
they stopped; silent_missed = stopped machines without an alarm within the threshold plus
--silent-wait seconds. The last line is the summary."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import paho.mqtt.client as paho

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import drop_session, log, percentile, services_env  # noqa: E402

BENCH_DB = "factoryops_bench_alerts"
REDIS_DB = 11
MARKER = "bench_marker"
TOPIC = "factories/{slug}/devices/{key}/telemetry"
BIN = Path(sys.executable).parent


def platform_env(env: dict[str, str], db_url: str, redis_url: str) -> dict[str, str]:
    """What the ingester and the worker share: this benchmark's databases."""
    return {
        **os.environ,
        "ENVIRONMENT": "test", "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"), "DATABASE_URL": db_url,
        "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
        "TSDB_BACKEND": "influxdb", "INFLUX_URL": env["TEST_INFLUX_URL"],
        "INFLUX_DATABASE": BENCH_DB, "MQTT_HOST": env["TEST_MQTT_HOST"],
        "MQTT_PORT": env["TEST_MQTT_PORT"],
    }


# --- databases -----------------------------------------------------------------------------
async def prepare(env: dict[str, str], redis_url: str, markers: int
                  ) -> tuple[str, int, str, dict[str, int]]:
    import redis.asyncio as redis
    from sqlalchemy import text

    from app.core.database import Database, build_engine
    from app.core.migrations import upgrade
    from app.models import Device, DeviceParameter, Factory, Rule

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
    cache = redis.from_url(redis_url)
    await cache.flushdb()
    await cache.aclose()

    database = Database(url)
    slug = f"bench-alerts-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    async with database.sessionmaker() as session:
        factory = Factory(name="Alert benchmark works", slug=slug, timezone="UTC",
                          currency="EUR", tariff={"kind": "flat", "price_per_kwh": 0.2},
                          co2_kg_per_kwh=0.4, settings={"allow_auto_register": True})
        session.add(factory)
        await session.flush()
        devices = [Device(factory_id=factory.id, device_key=f"marker-{i:04d}",
                          name=f"Marker {i}", meta={}) for i in range(markers)]
        session.add_all(devices)
        await session.flush()
        session.add_all(DeviceParameter(factory_id=factory.id, device_id=d.id,
                                        parameter_key=MARKER, first_seen_at=now,
                                        last_seen_at=now) for d in devices)
        session.add(Rule(factory_id=factory.id, name="Marker raised",
                         condition={"parameter": MARKER, "operator": ">", "value": 0.5},
                         scope={"kind": "all"}, severity="warning", cooldown_minutes=0,
                         channels=[], recipients={}))
        await session.commit()
        factory_id = factory.id
        ids = {d.device_key: d.id for d in devices}
    await database.dispose()
    return url, factory_id, slug, ids


async def alert_rows(db_url: str, factory_id: int, rule_name: str = "Marker raised"
                     ) -> list[tuple[int, datetime]]:
    from sqlalchemy import select

    from app.core.database import Database
    from app.models import Alert, Rule

    database = Database(db_url, pool_size=1, max_overflow=0)
    try:
        async with database.sessionmaker() as session:
            rows = await session.execute(
                select(Alert.device_id, Alert.created_at).join(Rule, Rule.id == Alert.rule_id)
                .where(Alert.factory_id == factory_id, Rule.name == rule_name))
            return [(int(d), created) for d, created in rows]
    finally:
        await database.dispose()


SILENT_RULE = "Machine silent"


async def add_silent_rule(db_url: str, redis_url: str, factory_id: int, seconds: int
                          ) -> dict[str, int]:
    """The silent-device rule over the simulated machines; their ids by key."""
    from sqlalchemy import select

    from app.core.database import Database
    from app.models import Device, Rule
    from app.services.rules.versions import RuleVersions

    database = Database(db_url, pool_size=1, max_overflow=0)
    try:
        async with database.sessionmaker() as session:
            machines = {key: int(i) for key, i in await session.execute(
                select(Device.device_key, Device.id).where(
                    Device.factory_id == factory_id, Device.device_key.like("sim-%")))}
            session.add(Rule(factory_id=factory_id, name=SILENT_RULE,
                             condition={"silent_for_seconds": seconds},
                             scope={"kind": "devices", "device_ids": sorted(machines.values())},
                             severity="critical", cooldown_minutes=0, channels=[],
                             recipients={}))
            await session.commit()
    finally:
        await database.dispose()
    versions = RuleVersions(redis_url)
    await versions.bump(factory_id)  # the worker's rule cache reloads at once
    await versions.close()
    return machines


async def readiness(redis_url: str, factory_id: int) -> tuple[int, int]:
    """(devices with latest values, rule batches waiting in the queue)."""
    import redis.asyncio as redis

    client = redis.from_url(redis_url)
    try:
        known = 0
        async for _ in client.scan_iter(f"fo:latest:{factory_id}:*", count=1000):
            known += 1
        return known, int(await client.llen("rule_engine"))
    finally:
        await client.aclose()


# --- processes -----------------------------------------------------------------------------
def start(name: str, args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    out = open(logs / f"{name}.log", "wb")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                            cwd=ROOT / "backend")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Publisher:
    def __init__(self, host: str, port: int) -> None:
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                  client_id=f"bench-alerts-pub-{uuid.uuid4().hex[:6]}",
                                  protocol=paho.MQTTv311)
        self.client.max_inflight_messages_set(1000)
        self.client.connect(host, port)
        self.client.loop_start()

    def send(self, slug: str, key: str, value: float) -> float:
        """Publish at QoS 1 stamped with now; return the wall-clock publish time."""
        sent = time.time()
        body = orjson.dumps({"ts": int(sent * 1000), "metrics": {MARKER: value}})
        self.client.publish(TOPIC.format(slug=slug, key=key), body, qos=1)
        return sent

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markers", type=int, default=500)
    parser.add_argument("--spread", type=float, default=10.0,
                        help="seconds over which the triggering messages are published")
    parser.add_argument("--sim-devices", type=int, default=100)
    parser.add_argument("--sim-interval", type=float, default=1.0)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--flush-ms", type=int, default=None,
                        help="ingester flush interval (default: the setting's default)")
    parser.add_argument("--wait", type=float, default=30.0,
                        help="seconds to wait for the last alerts after publishing")
    parser.add_argument("--silent-seconds", type=int, default=60)
    parser.add_argument("--silent-stopped", type=int, default=10)
    parser.add_argument("--silent-wait", type=float, default=30.0,
                        help="seconds past the threshold to wait for the silent alarms")
    parser.add_argument("--tick", type=float, default=5.0,
                        help="the rule engine's clock, RULE_CLOCK_SECONDS")
    args = parser.parse_args()

    env = services_env()
    host, port = env["TEST_MQTT_HOST"], int(env["TEST_MQTT_PORT"])
    redis_url = env["TEST_REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DB}"
    db_url, factory_id, slug, marker_ids = asyncio.run(prepare(env, redis_url, args.markers))
    logs = ROOT / ".services" / "bench-alerts"
    logs.mkdir(parents=True, exist_ok=True)
    shared = {**platform_env(env, db_url, redis_url), "RULE_CLOCK_SECONDS": str(args.tick)}
    stopped_file = logs / "simulator-stopped"
    stopped_file.unlink(missing_ok=True)
    ingester_id = f"bench-alerts-ingester-{uuid.uuid4().hex[:6]}"
    ingester_env = {**shared, "MQTT_CLIENT_ID": ingester_id, "INGEST_METRICS_PORT": "0",
                    "INGEST_SPOOL_DIR": str(logs / "spool")}
    if args.flush_ms:
        ingester_env["INGEST_FLUSH_INTERVAL_MS"] = str(args.flush_ms)

    processes = []
    try:
        processes.append(start("worker", [
            str(BIN / "celery"), "-A", "app.workers.celery_app", "worker", "-B",
            "-s", str(logs / "beat-schedule"),
            "-Q", "rule_engine,notifications", "-c", str(args.worker_concurrency),
            "--prefetch-multiplier", "1",
            "-n", f"bench-alerts-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-l", os.environ.get("BENCH_LOG_LEVEL", "WARNING")], shared, logs))
        processes.append(start("ingester", [str(BIN / "factoryops-ingester")], ingester_env,
                               logs))
        processes.append(start("simulator", [
            str(BIN / "factoryops-simulator"), "--host", host, "--port", str(port),
            "--factory", slug, "--devices", str(args.sim_devices), "--prefix", "sim-",
            "--interval", str(args.sim_interval), "--qos", "1",
            "--stopped-file", str(stopped_file)], shared, logs))
        log(f"factory {slug}: {args.markers} marker devices, rule '{MARKER} > 0.5'; "
            f"background: {args.sim_devices} simulated machines every {args.sim_interval} s; "
            f"worker concurrency {args.worker_concurrency}")
        publisher = Publisher(host, port)
        keys = sorted(marker_ids)
        # Steady state first: every marker device and simulated machine known to the
        # ingester (its latest values are in Redis) and the worker keeping up with the
        # batches. Start-up is not what this measures.
        began = time.monotonic()
        while True:
            for key in keys:
                publisher.send(slug, key, 0.0)
            time.sleep(2)
            known, queued = asyncio.run(readiness(redis_url, factory_id))
            for process in processes:
                if process.poll() is not None:
                    raise SystemExit(f"a process exited early; see {logs}")
            if known >= len(keys) + args.sim_devices and queued == 0:
                break
            if time.monotonic() - began > 120:
                raise SystemExit(f"not ready after 120 s: {known} devices known, "
                                 f"{queued} batches queued; see {logs}")
        log(f"ready after {time.monotonic() - began:.0f} s")
        if asyncio.run(alert_rows(db_url, factory_id)):
            raise SystemExit("a harmless reading raised an alert")

        log(f"publishing {len(keys)} triggering readings over {args.spread:.0f} s")
        published: dict[int, float] = {}
        pause = args.spread / len(keys)
        began = time.monotonic()
        for index, key in enumerate(keys):
            published[marker_ids[key]] = publisher.send(slug, key, 1.0)
            time.sleep(max(0.0, began + (index + 1) * pause - time.monotonic()))

        deadline = time.monotonic() + args.wait
        rows = []
        while time.monotonic() < deadline:
            rows = asyncio.run(alert_rows(db_url, factory_id))
            if len({d for d, _ in rows}) >= len(keys):
                break
            time.sleep(0.5)
        time.sleep(2)  # a duplicate would show up now
        rows = asyncio.run(alert_rows(db_url, factory_id))
        publisher.close()

        machines = asyncio.run(add_silent_rule(db_url, redis_url, factory_id,
                                               args.silent_seconds))
        stopped = sorted(machines)[:args.silent_stopped]
        log(f"silent phase: rule 'no data for {args.silent_seconds} s' over {len(machines)} "
            f"machines, stopping {len(stopped)}; clock every {args.tick} s")
        time.sleep(args.sim_interval * 2)  # the rule reaches the worker's cache
        stopped_file.write_text("\n".join(stopped) + "\n")
        stopped_at = time.time()
        deadline = time.monotonic() + args.silent_seconds + args.silent_wait
        silent_rows = []
        while time.monotonic() < deadline:
            silent_rows = asyncio.run(alert_rows(db_url, factory_id, SILENT_RULE))
            if len({d for d, _ in silent_rows}) >= len(stopped):
                break
            time.sleep(1)
        time.sleep(args.tick)  # a false alarm on a running machine would show up now
        silent_rows = asyncio.run(alert_rows(db_url, factory_id, SILENT_RULE))
    finally:
        for process in reversed(processes):
            stop(process)
        drop_session(host, port, ingester_id)

    first: dict[int, datetime] = {}
    duplicates = 0
    for device_id, created in sorted(rows, key=lambda r: r[1]):
        if device_id in first:
            duplicates += 1
        else:
            first[device_id] = created
    latencies = [(first[d].timestamp() - sent) * 1000 for d, sent in published.items()
                 if d in first]
    missed = len(published) - len(latencies)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    log(f"alerts: {len(rows)} rows for {len(published)} triggers; latency min "
        f"{min(latencies, default=float('nan')):.0f} ms, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(latencies, default=float('nan')):.0f} ms")
    stopped_ids = {machines[key] for key in stopped}
    detected = {}
    for device_id, created in sorted(silent_rows, key=lambda r: r[1]):
        detected.setdefault(device_id, created.timestamp() - stopped_at)
    silent_times = [detected[d] for d in stopped_ids if d in detected]
    silent_missed = len(stopped_ids) - len(silent_times)
    false_alarms = len(set(detected) - stopped_ids)
    silent_p95 = percentile(silent_times, 95)
    log(f"silent: {len(silent_times)} of {len(stopped_ids)} stopped machines alarmed; "
        f"detection min {min(silent_times, default=float('nan')):.0f} s, p95 "
        f"{silent_p95:.0f} s (threshold {args.silent_seconds} s, clock {args.tick} s); "
        f"false alarms on running machines: {false_alarms}")
    print(f"alerts p50_ms={p50:.0f} p95_ms={p95:.0f} missed={missed} duplicates={duplicates} "
          f"silent_detect_p95_s={silent_p95:.0f} silent_missed={silent_missed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
