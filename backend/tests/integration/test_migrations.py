"""The one migration chain builds the whole schema from nothing and removes it again, on
MariaDB (production's MySQL dialect) and on SQLite (the embedded default), and matches the
models exactly."""

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.core.database import build_engine
from app.core.migrations import alembic_config, downgrade, upgrade
from app.models import Base
from pytest_factoryops import require_env


async def _tables(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _diff(url: str) -> list:
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    finally:
        await engine.dispose()


def _scratch_database() -> str:
    # Named after this run's own test database: checkouts testing against the same server
    # at once must not drop each other's.
    return f"{make_url(require_env('TEST_DATABASE_URL')).database}_migrations"


@pytest.fixture
async def mariadb_url():
    admin_url = require_env("TEST_DATABASE_ADMIN_URL")
    name = _scratch_database()
    url = make_url(require_env("TEST_DATABASE_URL")).set(database=name)
    admin = build_engine(admin_url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await conn.execute(text(f"CREATE DATABASE `{name}`"))
    yield url.render_as_string(hide_password=False)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    await admin.dispose()


async def _round_trip(url: str) -> None:
    await asyncio.to_thread(upgrade, url)
    assert set(Base.metadata.tables) <= await _tables(url)
    assert await _diff(url) == [], "models and migrations disagree"
    await asyncio.to_thread(downgrade, url)
    assert await _tables(url) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, url)  # and the chain runs again after a full downgrade
    assert set(Base.metadata.tables) <= await _tables(url)


async def test_upgrade_and_downgrade_on_mariadb(mariadb_url):
    await _round_trip(mariadb_url)


async def test_upgrade_and_downgrade_on_sqlite(tmp_path):
    await _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}")


async def test_mariadb_tables_are_utf8mb4(mariadb_url):
    await asyncio.to_thread(upgrade, mariadb_url)
    engine = build_engine(mariadb_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT table_name, table_collation FROM information_schema.tables "
            "WHERE table_schema = :schema AND table_name <> 'alembic_version'"
        ), {"schema": make_url(mariadb_url).database})).all()
    await engine.dispose()
    assert rows and all(collation.startswith("utf8mb4") for _, collation in rows)


def test_single_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
