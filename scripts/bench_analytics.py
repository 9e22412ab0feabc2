"""Analytics and report job durations (`make bench-analytics`).

Starts the project's test servers, builds its own metadata database and time-series database
(`factoryops_bench_analytics`, kept between runs and topped up to now), with 20 devices x
30 days of one-minute data (energy counter, active power, power factor, voltage). Then runs,
the way the analytics and reporting workers run them (the same runner code, in this
process, against the real MariaDB, InfluxDB, Redis and S3 server):

* an anomaly detection over one device's power, power factor and voltage, 30 days;
* an hourly energy forecast of one device from 30 days of history, 7 days ahead;
* a PDF and an Excel energy summary report of all 20 devices over 30 days.

The energy cache is emptied before each job, so every figure is a cold start. The last line
is the summary the notes quote:
    analytics anomaly_s=<n> forecast_s=<n> pdf_s=<n> xlsx_s=<n>
"""

from __future__ import annotations

import asyncio
import math
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
sys.path.insert(0, str(BACKEND))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import log, services_env  # noqa: E402

from app.stores.timeseries.base import Point, to_epoch_ms  # noqa: E402

BENCH_NAME = "factoryops_bench_analytics"
REDIS_DB = 12
BUCKET = "factoryops-bench-analytics"
JWT_SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef"
DEVICES = 20
DAYS = 30
STEP_MS = 60_000
DAY_MS = 86_400_000
FACTORY_ID = 1
# Bumped whenever the generated data changes, so that stale data is reloaded.
MARKER = "bench-analytics-v2"
PARAMETERS = [("energy_kwh", "energy_counter"), ("active_power_kw", "active_power"),
              ("power_factor", "power_factor"), ("voltage_l1", "voltage")]


# --- synthetic plant ------------------------------------------------------------------------
def base_kw(device: int) -> float:
    return 20.0 + (device * 7919 % 120)


def power_kw(device: int, ts: int) -> float:
    """A shift pattern: high on weekday days, low at night and on weekends."""
    moment = datetime.fromtimestamp(ts / 1000, UTC)
    shift = 1.0 if 6 <= moment.hour < 22 else 0.35
    weekend = 0.5 if moment.weekday() >= 5 else 1.0
    wave = 0.1 * math.sin(2 * math.pi * (ts % DAY_MS) / DAY_MS + device)
    return base_kw(device) * (shift * weekend + wave + 0.15)


def device_points(device: int, start: int, end: int, counter: float) -> list[Point]:
    noise = random.Random(device * 1_000_003 + start)
    points = []
    for ts in range(start, end, STEP_MS):
        p = power_kw(device, ts) * (1 + noise.gauss(0, 0.03))
        if ts // 60_000 % 5003 < 12:  # a dozen odd minutes every few days
            p *= 2.2
        counter += p / 60
        points += [Point(FACTORY_ID, device, "energy_kwh", ts, counter),
                   Point(FACTORY_ID, device, "active_power_kw", ts, p),
                   Point(FACTORY_ID, device, "power_factor", ts,
                         0.84 + 0.1 * min(1.0, p / base_kw(device))),
                   Point(FACTORY_ID, device, "voltage_l1", ts, 230 + noise.gauss(0, 1.2))]
    return points


