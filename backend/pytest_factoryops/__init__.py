"""The FactoryOps test fixtures as a pytest plugin, shipped with the backend package and
registered through its `pytest11` entry point (`pytest_factoryops.plugin`), so that every
suite run from this environment (backend, telemetry) gets the same fixtures without knowing
where the backend's tests live.

Tests import the helpers below from here; fixtures (`settings`, `app`, `client`, `db`,
`make`, `tenant`, `other_tenant`, ...) need no import."""

from pytest_factoryops.builders import TEST_PASSWORD, Factories, Tenant, unique
from pytest_factoryops.environment import TEST_JWT_SECRET, require_env

__all__ = ["TEST_JWT_SECRET", "TEST_PASSWORD", "Factories", "Tenant", "require_env", "unique"]
