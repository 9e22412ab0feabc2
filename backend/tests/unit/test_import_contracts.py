"""The layer rules of AGENTS.md hold: `lint-imports` keeps every contract in pyproject.toml,
and the same contracts break when a module imports a layer above its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2]
REPO = BACKEND.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath))}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(BACKEND / "pyproject.toml"),
                           "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_code_keeps_every_import_contract():
    result = _lint(BACKEND, [BACKEND, REPO])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_the_layers_breaks_a_contract(tmp_path):
    # A copy of the packages with one module of the bottom layer importing a service.
    shutil.copytree(BACKEND / "app", tmp_path / "app",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "telemetry", tmp_path / "telemetry",
                    ignore=shutil.ignore_patterns("__pycache__", "tests"))
    (tmp_path / "app" / "core" / "upward.py").write_text(
        "from app.services.health import readiness  # noqa: F401\n")
    (tmp_path / "telemetry" / "reaches_api.py").write_text("import app.api.deps  # noqa: F401\n")

    result = _lint(tmp_path, [tmp_path])

    assert result.returncode == 1, result.stdout + result.stderr
    assert "app.core.upward -> app.services.health" in result.stdout
    assert "telemetry.reaches_api -> app.api.deps" in result.stdout
    assert "2 broken" in result.stdout