async def load_history(influx_url: str) -> None:
    """One-minute data from at least 31 days ago to now; an earlier run's data is reused
    and topped up to the current minute."""
    from app.stores.timeseries.influx import InfluxTimeSeriesStore

    now = int(time.time() // 60 * 60_000)
    wanted = now - (DAYS + 1) * DAY_MS
    async with InfluxTimeSeriesStore(influx_url, BENCH_NAME, timeout_seconds=120) as store:
        await store.ensure_database()
        marker = await store.latest(FACTORY_ID, 1, [MARKER])
        start = wanted
        if MARKER in marker and int(marker[MARKER].value) <= wanted:
            start = to_epoch_ms(marker[MARKER].ts) + STEP_MS
            first = int(marker[MARKER].value)
        else:
            async with httpx.AsyncClient(base_url=influx_url, timeout=120) as influx:
                (await influx.post("/query", data={"q": f'DROP DATABASE "{BENCH_NAME}"'})
                 ).raise_for_status()
            await store.ensure_database()
            first = wanted
        if start >= now:
            log("history: already loaded, nothing to add")
            return
        log(f"history: loading {(now - start) // STEP_MS:,} minutes x {DEVICES} devices x "
            f"{len(PARAMETERS)} parameters ...")
        began = time.perf_counter()
        written = 0
        for device in range(1, DEVICES + 1):
            # A top-up continues each meter from its last reading: a counter that drops
            # would read as a meter restart.
            last = (await store.latest(FACTORY_ID, device, ["energy_kwh"])).get("energy_kwh")
            points = device_points(device, start, now, last.value if last else 1e6)
            for i in range(0, len(points), 50_000):
                await store.write(points[i:i + 50_000])
            written += len(points)
        await store.write([Point(FACTORY_ID, 1, MARKER, now - STEP_MS, float(first))])
        log(f"history: {written:,} points in {time.perf_counter() - began:.1f} s")


# --- metadata -------------------------------------------------------------------------------
async def build_metadata(admin_url: str, database_url: str) -> None:
    from sqlalchemy import text

    from app.core.database import build_engine, session_scope
    from app.core.migrations import upgrade
    from app.models import Alert, Device, DeviceParameter, Factory

    admin = build_engine(admin_url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{BENCH_NAME}`"))
        await conn.execute(text(f"CREATE DATABASE `{BENCH_NAME}` CHARACTER SET utf8mb4 "
                                "COLLATE utf8mb4_unicode_ci"))
    await admin.dispose()
    await asyncio.to_thread(upgrade, database_url)
    async with session_scope() as session:
        session.add(Factory(id=FACTORY_ID, name="Bench Works", slug="bench-works",
                            timezone="UTC", currency="EUR", co2_kg_per_kwh=0.4,
                            tariff={"kind": "tou", "default_price_per_kwh": 0.12, "periods": [
                                {"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00",
                                 "price_per_kwh": 0.28}]}))
        await session.flush()
        now = datetime.now(UTC)
        for device in range(1, DEVICES + 1):
            session.add(Device(id=device, factory_id=FACTORY_ID, device_key=f"line-{device}",
                               name=f"Line {device:02d}"))
        await session.flush()
        for device in range(1, DEVICES + 1):
            for key, role in PARAMETERS:
                session.add(DeviceParameter(factory_id=FACTORY_ID, device_id=device,
                                            parameter_key=key, role=role))
            for n in range(3):
                moment = now - timedelta(days=3 + device % 20 + n * 7, hours=n)
                session.add(Alert(factory_id=FACTORY_ID, device_id=device,
                                  severity=("warning", "critical", "info")[n],
                                  title=f"Line {device:02d} power above limit",
                                  status="resolved", triggered_at=moment,
                                  last_triggered_at=moment))
        await session.commit()


# --- jobs -----------------------------------------------------------------------------------
async def timed(name: str, clear_cache: Callable[[], Awaitable[None]],
                job: Callable[[], Awaitable[dict]]) -> float:
    await clear_cache()
    began = time.perf_counter()
    outcome = await job()
    elapsed = time.perf_counter() - began
    if outcome["status"] != "complete":
        raise SystemExit(f"{name} did not complete: {outcome['status']} {outcome['error']}")
    log(f"{name}: {elapsed:.2f} s  {outcome['detail']}")
    return elapsed


async def run_jobs(resources) -> dict[str, float]:
    import redis.asyncio as redis

    from app.core.database import session_scope
    from app.models.analytics_job import AnalyticsJob, ReportJob
    from app.repositories.analytics_repo import AnalyticsJobRepository
    from app.repositories.report_repo import ReportJobRepository
    from app.schemas.analytics import AnomalyJobCreate, ForecastJobCreate
    from app.schemas.report import ReportCreate
    from app.services.analytics.runner import run_analytics_job
    from app.services.reports.runner import run_report_job

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=DAYS), today

    async def clear_cache() -> None:
        client = redis.from_url(resources.settings.redis_url)
        await client.flushdb()
        await client.aclose()

    async def submit(model, repository, **fields):
        async with session_scope() as session:
            job = repository(session, FACTORY_ID).add(model(**fields))
            job.created_at = job.heartbeat_at = datetime.now(UTC)
            await session.commit()
            return job.id

    async def outcome(repository, job_id: int, detail) -> dict:
        async with session_scope() as session:
            job = await repository(session, FACTORY_ID).get(job_id)
            return {"status": job.status, "error": job.error,
                    "detail": detail(job.result or {}) if job.status == "complete" else ""}

    async def anomaly(resolution: str) -> dict:
        request = AnomalyJobCreate(kind="anomaly", device_ids=[1], start=start, end=end,
                                   parameters=["active_power_kw", "power_factor",
                                               "voltage_l1"],
                                   options={"contamination": 0.005, "resolution": resolution})
        job_id = await submit(AnalyticsJob, AnalyticsJobRepository, kind="anomaly",
                              parameters=request.model_dump(mode="json"))
        await run_analytics_job(resources, FACTORY_ID, job_id)
        return await outcome(AnalyticsJobRepository, job_id, lambda r: (
            f"({r['points']:,} moments at {r['resolution_seconds']} s, "
            f"{r['window_count']} windows)"))

    async def forecast() -> dict:
        request = ForecastJobCreate(kind="forecast", device_ids=[1], start=start, end=end,
                                    options={"horizon_days": 7, "granularity": "hourly"})
        job_id = await submit(AnalyticsJob, AnalyticsJobRepository, kind="forecast",
                              parameters=request.model_dump(mode="json"))
        await run_analytics_job(resources, FACTORY_ID, job_id)
        return await outcome(AnalyticsJobRepository, job_id, lambda r: (
            f"({r['history']['points']} hours, back-test MAPE "
            f"{r['holdout']['mape_pct']} %)"))

    async def report(fmt: str) -> dict:
        request = ReportCreate(kind="energy_summary", format=fmt, start=start, end=end)
        job_id = await submit(ReportJob, ReportJobRepository, kind="energy_summary",
                              format=fmt, parameters=request.model_dump(
                                  mode="json", exclude={"kind", "format"}))
        await run_report_job(resources, FACTORY_ID, job_id)
        return await outcome(ReportJobRepository, job_id, lambda r: (
            f"({r['devices']} devices, {r['energy_kwh']:,.0f} kWh, {r['alerts']} alerts)"))

    figures = {
        "anomaly": await timed("anomaly job (auto resolution)", clear_cache,
                               lambda: anomaly("auto")),
        "anomaly_1m": await timed("anomaly job (1-minute resolution)", clear_cache,
                                  lambda: anomaly("1m")),
        "forecast": await timed("forecast job", clear_cache, forecast),
        "pdf": await timed("PDF report", clear_cache, lambda: report("pdf")),
        "xlsx": await timed("Excel report", clear_cache, lambda: report("xlsx")),
    }
    return figures


async def main() -> None:
    env = services_env()
    admin = env["TEST_DATABASE_ADMIN_URL"].rstrip("/")
    database_url = f"{admin}/{BENCH_NAME}"
    redis_url = env["TEST_REDIS_URL"].rsplit("/", 1)[0] + f"/{REDIS_DB}"

    from app.core.config import Settings
    from app.core.database import Database, dispose_database, set_database
    from app.core.logging import configure_logging
    from app.stores.resources import Resources

    settings = Settings(environment="test", jwt_secret=JWT_SECRET, database_url=database_url,
                        redis_url=redis_url, tsdb_backend="influxdb",
                        influx_url=env["TEST_INFLUX_URL"], influx_database=BENCH_NAME,
                        object_store="s3", s3_endpoint=env["TEST_S3_ENDPOINT"],
                        s3_access_key=env["TEST_S3_ACCESS_KEY"],
                        s3_secret_key=env["TEST_S3_SECRET_KEY"],
                        s3_bucket=BUCKET, log_level="WARNING", log_json=False)
    configure_logging(settings.log_level, settings.log_json)
    set_database(Database(database_url))
    await load_history(env["TEST_INFLUX_URL"])
    await build_metadata(admin + "/", database_url)
    resources = Resources.from_settings(settings)
    await resources.start()
    try:
        figures = await run_jobs(resources)
    finally:
        await resources.close()
        await dispose_database()
    print(f"analytics anomaly_s={figures['anomaly']:.2f} forecast_s={figures['forecast']:.2f} "
          f"pdf_s={figures['pdf']:.2f} xlsx_s={figures['xlsx']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
