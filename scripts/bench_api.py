"""API latency under 20 concurrent clients (`make bench-api`).

Starts the project's test servers, builds its own metadata database and time-series database
(`factoryops_bench_api`), loads 200 devices x 20 parameters x 7 days of one-minute history
(kept between runs and topped up to now), then serves the real API with uvicorn in separate
processes and drives 20 concurrent authenticated clients against live KPIs, a 7-day history
chart and the dashboard summary; then, in a second factory whose 200 devices have a year of
hourly rollups, the last month of 15-minute rollups of their energy roles (and two of them a
year of one-minute raw points), a one-year history chart and the factory's energy over 30
days. The clients are wrk's connections (closed loop: each sends its next request as soon as
the previous answers), so the load generator costs the 2 cores little of what the API needs.
The raw store call each endpoint needs is measured in the same run, from Python against the
stores, so the API's own overhead is visible; the one-year chart is compared with the same
aggregate computed from raw points under the same number of clients.

The last line is the summary the notes quote:
    api live_p95_ms=<n> history_p95_ms=<n> summary_p95_ms=<n> history_overhead_ratio=<r> \
        year_p95_ms=<n> year_vs_raw_ratio=<r>
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
sys.path.insert(0, str(BACKEND))

from app.stores.timeseries.base import Point, from_epoch_ms, to_epoch_ms  # noqa: E402
from app.stores.timeseries.influx import InfluxTimeSeriesStore  # noqa: E402
from app.stores.timeseries.rollups import (  # noqa: E402
    HOUR_MS,
    LEVEL_HOUR,
    LEVEL_QUARTER,
    QUARTER_MS,
    Coverage,
    RollupRow,
    fold_points,
)
from benchlib import services_env  # noqa: E402

BENCH_NAME = "factoryops_bench_api"
# A Redis database of its own, flushed at the start of every run.
BENCH_REDIS_DB = 14
JWT_SECRET = "bench-only-secret-0123456789abcdef0123456789abcdef"

FACTORY_ID = 1
DEVICES = 200
STEP_MS = 60_000
DAYS = 7
DAY_MS = 86_400_000
# Bumped whenever the generated data changes, so that stale data is reloaded.
DATASET_MARKER = "bench-dataset-v1"
MARKER_DEVICE = 1

# (key, unit, role, KPI-selected); the first three carry the energy roles.
PARAMETERS = [
    ("energy_kwh", "kWh", "energy_counter", True),
    ("active_power_kw", "kW", "active_power", True),
    ("power_factor", "", "power_factor", True),
    ("voltage_l1", "V", "voltage", True),
    ("voltage_l2", "V", "voltage", False),
    ("voltage_l3", "V", "voltage", False),
    ("current_l1", "A", "current", True),
    ("current_l2", "A", "current", False),
    ("current_l3", "A", "current", False),
    ("frequency_hz", "Hz", "frequency", False),
    ("reactive_power_kvar", "kvar", "reactive_power", False),
    ("apparent_power_kva", "kVA", "apparent_power", False),
    ("thd_voltage_pct", "%", "thd", False),
    ("thd_current_pct", "%", "thd", False),
    ("winding_temp_c", "°C", "temperature", True),
    ("bearing_temp_c", "°C", "temperature", False),
    ("ambient_temp_c", "°C", "temperature", False),
    ("vibration_mm_s", "mm/s", "other", False),
    ("speed_rpm", "rpm", "other", False),
    ("run_hours", "h", "other", False),
]
HISTORY_PARAMETERS = ["active_power_kw", "power_factor", "voltage_l1", "current_l1"]

# The long-range factory: a year of hourly rollups for every device (the charted parameters
# and the energy counter), a year of one-minute raw points for the first RAW_YEAR_DEVICES
# (the raw baseline), and no other data, so its rollup coverage holds the whole year.
YEAR_FACTORY_ID = 2
YEAR_FIRST_DEVICE = 1001
YEAR_DAYS = 365
RAW_YEAR_DEVICES = 2
YEAR_PARAMETERS = ["energy_kwh", *HISTORY_PARAMETERS]
# The last QUARTER_DAYS also hold 15-minute rollups of the energy roles, which is what energy
# figures read (a factory keeping 15-minute rollups for a month or more looks like this).
QUARTER_DAYS = 32
ENERGY_PARAMETERS = ["energy_kwh", "active_power_kw", "power_factor"]
YEAR_MARKER = "bench-year-v2"
# The auto interval of a 365-day chart (at most 1,000 buckets): 12 hours.
YEAR_INTERVAL_SECONDS = 43_200


# --- synthetic plant ----------------------------------------------------------------------
def device_base_kw(device_id: int) -> float:
    return 5.0 + (device_id * 7919 % 145)


def power_kw(device_id: int, ts_ms: int) -> float:
    """A daily load shape that never reaches zero, so the counter below only ever rises."""
    phase = 2 * math.pi * (ts_ms % DAY_MS) / DAY_MS
    return device_base_kw(device_id) * (0.55 + 0.45 * math.sin(phase + device_id))


def energy_kwh(device_id: int, ts_ms: int) -> float:
    # The closed-form integral of power_kw, so that a top-up continues the counter exactly.
    hours = ts_ms / 3_600_000
    omega = 2 * math.pi / 24
    base = device_base_kw(device_id)
    return base * (0.55 * hours - 0.45 / omega * math.cos(omega * hours + device_id))


def values_at(device_id: int, ts_ms: int, noise: random.Random) -> list[float]:
    p = power_kw(device_id, ts_ms)
    pf = 0.82 + 0.12 * p / (device_base_kw(device_id) + 1)
    volts = [230 + noise.uniform(-3, 3) for _ in range(3)]
    amps = [p * 1000 / (3 * v * pf) for v in volts]
    return [
        energy_kwh(device_id, ts_ms) + 1e6,
        p,
        pf,
        *volts,
        *amps,
        50 + noise.uniform(-0.05, 0.05),
        p * 0.4,
        p / pf,
        2 + noise.random(),
        5 + noise.random() * 3,
        60 + p / 10,
        45 + noise.random() * 5,
        24 + noise.random() * 2,
        1 + noise.random(),
        1480 + noise.uniform(-5, 5),
        ts_ms / 3_600_000,
    ]


def device_points(device_id: int, start_ms: int, end_ms: int) -> Iterator[Point]:
    noise = random.Random(device_id * 1_000_003 + start_ms)
    keys = [key for key, *_ in PARAMETERS]
    for ts in range(start_ms, end_ms, STEP_MS):
        for key, value in zip(keys, values_at(device_id, ts, noise), strict=True):
            yield Point(FACTORY_ID, device_id, key, ts, value)


# --- loading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Servers:
    database_admin_url: str
    database_url: str
    redis_url: str
    influx_url: str


def start_servers() -> Servers:
    env = services_env()
    admin = env["TEST_DATABASE_ADMIN_URL"].rstrip("/")
    redis_base = env["TEST_REDIS_URL"].rsplit("/", 1)[0]
    return Servers(
        database_admin_url=admin + "/",
        database_url=f"{admin}/{BENCH_NAME}",
        redis_url=f"{redis_base}/{BENCH_REDIS_DB}",
        influx_url=env["TEST_INFLUX_URL"],
    )


def _write_devices(args: tuple[str, list[int], int, int]) -> int:
    influx_url, device_ids, start_ms, end_ms = args

    async def run() -> int:
        written = 0
        batch: list[Point] = []
        async with InfluxTimeSeriesStore(
            influx_url, BENCH_NAME, timeout_seconds=120
        ) as store:
            for device_id in device_ids:
                for point in device_points(device_id, start_ms, end_ms):
                    batch.append(point)
                    if len(batch) >= 50_000:
                        await _write_with_retry(store, batch)
                        written += len(batch)
                        batch = []
            if batch:
                await _write_with_retry(store, batch)
                written += len(batch)
        return written

    return asyncio.run(run())


async def _write_with_retry(store: InfluxTimeSeriesStore, batch: list[Point]) -> None:
    # A store busy compacting answers 5xx ("cache-max-memory-size exceeded"): wait it out.
    for attempt in range(30):
        try:
            await store.write(batch)
            return
        except Exception:
            if attempt == 29:
                raise
            await asyncio.sleep(min(10, 0.5 * (attempt + 1)))


async def loaded_range(store: InfluxTimeSeriesStore) -> tuple[int, int] | None:
    marker = await store.latest(FACTORY_ID, MARKER_DEVICE, [DATASET_MARKER])
    if DATASET_MARKER not in marker:
        return None
    end = to_epoch_ms(marker[DATASET_MARKER].ts)
    return int(marker[DATASET_MARKER].value), end


def _in_processes(
    writer, servers: Servers, processes: int, start_ms: int, end_ms: int
) -> int:
    """Run `writer` over the devices split between `processes` loader processes; the number
    of points and rows they wrote."""
    shares = [list(range(1 + i, DEVICES + 1, processes)) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return sum(
            pool.map(
                writer,
                [(servers.influx_url, share, start_ms, end_ms) for share in shares],
            )
        )


def load_history(servers: Servers, processes: int) -> None:
    """Make the store hold one-minute data for every device from at least seven days ago up
    to the current minute: reuse what an earlier run left, add what is missing."""
    now_ms = int(time.time() // 60 * 60_000)
    wanted_start = now_ms - DAYS * DAY_MS

    async def plan() -> tuple[int, int]:
        async with InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME) as store:
            await store.ensure_database()
            found = await loaded_range(store)
            if (
                found is not None
                and found[0] <= wanted_start
                and found[1] >= wanted_start
            ):
                return found[0], found[1] + STEP_MS
            # Nothing, another dataset, or too old to extend: start again from scratch.
            async with httpx.AsyncClient(
                base_url=servers.influx_url, timeout=120
            ) as influx:
                answer = await influx.post(
                    "/query", data={"q": f'DROP DATABASE "{BENCH_NAME}"'}
                )
                answer.raise_for_status()
            await store.ensure_database()
            return wanted_start, wanted_start

    data_start, load_from = asyncio.run(plan())
    if load_from >= now_ms:
        print(
            f"history: {DEVICES * len(PARAMETERS)} series already loaded from "
            f"{from_epoch_ms(data_start):%Y-%m-%d %H:%M} to now, nothing to add"
        )
        return
    minutes = (now_ms - load_from) // STEP_MS
    total = minutes * DEVICES * len(PARAMETERS)
    print(
        f"history: loading {total:,} points ({minutes:,} minutes x {DEVICES} devices x "
        f"{len(PARAMETERS)} parameters) with {processes} writer processes ...",
        flush=True,
    )
    started = time.perf_counter()
    written = _in_processes(_write_devices, servers, processes, load_from, now_ms)
    elapsed = time.perf_counter() - started

    async def mark() -> None:
        async with InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME) as store:
            await store.write(
                [
                    Point(
                        FACTORY_ID,
                        MARKER_DEVICE,
                        DATASET_MARKER,
                        now_ms - STEP_MS,
                        float(data_start),
                    )
                ]
            )

    asyncio.run(mark())
    print(
        f"history: loaded {written:,} points in {elapsed:.1f} s "
        f"({written / elapsed:,.0f} points/s)",
        flush=True,
    )


def _quarter_samples(
    device_id: int, hour_ms: int, noise: random.Random
) -> list[list[float]]:
    """One reading in the middle of each quarter of an hour, standing for its fifteen
    minutes (the bench measures reads; the rollup arithmetic has contract tests of its own)."""
    return [
        values_at(device_id, hour_ms + offset, noise)
        for offset in (450_000, 1_350_000, 2_250_000, 3_150_000)
    ]


_INDEX = {key: i for i, (key, *_) in enumerate(PARAMETERS)}


def _counter_gain(
    device_id: int, key: str, start_ms: int, span_ms: int
) -> float | None:
    """What the energy counter gained over a bucket (None for other parameters)."""
    if key != "energy_kwh":
        return None
    return energy_kwh(device_id, start_ms + span_ms) - energy_kwh(device_id, start_ms)


def year_hour_rows(device_id: int, start_ms: int, end_ms: int) -> list[RollupRow]:
    """Hour rows of a device without raw points, from the closed forms the raw data follows."""
    noise = random.Random(device_id * 7_000_003 + start_ms)
    rows = []
    for hour in range(start_ms, end_ms, HOUR_MS):
        samples = _quarter_samples(device_id, hour, noise)
        for key in YEAR_PARAMETERS:
            values = [sample[_INDEX[key]] for sample in samples]
            increase = _counter_gain(device_id, key, hour, HOUR_MS)
            rows.append(
                RollupRow(
                    device_id,
                    key,
                    hour,
                    60,
                    sum(values) * 15,
                    min(values),
                    max(values),
                    values[0],
                    values[-1],
                    increase,
                    60,
                    4,
                )
            )
    return rows


def year_quarter_rows(
    device_id: int, start_ms: int, end_ms: int, keys: list[str]
) -> list[RollupRow]:
    """15-minute rows of the energy roles, the same readings the hour rows are made of (the
    energy roles draw no noise, so both agree exactly)."""
    noise = random.Random(0)
    rows = []
    for hour in range(start_ms, end_ms, HOUR_MS):
        samples = _quarter_samples(device_id, hour, noise)
        for n, sample in enumerate(samples):
            quarter = hour + n * QUARTER_MS
            for key in keys:
                value = sample[_INDEX[key]]
                increase = _counter_gain(device_id, key, quarter, QUARTER_MS)
                rows.append(
                    RollupRow(
                        device_id,
                        key,
                        quarter,
                        15,
                        value * 15,
                        value,
                        value,
                        value,
                        value,
                        increase,
                        15,
                        0,
                    )
                )
    return rows


def raw_year_rows(
    device_id: int, start_ms: int, end_ms: int
) -> tuple[list[Point], list[RollupRow]]:
    """A device's one-minute points of the charted parameters and the hour rows folded from
    them by the platform's own arithmetic, so rollups and raw points agree."""
    charted = set(HISTORY_PARAMETERS)
    points = [
        Point(
            YEAR_FACTORY_ID, point.device_id, point.parameter, point.ts_ms, point.value
        )
        for point in device_points(device_id, start_ms, end_ms)
        if point.parameter in charted
    ]
    rows = fold_points(
        ((p.device_id, p.parameter, p.ts_ms, p.value) for p in points), HOUR_MS
    )
    rows = [row._replace(minutes=row.count, quarters=4) for row in rows]
    rows += [
        row
        for row in year_hour_rows(device_id, start_ms, end_ms)
        if row.parameter not in charted
    ]
    return points, rows


