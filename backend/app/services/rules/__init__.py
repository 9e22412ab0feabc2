"""Alert rules: their CRUD and validation (service), the engine that evaluates a telemetry
batch (engine) over condition trees (conditions) inside schedules, rule versions and the
per-process rule cache, and the triggers that become alerts."""

from __future__ import annotations

from app.services.rules.engine import RuleEngine
from app.services.rules.service import RuleService

__all__ = ["RuleEngine", "RuleService"]
