"""Shared fixtures. Integration tests run against the real servers `make test` starts
(MariaDB, Redis, InfluxDB, Mosquitto, an S3 server); their addresses arrive as TEST_*
variables. Nothing here is mocked, and a missing server fails the run instead of
skipping tests."""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from tests.support import tenancy_guard

# Fixtures of an in-process SMTP server and an app that sends its email there.
pytest_plugins = ("tests.support.smtp_sink", "tests.support.notification_endpoints")

TEST_JWT_SECRET = "test-only-secret-0123456789abcdef0123456789abcdef"
TEST_PASSWORD = "Correct-Horse-42"


def _service_env() -> dict[str, str]:
    """Point the application's own settings at the test servers, for this process and for
    any child process a test starts (ingester, workers)."""
    mapping = {
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL"),
        "REDIS_URL": os.environ.get("TEST_REDIS_URL"),
        "INFLUX_URL": os.environ.get("TEST_INFLUX_URL"),
        "INFLUX_DATABASE": os.environ.get("TEST_INFLUX_DATABASE"),
        "MQTT_HOST": os.environ.get("TEST_MQTT_HOST"),
        "MQTT_PORT": os.environ.get("TEST_MQTT_PORT"),
        "S3_ENDPOINT": os.environ.get("TEST_S3_ENDPOINT"),
        "S3_ACCESS_KEY": os.environ.get("TEST_S3_ACCESS_KEY"),
        "S3_SECRET_KEY": os.environ.get("TEST_S3_SECRET_KEY"),
    }
    env = {k: v for k, v in mapping.items() if v}
    env.update({
        "ENVIRONMENT": "test",
        "JWT_SECRET": TEST_JWT_SECRET,
        "TSDB_BACKEND": "influxdb",
        "LOG_LEVEL": "WARNING",
        "LOGIN_IP_RATE_LIMIT": "100000/minute",
        "PUBLIC_FACTORY_DIRECTORY": "true",
    })
    # Result files of this run (and of the workers it starts) in a folder of its own, never
    # in the checkout nor in another run's.
    env["OBJECT_STORE_PATH"] = (os.environ.get("OBJECT_STORE_PATH")
                                or tempfile.mkdtemp(prefix="fo-objects-"))
    if env.get("REDIS_URL"):
        env.setdefault("CELERY_BROKER_URL", env["REDIS_URL"])
    return env


os.environ.update(_service_env())
tenancy_guard.install()


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suites with `make test`, which starts the "
                    "test servers and exports their addresses", pytrace=False)
    return value


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
    from app.main import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False,
                                    client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


# --- data factories ------------------------------------------------------------------------
_sequence = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}-{next(_sequence)}"


def _hashed(password: str) -> str:
    from app.core.security import hash_password

    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    return _password_hash_cache[password]


@dataclass
class Tenant:
    """A factory with a super admin, ready for requests."""

    factory: object
    admin: object
    headers: dict[str, str]

    @property
    def id(self) -> int:
        return self.factory.id


class Factories:
    """Small builders for test data, writing through the real database."""

    def __init__(self, settings) -> None:
        self.settings = settings

    async def factory(self, **overrides):
        from app.core.database import session_scope
        from app.models import Factory

        slug = overrides.pop("slug", None) or unique("plant")
        async with session_scope() as session:
            factory = Factory(
                name=overrides.pop("name", f"Factory {slug}"), slug=slug,
                timezone=overrides.pop("timezone", "UTC"),
                currency=overrides.pop("currency", "EUR"),
                tariff=overrides.pop("tariff", {"kind": "flat", "price_per_kwh": 0.2}),
                co2_kg_per_kwh=overrides.pop("co2_kg_per_kwh", 0.4),
                settings=overrides.pop("settings", {"allow_auto_register": True}),
                **overrides)
            session.add(factory)
            await session.commit()
            return factory

    async def user(self, factory, *, role: str = "user", permissions=(), email=None,
                   password: str = TEST_PASSWORD, is_active: bool = True, **extra):
        from app.core.database import session_scope
        from app.models import User
        from app.models.user import PERMISSIONS

        if role == "super_admin" and not permissions:
            permissions = PERMISSIONS
        async with session_scope() as session:
            user = User(factory_id=factory.id, email=(email or unique("user") + "@test.io"),
                        full_name=extra.pop("full_name", "Test User"), role=role,
                        permissions=sorted(permissions), hashed_password=_hashed(password),
                        is_active=is_active, **extra)
            session.add(user)
            await session.commit()
            return user

    def headers(self, user) -> dict[str, str]:
        from app.core.security import ACCESS, create_token

        token, _ = create_token(self.settings, user_id=user.id, factory_id=user.factory_id,
                                role=user.role, token_type=ACCESS,
                                version=user.token_version,
                                lifetime=timedelta(minutes=15))
        return {"Authorization": f"Bearer {token}"}

    async def device(self, owner, **fields):
        """A device of `owner` (a Tenant or a Factory); `fields` override any column."""
        from app.core.database import session_scope
        from app.models import Device

        key = fields.pop("device_key", None) or unique("meter")
        async with session_scope() as session:
            device = Device(factory_id=owner.id, device_key=key,
                            name=fields.pop("name", f"Device {key}"), **fields)
            session.add(device)
            await session.commit()
            return device

    async def parameter(self, device, key: str, **fields):
        from app.core.database import session_scope
        from app.models import DeviceParameter

        async with session_scope() as session:
            parameter = DeviceParameter(factory_id=device.factory_id, device_id=device.id,
                                        parameter_key=key, **fields)
            session.add(parameter)
            await session.commit()
            return parameter

    async def tenant(self, **factory_overrides) -> Tenant:
        factory = await self.factory(**factory_overrides)
        admin = await self.user(factory, role="super_admin")
        return Tenant(factory, admin, self.headers(admin))


@pytest.fixture
def make(settings) -> Factories:
    return Factories(settings)


@pytest.fixture
async def tenant(make) -> Tenant:
    return await make.tenant()


@pytest.fixture
async def other_tenant(make) -> Tenant:
    return await make.tenant()