def raw_quarter_rows(
    device_id: int, points: list[Point], start_ms: int
) -> list[RollupRow]:
    """15-minute rows of a raw device's energy roles: its charted ones folded from its raw
    points, its counter (not charted, no raw points) from the closed form."""
    wanted = set(ENERGY_PARAMETERS)
    rows = fold_points(
        (
            (p.device_id, p.parameter, p.ts_ms, p.value)
            for p in points
            if p.ts_ms >= start_ms and p.parameter in wanted
        ),
        QUARTER_MS,
    )
    rows = [row._replace(minutes=row.count) for row in rows]
    end_ms = max((p.ts_ms for p in points), default=start_ms) + STEP_MS
    return rows + year_quarter_rows(
        device_id,
        start_ms,
        end_ms,
        [k for k in ENERGY_PARAMETERS if k not in HISTORY_PARAMETERS],
    )


def _write_year_devices(args: tuple[str, list[int], int, int]) -> int:
    influx_url, device_ids, start_ms, end_ms = args

    async def run() -> int:
        written = 0
        async with InfluxTimeSeriesStore(
            influx_url, BENCH_NAME, timeout_seconds=120
        ) as store:
            quarters_from = max(start_ms, end_ms - QUARTER_DAYS * DAY_MS)
            for device_id in device_ids:
                ts_device = YEAR_FIRST_DEVICE + device_id - 1
                if device_id <= RAW_YEAR_DEVICES:
                    points, rows = raw_year_rows(ts_device, start_ms, end_ms)
                    for offset in range(0, len(points), 50_000):
                        await _write_with_retry(store, points[offset : offset + 50_000])
                    written += len(points)
                    quarter_rows = raw_quarter_rows(ts_device, points, quarters_from)
                else:
                    rows = year_hour_rows(ts_device, start_ms, end_ms)
                    quarter_rows = year_quarter_rows(
                        ts_device, quarters_from, end_ms, ENERGY_PARAMETERS
                    )
                await store.write_rollup_rows(YEAR_FACTORY_ID, LEVEL_HOUR, rows)
                await store.write_rollup_rows(
                    YEAR_FACTORY_ID, LEVEL_QUARTER, quarter_rows
                )
                written += len(rows) + len(quarter_rows)
        return written

    return asyncio.run(run())


