import re
from pathlib import Path

from app.core.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[3] / ".env.example"


def test_every_setting_is_documented_in_env_example_and_nothing_else():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from .env.example"
    assert documented - fields == set(), ".env.example names unknown settings"


def test_env_example_values_parse(monkeypatch):
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            monkeypatch.setenv(match.group(1), match.group(2))
    settings = Settings(_env_file=None)
    assert settings.tsdb_backend == "sqlite" and settings.database_url.startswith("sqlite")
    # Empty values mean "default", not "empty string".
    assert settings.redis_url is None and settings.spa_dist_dir is None
    assert settings.influx_token is None
