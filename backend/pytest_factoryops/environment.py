"""Where the tests find their servers: the TEST_* variables `make test` exports, mapped onto
the application's own settings."""

from __future__ import annotations

import os
import tempfile

import pytest

TEST_JWT_SECRET = "test-only-secret-0123456789abcdef0123456789abcdef"


def service_env() -> dict[str, str]:
    """Point the application's own settings at the test servers, for this process and for
    any child process a test starts (ingester, workers)."""
    mapping = {
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL"),
        "REDIS_URL": os.environ.get("TEST_REDIS_URL"),
        "INFLUX_URL": os.environ.get("TEST_INFLUX_URL"),
        "INFLUX_DATABASE": os.environ.get("TEST_INFLUX_DATABASE"),
        "INFLUX_RPC_ADDRESS": os.environ.get("TEST_INFLUX_RPC_ADDRESS"),
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
        # Route sweeps call the event stream through an in-process client that reads a
        # response to its end: a short stream lets them finish.
        "ALERT_STREAM_MAX_SECONDS": "0.5",
    })
    # Result files of this run (and of the workers it starts) in a folder of its own, never
    # in the checkout nor in another run's.
    env["OBJECT_STORE_PATH"] = (os.environ.get("OBJECT_STORE_PATH")
                                or tempfile.mkdtemp(prefix="fo-objects-"))
    if env.get("REDIS_URL"):
        env.setdefault("CELERY_BROKER_URL", env["REDIS_URL"])
    return env


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suites with `make test`, which starts the "
                    "test servers and exports their addresses", pytrace=False)
    return value