def load_year(servers: Servers, processes: int) -> tuple[int, int]:
    """Make the long-range factory hold a year of hours up to the last whole hour (kept
    between runs and topped up), and return the span its rollup coverage declares."""
    last_hour = int(time.time() * 1000) // HOUR_MS * HOUR_MS
    wanted_start = last_hour - YEAR_DAYS * DAY_MS

    async def plan() -> tuple[int, int]:
        async with InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME) as store:
            marker = await store.latest(YEAR_FACTORY_ID, MARKER_DEVICE, [YEAR_MARKER])
            if YEAR_MARKER in marker:
                start = int(marker[YEAR_MARKER].value)
                end = to_epoch_ms(marker[YEAR_MARKER].ts) + HOUR_MS
                if start <= wanted_start <= end:
                    return start, end
            # No year, or one too old to extend: write it again (same series and hours
            # overwrite what an older run left).
            await store.delete_device(YEAR_FACTORY_ID, MARKER_DEVICE)
            return wanted_start, wanted_start

    data_start, load_from = asyncio.run(plan())
    if load_from < last_hour:
        hours = (last_hour - load_from) // HOUR_MS
        print(
            f"year: writing {hours:,} hours of rollups for {DEVICES} devices "
            f"({RAW_YEAR_DEVICES} with raw minutes too) ...",
            flush=True,
        )
        started = time.perf_counter()
        written = _in_processes(
            _write_year_devices, servers, processes, load_from, last_hour
        )
        print(
            f"year: wrote {written:,} rows and points in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

        async def mark() -> None:
            async with InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME) as store:
                await store.write(
                    [
                        Point(
                            YEAR_FACTORY_ID,
                            MARKER_DEVICE,
                            YEAR_MARKER,
                            last_hour - HOUR_MS,
                            float(data_start),
                        )
                    ]
                )

        asyncio.run(mark())
    else:
        print(
            f"year: {DEVICES} devices' hours already loaded from "
            f"{from_epoch_ms(data_start):%Y-%m-%d %H:%M}, nothing to add",
            flush=True,
        )
    return data_start, last_hour


