"""This suite gets the backend's fixtures from the plugin the backend package installs, not
from the backend's source folder on the import path."""

import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def test_fixtures_come_from_the_installed_plugin(pytestconfig, make):
    plugin = pytestconfig.pluginmanager.get_plugin("factoryops")
    assert plugin is not None and plugin.__name__ == "pytest_factoryops.plugin"
    assert type(make).__module__ == "pytest_factoryops.builders"
    assert all(Path(entry or ".").resolve() != BACKEND for entry in sys.path)
    backend_tests = str(BACKEND / "tests")
    assert not [name for name, module in list(sys.modules.items())
                if str(getattr(module, "__file__", None) or "").startswith(backend_tests)]
