"""`factoryops backup` and `factoryops restore` as an operator runs them: a backup of the
test servers' MariaDB database, InfluxDB database (influxd's portable backup over its RPC
port) and object folder, restored into a fresh MariaDB database, a new InfluxDB database and
a new folder, which then hold the same devices, rules, files and history. A second case does
the same for the embedded default (SQLite metadata and time series), restoring its metadata
into MariaDB."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.core.database import build_engine
from app.core.migrations import upgrade
from app.models import Device, DeviceParameter, Rule
from app.stores.objects.base import factory_key
from app.stores.objects.local import LocalObjectStore
from app.stores.timeseries.base import Point, to_epoch_ms
from app.stores.timeseries.influx import InfluxTimeSeriesStore
from app.stores.timeseries.rollup_engine import refresh
from app.stores.timeseries.sqlite import SqliteTimeSeriesStore
from pytest_factoryops import require_env

BACKEND = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def run_cli(command: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", command, str(folder)],
                          cwd=BACKEND, env=env, capture_output=True, text=True, timeout=600)


async def factoryops(command: str, folder: Path, env: dict[str, str]) -> str:
    finished = await asyncio.to_thread(run_cli, command, folder, env)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


@pytest.fixture
async def fresh_mariadb():
    """A new, empty MariaDB database, dropped afterwards."""
    admin_url = require_env("TEST_DATABASE_ADMIN_URL")
    base = make_url(require_env("TEST_DATABASE_URL"))
    name = f"{base.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = build_engine(admin_url)
    async with admin.begin() as connection:
        await connection.execute(sa.text(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.begin() as connection:
            await connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        await admin.dispose()


@pytest.fixture
async def fresh_influx_name():
    url = require_env("TEST_INFLUX_URL")
    name = f"{require_env('TEST_INFLUX_DATABASE')}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    async with httpx.AsyncClient(base_url=url, timeout=60) as influx:
        await influx.post("/query", data={"q": f'DROP DATABASE "{name}"'})


async def _rows(url: str, factory_id: int) -> dict[str, list]:
    engine = build_engine(url)
    try:
        async with engine.connect() as connection:
            async def fetch(statement):
                return [tuple(row) for row in (await connection.execute(statement))]

            return {
                "devices": await fetch(sa.select(Device.id, Device.device_key, Device.name)
                                       .where(Device.factory_id == factory_id)
                                       .order_by(Device.id)),
                "parameters": await fetch(
                    sa.select(DeviceParameter.device_id, DeviceParameter.parameter_key,
                              DeviceParameter.role)
                    .where(DeviceParameter.factory_id == factory_id)
                    .order_by(DeviceParameter.id)),
                "rules": await fetch(sa.select(Rule.id, Rule.name, Rule.condition)
                                     .where(Rule.factory_id == factory_id).order_by(Rule.id)),
                "revision": await fetch(sa.text("SELECT version_num FROM alembic_version")),
            }
    finally:
        await engine.dispose()


async def test_a_platform_on_mariadb_and_influxdb_restores_into_fresh_stores(
        app, client, make, settings, tmp_path, fresh_mariadb, fresh_influx_name):
    resources = app.state.resources
    tenant = await make.tenant()
    meter = await make.device(tenant, name="Main meter")
    await make.parameter(meter, "kWh", role="energy_counter")
    await make.parameter(meter, "kW", role="active_power")
    r = await client.post("/api/v1/rules", headers=tenant.headers, json={
        "name": "Overload", "condition": {"parameter": "kW", "operator": ">", "value": 90},
        "allow_unseen_parameters": True})
    assert r.status_code == 201, r.text
    start = NOW - timedelta(days=2)
    points = []
    for minute in range(0, 2 * 24 * 60, 5):
        ts = to_epoch_ms(start + timedelta(minutes=minute))
        points += [Point(tenant.id, meter.id, "kWh", ts, 1000.0 + minute / 10),
                   Point(tenant.id, meter.id, "kW", ts, 40.0 + minute % 17)]
    await resources.timeseries.write(points)
    await refresh(resources.timeseries, tenant.id, [(meter.id, "kWh")])
    key = factory_key(tenant.id, "reports", "monthly.pdf")
    await resources.objects.put_bytes(key, b"%PDF-1.4 a report", "application/pdf")

    series = [(meter.id, "kW"), (meter.id, "kWh")]
    history = await resources.timeseries.aggregate(tenant.id, series, start, NOW, 3600,
                                                   "mean")
    before = await _rows(settings.database_url, tenant.id)

    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    folder = tmp_path / "backup"
    out = await factoryops("backup", folder, env)
    assert "influxdb time series" in out
    assert (folder / "manifest.json").is_file()

    restored_objects = tmp_path / "restored-objects"
    target = {**env, "DATABASE_URL": fresh_mariadb, "INFLUX_DATABASE": fresh_influx_name,
              "OBJECT_STORE_PATH": str(restored_objects)}
    out = await factoryops("restore", folder, target)
    assert "migrated to head" in out

    assert await _rows(fresh_mariadb, tenant.id) == before
    assert before["devices"] and before["rules"]
    restored = InfluxTimeSeriesStore(settings.influx_url, fresh_influx_name)
    async with restored:
        assert await restored.aggregate(tenant.id, series, start, NOW, 3600, "mean") == history
        # The rollups came along: what they cover answers from them.
        assert await restored.coverage(tenant.id) == await resources.timeseries.coverage(
            tenant.id)
    objects = LocalObjectStore(restored_objects, public_url="http://x", link_secret="s" * 32)
    assert await objects.get_bytes(key) == b"%PDF-1.4 a report"
    assert (await objects.stat(key)).content_type == "application/pdf"

    # Restoring again over the now-filled stores is refused.
    again = await asyncio.to_thread(run_cli, "restore", folder, target)
    assert again.returncode == 1 and "empty database" in again.stderr


async def test_the_embedded_default_restores_its_metadata_into_mariadb(tmp_path, fresh_mariadb):
    """SQLite metadata and time series, local objects: the platform `make run` keeps."""
    data = tmp_path / "embedded"
    source_db = f"sqlite+aiosqlite:///{data / 'factoryops.db'}"
    await asyncio.to_thread(upgrade, source_db)
    engine = build_engine(source_db)
    async with engine.begin() as connection:
        factory_id = (await connection.execute(sa.text(
            "INSERT INTO factories (name, slug, timezone, currency, tariff, co2_kg_per_kwh, "
            "settings, created_at, updated_at) VALUES ('Embedded', 'embedded', 'UTC', 'EUR', "
            "'{}', 0.4, '{\"retention\": {\"raw_days\": 7}}', :now, :now)"),
            {"now": NOW})).lastrowid
        await connection.execute(sa.insert(Device.__table__), [{
            "factory_id": factory_id, "device_key": f"meter-{n}", "name": f"Meter {n}",
            "status": "active", "is_active": True, "metadata": {"idle_threshold_kw": 1.5},
            "created_at": NOW, "updated_at": NOW} for n in range(3)])
    await engine.dispose()
    store = SqliteTimeSeriesStore(data / "timeseries.db")
    async with store:
        await store.write([Point(factory_id, 1, "kW", to_epoch_ms(NOW) - k * 60_000, float(k))
                           for k in range(100)])

    env = {**os.environ, "LOG_LEVEL": "WARNING", "DATA_DIR": str(data),
           "DATABASE_URL": source_db, "TSDB_BACKEND": "sqlite",
           "TSDB_SQLITE_PATH": str(data / "timeseries.db"),
           "OBJECT_STORE": "local", "OBJECT_STORE_PATH": str(data / "objects")}
    folder = tmp_path / "backup"
    assert "sqlite time series" in await factoryops("backup", folder, env)

    restored = tmp_path / "restored"
    target = {**env, "DATABASE_URL": fresh_mariadb, "DATA_DIR": str(restored),
              "TSDB_SQLITE_PATH": str(restored / "timeseries.db"),
              "OBJECT_STORE_PATH": str(restored / "objects")}
    await factoryops("restore", folder, target)

    rows = await _rows(fresh_mariadb, factory_id)
    assert [name for _, _, name in rows["devices"]] == ["Meter 0", "Meter 1", "Meter 2"]
    engine = build_engine(fresh_mariadb)
    async with engine.connect() as connection:
        settings, meta = (await connection.execute(sa.text(
            "SELECT f.settings, d.metadata FROM factories f JOIN devices d "
            "ON d.factory_id = f.id WHERE f.id = :id LIMIT 1"), {"id": factory_id})).one()
    await engine.dispose()
    assert json.loads(settings) == {"retention": {"raw_days": 7}}
    assert json.loads(meta) == {"idle_threshold_kw": 1.5}
    copy = SqliteTimeSeriesStore(restored / "timeseries.db")
    async with copy:
        latest = await copy.latest(factory_id, 1)
        assert latest["kW"].value == 0.0
        _, rows_back = await _collect(copy, factory_id)
        assert len(rows_back) == 100


async def _collect(store, factory_id):
    chunks = [c async for c in store.raw(factory_id, [(1, "kW")], NOW - timedelta(days=1),
                                         NOW + timedelta(minutes=1))]
    return chunks, [row for chunk in chunks for row in chunk]