async def declare_year_coverage(servers: Servers, span: tuple[int, int]) -> None:
    """What the maintenance run would record once it had rolled the year up."""
    async with InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME) as store:
        await store.save_coverage(
            YEAR_FACTORY_ID,
            Coverage(
                start_ms=span[0],
                end_ms=span[1],
                changes_until=int(time.time() * 1000),
                backfilled=True,
            ),
        )


# --- metadata -------------------------------------------------------------------------------
TARIFF = {
    "kind": "tou",
    "default_price_per_kwh": 0.12,
    "periods": [
        {
            "name": "peak",
            "days": [0, 1, 2, 3, 4],
            "start": "08:00",
            "end": "20:00",
            "price_per_kwh": 0.28,
        }
    ],
}


async def build_metadata(servers: Servers) -> None:
    """A fresh metadata database: the bench factory and the long-range one, each with its
    admin and 200 devices with roles and KPI selections, and some alert history for the
    dashboard to count."""
    from sqlalchemy import insert, text

    from app.core.database import build_engine
    from app.core.migrations import upgrade
    from app.models import Alert

    admin = build_engine(servers.database_admin_url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{BENCH_NAME}`"))
        await conn.execute(
            text(
                f"CREATE DATABASE `{BENCH_NAME}` CHARACTER SET utf8mb4 "
                "COLLATE utf8mb4_unicode_ci"
            )
        )
    await admin.dispose()
    await asyncio.to_thread(upgrade, servers.database_url)

    now = datetime.now(UTC)
    engine = build_engine(servers.database_url)
    async with engine.begin() as conn:
        year_devices = range(YEAR_FIRST_DEVICE, YEAR_FIRST_DEVICE + DEVICES)
        for factory_id, user_id, name, ids, keys in (
            (FACTORY_ID, 1, "Bench Works", range(1, DEVICES + 1), None),
            (YEAR_FACTORY_ID, 2, "Bench Year Works", year_devices, YEAR_PARAMETERS),
        ):
            await _insert_factory(conn, factory_id, user_id, name, ids, keys, now)
        severities = ("info", "warning", "critical")
        statuses = ("open", "acknowledged", "resolved", "resolved")
        await conn.execute(
            insert(Alert),
            [
                {
                    "factory_id": FACTORY_ID,
                    "device_id": 1 + i % DEVICES,
                    "severity": severities[i % 3],
                    "title": f"Threshold {i}",
                    "message": "",
                    "values": {},
                    "status": statuses[i % 4],
                    "trigger_count": 1,
                    "triggered_at": now - timedelta(minutes=7 * i),
                    "last_triggered_at": now - timedelta(minutes=7 * i),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(500)
            ],
        )
    await engine.dispose()


async def _insert_factory(
    conn,
    factory_id: int,
    user_id: int,
    name: str,
    device_ids: range,
    keys: list[str] | None,
    now: datetime,
) -> None:
    """A factory with its super admin, its devices and their parameters (all of PARAMETERS,
    or those named in `keys`)."""
    from sqlalchemy import insert

    from app.core.security import hash_password
    from app.models import Device, DeviceParameter, Factory, User

    await conn.execute(
        insert(Factory),
        [
            {
                "id": factory_id,
                "name": name,
                "slug": name.lower().replace(" ", "-"),
                "timezone": "Europe/Berlin",
                "currency": "EUR",
                "tariff": TARIFF,
                "co2_kg_per_kwh": 0.38,
                "settings": {},
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    await conn.execute(
        insert(User),
        [
            {
                "id": user_id,
                "factory_id": factory_id,
                "email": "bench@factoryops.local",
                "full_name": "Bench",
                "hashed_password": hash_password("bench-password-1"),
                "role": "super_admin",
                "permissions": [],
                "is_active": True,
                "token_version": 0,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    await conn.execute(
        insert(Device),
        [
            {
                "id": d,
                "factory_id": factory_id,
                "device_key": f"meter-{d:03d}",
                "name": f"Machine {d:03d}",
                "type": "meter",
                "area": f"Hall {d % 4 + 1}",
                "is_active": True,
                "status": "active",
                "last_seen_at": now,
                "metadata": {},
                "created_at": now,
                "updated_at": now,
            }
            for d in device_ids
        ],
    )
    await conn.execute(
        insert(DeviceParameter),
        [
            {
                "factory_id": factory_id,
                "device_id": d,
                "parameter_key": key,
                "display_name": key.replace("_", " ").title(),
                "unit": unit or None,
                "role": role
                if role in ("energy_counter", "active_power", "power_factor")
                else None,
                "is_kpi_selected": selected,
                "first_seen_at": now,
                "last_seen_at": now,
            }
            for d in device_ids
            for key, unit, role, selected in PARAMETERS
            if keys is None or key in keys
        ],
    )


async def fill_latest_values(servers: Servers) -> None:
    import redis.asyncio as redis

    from app.stores.latest.redis_store import RedisLatestValues

    client = redis.from_url(servers.redis_url)
    await client.flushdb()
    await client.aclose()
    store = RedisLatestValues(servers.redis_url)
    now_ms = int(time.time() * 1000)
    updates = {}
    for device_id in range(1, DEVICES + 1):
        values = values_at(device_id, now_ms, random.Random(device_id))
        updates[(FACTORY_ID, device_id)] = {
            key: (now_ms, value)
            for (key, *_), value in zip(PARAMETERS, values, strict=True)
        }
    await store.put_many(updates)
    await store.close()


# --- the API under load ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api(servers: Servers, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "JWT_SECRET": JWT_SECRET,
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": servers.database_url,
        "REDIS_URL": servers.redis_url,
        "TSDB_BACKEND": "influxdb",
        "INFLUX_URL": servers.influx_url,
        "INFLUX_DATABASE": BENCH_NAME,
        "CELERY_BROKER_URL": servers.redis_url,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=BACKEND, env=env, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    # Two workers importing the app take seconds alone and a minute on a busy machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process, base_url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit("the API process exited during start-up")
        time.sleep(0.2)
    raise SystemExit("the API did not answer /healthz within 180 s")


def stop_api(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def access_token(user_id: int = 1, factory_id: int = FACTORY_ID) -> str:
    from app.core.config import Settings
    from app.core.security import ACCESS, create_token

    settings = Settings(jwt_secret=JWT_SECRET, environment="production")
    token, _ = create_token(
        settings,
        user_id=user_id,
        factory_id=factory_id,
        role="super_admin",
        token_type=ACCESS,
        version=0,
        lifetime=timedelta(hours=2),
    )
    return token


@dataclass
class Result:
    name: str
    count: int
    seconds: float
    errors: int
    percentiles_ms: dict[int, float]

    @classmethod
    def from_latencies(
        cls, name: str, latencies_ms: list[float], seconds: float, errors: int
    ) -> Result:
        ordered = sorted(latencies_ms)

        def nearest_rank(p: int) -> float:
            if not ordered:
                return float("nan")
            return ordered[
                min(len(ordered) - 1, int(math.ceil(p / 100 * len(ordered))) - 1)
            ]

        return cls(
            name,
            len(ordered),
            seconds,
            errors,
            {p: nearest_rank(p) for p in (50, 95, 99)},
        )

    def percentile(self, p: int) -> float:
        return self.percentiles_ms[p]

    def line(self) -> str:
        rate = self.count / self.seconds
        if self.count == 0:
            # wrk reports zeros then: no latency was measured, none is printed.
            return (
                f"{self.name:<22} n=     0  no request completed in {self.seconds:.0f} s  "
                f"errors={self.errors}  load average {os.getloadavg()[0]:.1f}"
            )
        return (
            f"{self.name:<22} n={self.count:>6}  {rate:>7.1f} req/s  "
            f"p50={self.percentile(50):7.1f} ms  p95={self.percentile(95):7.1f} ms  "
            f"p99={self.percentile(99):7.1f} ms  errors={self.errors}  "
            f"load average {os.getloadavg()[0]:.1f}"
        )


WRK_SCRIPT = ROOT / "scripts" / "bench_api.lua"
_WRK_SUMMARY = re.compile(r"^wrk-summary (.*)$", re.MULTILINE)


def run_wrk(
    base_url: str,
    token: str,
    endpoint: str,
    clients: int,
    seconds: float,
    first_device: int = 1,
) -> dict[str, int]:
    """One closed-loop wrk run of `clients` connections; the numbers its script prints."""
    command = [
        "wrk",
        "-t",
        str(min(2, clients)),
        "-c",
        str(clients),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-H",
        f"Authorization: Bearer {token}",
        "-s",
        str(WRK_SCRIPT),
        base_url,
        "--",
        endpoint,
        str(first_device),
        str(DEVICES),
        *HISTORY_PARAMETERS,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    match = _WRK_SUMMARY.search(finished.stdout)
    if finished.returncode != 0 or match is None:
        raise SystemExit(
            f"wrk failed ({finished.returncode}): {finished.stderr.strip()} "
            f"{finished.stdout.strip()}"
        )
    return {
        name: int(value)
        for name, value in (pair.split("=") for pair in match.group(1).split())
    }


def drive_api(
    name: str,
    base_url: str,
    token: str,
    endpoint: str,
    clients: int,
    seconds: float,
    warmup: float,
    first_device: int = 1,
) -> Result:
    """A warm-up run whose figures are dropped, then the measured run."""
    if warmup > 0:
        run_wrk(base_url, token, endpoint, clients, warmup, first_device)
    figures = run_wrk(base_url, token, endpoint, clients, seconds, first_device)
    errors = sum(
        figures[f"{kind}_errors"] for kind in ("connect", "read", "write", "status")
    )
    return Result(
        name,
        figures["requests"],
        figures["duration_us"] / 1e6,
        errors + figures["timeouts"],
        {p: figures[f"p{p}_us"] / 1000 for p in (50, 95, 99)},
    )


async def drive(
    name: str,
    call: Callable[[random.Random], Awaitable[None]],
    clients: int,
    seconds: float,
    warmup: float,
) -> Result:
    """`clients` loops calling `call` back to back; latencies after the warm-up count."""
    latencies: list[float] = []
    errors = 0
    first_error: list[str] = []
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds

    async def client_loop(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                return
            try:
                await call(rng)
            except Exception as exc:
                errors += 1
                if not first_error:
                    first_error.append(repr(exc)[:300])
                    print(f"{name}: {first_error[0]}", flush=True)
                continue
            if began >= measure_from:
                latencies.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(client_loop(i) for i in range(clients)))
    return Result.from_latencies(name, latencies, seconds, errors)


async def prime(
    base_url: str,
    token: str,
    clients: int,
    *,
    first_device: int = 1,
    days: int = DAYS,
    label: str = "",
) -> list[float]:
    """The steady state of a plant in use: every device's chart has been opened once (its past
    blocks are cached) and the dashboard has been computed today. Returns how long each first
    opening took (ms)."""
    headers = {"Authorization": f"Bearer {token}"}
    week = timedelta(days=days)
    started = time.perf_counter()
    pending = list(range(first_device, first_device + DEVICES))
    first_openings: list[float] = []
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=600, trust_env=False
    ) as client:

        async def open_charts() -> None:
            while pending:
                device_id = pending.pop()
                began = time.perf_counter()
                response = await client.get(
                    f"/api/v1/devices/{device_id}/kpis/history",
                    params={
                        "parameters": HISTORY_PARAMETERS,
                        "interval": "auto",
                        "agg": "mean",
                        "start": (datetime.now(UTC) - week).isoformat(),
                    },
                )
                response.raise_for_status()
                first_openings.append((time.perf_counter() - began) * 1000)

        await asyncio.gather(*(open_charts() for _ in range(clients)))
        charts = time.perf_counter() - started
        (await client.get("/api/v1/dashboard/summary")).raise_for_status()
    print(
        f"priming{label}: {DEVICES} charts in {charts:.1f} s, first dashboard summary in "
        f"{time.perf_counter() - started - charts:.1f} s",
        flush=True,
    )
    return first_openings


async def open_energy_page(base_url: str, token: str, clients: int) -> None:
    """The factory's month of energy opened once, as a plant manager's morning would: each
    API process computes it once and then shares it (several requests at once, so that both
    processes are asked)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
        trust_env=False,
    ) as client:
        since = (datetime.now(UTC) - timedelta(days=30)).isoformat()
        answers = await asyncio.gather(
            *(
                client.get("/api/v1/energy", params={"bucket": "day", "start": since})
                for _ in range(clients)
            )
        )
    for answer in answers:
        answer.raise_for_status()
    totals = answers[0].json()["data"]["totals"]
    print(
        f"priming (energy page): {clients} requests in "
        f"{time.perf_counter() - started:.1f} s, 30 days = "
        f"{totals['energy_kwh']:,.0f} kWh, peak {totals['peak_demand_kw']:,.0f} kW",
        flush=True,
    )


def run_api_load(
    base_url: str, clients: int, seconds: float, warmup: float
) -> dict[str, Result]:
    token = access_token()
    asyncio.run(prime(base_url, token, clients))
    results = {}
    for name, endpoint in (
        ("live KPIs", "live"),
        ("history 7 d", "history"),
        ("dashboard summary", "summary"),
        # Not a target: the cost of an authenticated request that loads
        # one device, for scale (auth, middleware and a device query are
        # part of every figure above).
        ("reference device read", "device"),
    ):
        results[name] = drive_api(
            name, base_url, token, endpoint, clients, seconds, warmup
        )
        print(results[name].line(), flush=True)

    # The long-range factory: first openings of every device's year chart (nothing cached:
    # all from hourly rollups), then the steady state as above, and a month of energy.
    # Four people opening year charts at once, not twenty: a cold year is the store's
    # heaviest read, and this pass only fills the cache the measured runs then use.
    year_token = access_token(user_id=2, factory_id=YEAR_FACTORY_ID)
    openers = min(clients, 4)
    first = asyncio.run(
        prime(
            base_url,
            year_token,
            openers,
            first_device=YEAR_FIRST_DEVICE,
            days=YEAR_DAYS,
            label=" (year charts)",
        )
    )
    results["year chart, first opening"] = Result.from_latencies(
        "year chart, first open", first, max(1e-9, sum(first) / 1000 / openers), 0
    )
    print(results["year chart, first opening"].line(), flush=True)
    asyncio.run(open_energy_page(base_url, year_token, clients))
    for name, endpoint in (
        ("history 1 y", "year"),
        ("factory energy 30 d", "energy_month"),
    ):
        results[name] = drive_api(
            name,
            base_url,
            year_token,
            endpoint,
            clients,
            seconds,
            warmup,
            first_device=YEAR_FIRST_DEVICE,
        )
        print(results[name].line(), flush=True)
    return results


async def run_store_load(
    servers: Servers, clients: int, seconds: float
) -> dict[str, Result]:
    from app.stores.latest.redis_store import RedisLatestValues

    week = timedelta(days=DAYS)
    store = InfluxTimeSeriesStore(servers.influx_url, BENCH_NAME)
    latest = RedisLatestValues(servers.redis_url)

    async def raw_live(rng: random.Random) -> None:
        await latest.get(FACTORY_ID, rng.randint(1, DEVICES))

    async def raw_history(rng: random.Random) -> None:
        device = rng.randint(1, DEVICES)
        now = datetime.now(UTC)
        await store.aggregate(
            FACTORY_ID,
            [(device, key) for key in HISTORY_PARAMETERS],
            now - week,
            now,
            900,
            "mean",
        )

    async def raw_summary(_rng: random.Random) -> None:
        # What the summary would read uncached: every device's power since midnight, and
        # every device's latest values.
        now = datetime.now(UTC)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        await store.aggregate(
            FACTORY_ID,
            [(d, "active_power_kw") for d in range(1, DEVICES + 1)],
            midnight,
            now,
            900,
            "mean",
        )
        await latest.get_many(FACTORY_ID, range(1, DEVICES + 1))

    async def raw_year(rng: random.Random) -> None:
        # The one-year chart's aggregate from one-minute points, as the store answers it
        # without rollups (only the first RAW_YEAR_DEVICES have a year of raw points).
        device = YEAR_FIRST_DEVICE + rng.randrange(RAW_YEAR_DEVICES)
        now = datetime.now(UTC)
        await store.aggregate_raw(
            YEAR_FACTORY_ID,
            [(device, key) for key in HISTORY_PARAMETERS],
            now - timedelta(days=YEAR_DAYS),
            now,
            YEAR_INTERVAL_SECONDS,
            "mean",
        )

    results = {}
    try:
        async with store:
            for name, call in (
                ("raw latest.get", raw_live),
                ("raw aggregate 7 d", raw_history),
                ("raw summary reads", raw_summary),
            ):
                results[name] = await drive(name, call, clients, seconds, warmup=1)
                print(results[name].line(), flush=True)
            # As many clients as the year chart had: the ratio compares the two ways of
            # answering the same requests under the same load.
            name = "raw aggregate 1 y"
            results[name] = await drive(name, raw_year, clients, seconds, warmup=0)
            print(results[name].line(), flush=True)
    finally:
        await latest.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="measured seconds per endpoint"
    )
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=2, help="loader processes")
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()

    servers = start_servers()
    load_history(servers, args.writers)
    year_span = load_year(servers, args.writers)
    if args.load_only:
        return
    asyncio.run(declare_year_coverage(servers, year_span))
    asyncio.run(build_metadata(servers))
    asyncio.run(fill_latest_values(servers))
    process, base_url = start_api(servers, args.api_workers)
    print(
        f"api: uvicorn with {args.api_workers} worker processes at {base_url}; "
        f"{args.clients} concurrent clients, {args.seconds:.0f} s per endpoint after a "
        f"{args.warmup:.0f} s warm-up",
        flush=True,
    )
    try:
        results = run_api_load(base_url, args.clients, args.seconds, args.warmup)
    finally:
        stop_api(process)
    results.update(asyncio.run(run_store_load(servers, args.clients, args.seconds)))
    live = results["live KPIs"].percentile(95)
    history = results["history 7 d"].percentile(95)
    summary = results["dashboard summary"].percentile(95)
    raw_history = results["raw aggregate 7 d"].percentile(95)
    print(
        f"raw store p95: latest.get {results['raw latest.get'].percentile(95):.1f} ms, "
        f"aggregate 7 d {raw_history:.1f} ms, "
        f"summary reads {results['raw summary reads'].percentile(95):.1f} ms"
    )
    year = results["history 1 y"].percentile(95)
    month = results["factory energy 30 d"]
    month_energy = (
        f"{month.percentile(95):.1f} ms"
        if month.count
        else f"not measured: no request completed in {month.seconds:.0f} s"
    )
    raw_year = results["raw aggregate 1 y"].percentile(95)
    print(
        f"long range p95: year chart {year:.1f} ms (first openings "
        f"{results['year chart, first opening'].percentile(95):.1f} ms), raw aggregate 1 y "
        f"{raw_year:.1f} ms, factory energy 30 d {month_energy}"
    )
    print(
        f"api live_p95_ms={live:.1f} history_p95_ms={history:.1f} "
        f"summary_p95_ms={summary:.1f} history_overhead_ratio={history / raw_history:.2f} "
        f"year_p95_ms={year:.1f} year_vs_raw_ratio={year / raw_year:.3f}"
    )


if __name__ == "__main__":
    main()
