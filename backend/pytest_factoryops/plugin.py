"""The shared fixtures (registered by the backend package's `pytest11` entry point).
Integration tests run against the real servers `make test` starts (MariaDB, Redis,
InfluxDB, Mosquitto, an S3 server); their addresses arrive as TEST_* variables. Nothing here
is mocked, and a missing server fails the run instead of skipping tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest

from pytest_factoryops import tenancy_guard
from pytest_factoryops.apps import client_of, running_app
from pytest_factoryops.builders import Factories, Tenant
from pytest_factoryops.environment import require_env, service_env

# Before any test module is imported: the application reads these when it first builds its
# settings, and child processes (ingester, workers) inherit them.
os.environ.update(service_env())
tenancy_guard.install()


# --- database ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh, migrated test database for this run."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from app.core.config import get_settings
    from app.core.database import Database, build_engine, dispose_database, set_database
    from app.core.migrations import upgrade

    url = require_env("TEST_DATABASE_URL")
    admin = build_engine(require_env("TEST_DATABASE_ADMIN_URL"))
    name = make_url(url).database
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        await conn.execute(text(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    await admin.dispose()
    await asyncio.to_thread(upgrade, url)
    get_settings.cache_clear()
    set_database(Database(url, pool_size=20, max_overflow=40))
    yield url
    await dispose_database()


@pytest.fixture
async def db(database_url) -> AsyncIterator:
    from app.core.database import get_database

    async with get_database().sessionmaker() as session:
        yield session


@pytest.fixture(scope="session", autouse=True)
async def _fresh_redis():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        import redis.asyncio as redis

        client = redis.from_url(url)
        await client.flushdb()
        await client.aclose()


@pytest.fixture(scope="session", autouse=True)
async def _fresh_timeseries():
    """Ids restart with the fresh MariaDB database, so points left by an earlier run would
    land on this run's devices: start from an empty InfluxDB database too."""
    url = os.environ.get("TEST_INFLUX_URL")
    name = os.environ.get("TEST_INFLUX_DATABASE")
    if url and name:
        async with httpx.AsyncClient(base_url=url, timeout=30) as influx:
            for statement in (f'DROP DATABASE "{name}"', f'CREATE DATABASE "{name}"'):
                r = await influx.post("/query", data={"q": statement})
                r.raise_for_status()


@pytest.fixture(autouse=True)
def _tenancy_guard_clean():
    before = len(tenancy_guard.violations)
    yield
    new = tenancy_guard.violations[before:]
    assert not new, "tenancy guard: " + "\n".join(new)


# --- application ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def settings(database_url):
    from app.core.config import get_settings

    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
async def app(settings):
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(app, "203.0.113.7") as c:
        yield c


# --- data factories ------------------------------------------------------------------------
@pytest.fixture
def make(settings) -> Factories:
    return Factories(settings)


@pytest.fixture
async def tenant(make) -> Tenant:
    return await make.tenant()


@pytest.fixture
async def other_tenant(make) -> Tenant:
    return await make.tenant()
