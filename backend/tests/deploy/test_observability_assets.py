"""The Grafana dashboard only charts series the platform really exports."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "backend/app/api/metrics.py", ROOT / "backend/app/workers/metrics.py",
           ROOT / "telemetry/metrics.py"]


def exported_names() -> set[str]:
    names = set()
    for source in SOURCES:
        names |= set(re.findall(r'"(factoryops_[a-z_]+)"', source.read_text()))
    return names


def test_dashboard_queries_only_exported_metrics():
    dashboard = json.loads((ROOT / "docker/grafana/factoryops-platform.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert exprs
    known = exported_names()
    for expr in exprs:
        for name in re.findall(r"factoryops_[a-z_]+", expr):
            base = re.sub(r"_(total|bucket|count|sum)$", "", name)
            assert name in known or base in known, f"{name} is not exported"
