"""What the rule engine keeps in memory between batches: each factory's active rules (reloaded
when the factory's rule version changes) and the few device fields scopes and messages need.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.device import STATUS_DISABLED
from app.models.rule import Rule
from app.repositories.factory_repo import FactoryRepository
from app.repositories.rule_repo import RuleRepository, ScopeRepository
from app.services.alerts.outbox import Audience
from app.services.rules.clock_conditions import ClockCondition, clock_condition
from app.services.rules.conditions import referenced_parameters
from app.services.rules.versions import RuleVersions

# Even with one, reload now and then: a bump lost to a Redis hiccup must not last forever.
MAX_RULES_AGE_SECONDS = 60.0
DEVICE_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class RuleSnapshot:
    id: int
    name: str
    severity: str
    condition: Any
    parameters: tuple[str, ...]
    scope: dict[str, Any]
    cooldown_seconds: int
    for_seconds: int
    schedule: dict[str, Any] | None
    auto_resolve: bool
    audience: Audience
    # A silent-device or stale-parameter condition, decided on the clock; None otherwise.
    clock: ClockCondition | None = None
    escalation: dict[str, Any] | None = None
    notify_on_resolve: bool = False

    @classmethod
    def of(cls, rule: Rule) -> RuleSnapshot:
        clock = clock_condition(rule.condition)
        return cls(id=rule.id, name=rule.name, severity=rule.severity,
                   condition=rule.condition,
                   parameters=tuple(referenced_parameters(rule.condition)),
                   scope=dict(rule.scope or {"kind": "all"}),
                   cooldown_seconds=max(0, int(rule.cooldown_minutes or 0)) * 60,
                   for_seconds=max(0, int(rule.for_seconds or 0)), schedule=rule.schedule,
                   # A silent device's alarm always clears when its data returns.
                   auto_resolve=bool(rule.auto_resolve) or clock is not None,
                   audience=Audience.of(rule.channels, rule.recipients), clock=clock,
                   escalation=rule.escalation, notify_on_resolve=bool(rule.notify_on_resolve))

    def covers(self, device: DeviceInfo) -> bool:
        kind = self.scope.get("kind", "all")
        if kind == "devices":
            return device.id in (self.scope.get("device_ids") or ())
        if kind == "type":
            return device.type == self.scope.get("value")
        if kind == "area":
            return device.area == self.scope.get("value")
        if kind == "node":
            return self.scope.get("node_id") in device.node_ids
        return True


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    name: str
    type: str | None
    area: str | None
    enabled: bool
    # The asset node the device hangs on and every node above it.
    node_ids: frozenset[int] = frozenset()


@dataclass
class FactoryRules:
    timezone: str
    rules: list[RuleSnapshot]
    version: int | None
    loaded_at: float = field(default_factory=time.monotonic)


class RuleCache:
    def __init__(self, versions: RuleVersions) -> None:
        self.versions = versions
        self._rules: dict[int, FactoryRules] = {}
        self._devices: dict[tuple[int, int], tuple[DeviceInfo | None, float]] = {}

    async def rules_for(self, session: AsyncSession, factory_ids: Sequence[int]
                        ) -> dict[int, FactoryRules]:
        """Each factory's active rules, checking every factory's version in one round trip."""
        versions = await self.versions.current(factory_ids)
        if versions is None:
            # No shared counter (the embedded default): ask the database instead, one small
            # query per factory, so a rule saved a moment ago already applies.
            versions = {factory_id: await RuleRepository(session, factory_id).fingerprint()
                        for factory_id in factory_ids}
        now = time.monotonic()
        result = {}
        for factory_id in factory_ids:
            version = versions.get(factory_id)
            cached = self._rules.get(factory_id)
            if cached is None or not self._fresh(cached, version, now):
                cached = await self._load(session, factory_id, version)
                self._rules[factory_id] = cached
            result[factory_id] = cached
        return result

    def _fresh(self, cached: FactoryRules, version: int | None, now: float) -> bool:
        return cached.version == version and now - cached.loaded_at < MAX_RULES_AGE_SECONDS

    async def _load(self, session: AsyncSession, factory_id: int, version: int | None
                    ) -> FactoryRules:
        factory = await FactoryRepository(session).get(factory_id)
        if factory is None:
            return FactoryRules("UTC", [], version)
        rules = await RuleRepository(session, factory_id).active()
        return FactoryRules(factory.timezone, [RuleSnapshot.of(r) for r in rules], version)

    async def devices(self, session: AsyncSession, factory_id: int, ids: Iterable[int]
                      ) -> dict[int, DeviceInfo]:
        now = time.monotonic()
        found: dict[int, DeviceInfo] = {}
        missing = []
        for device_id in ids:
            entry = self._devices.get((factory_id, device_id))
            if entry is not None and now - entry[1] < DEVICE_CACHE_SECONDS:
                if entry[0] is not None:
                    found[device_id] = entry[0]
            else:
                missing.append(device_id)
        if missing:
            scopes = ScopeRepository(session, factory_id)
            loaded = {d.id: d for d in await scopes.describe(missing)}
            paths = await scopes.node_paths(missing)
            for device_id in missing:
                device = loaded.get(device_id)
                info = None if device is None else DeviceInfo(
                    device.id, device.name, device.type, device.area,
                    device.status != STATUS_DISABLED,
                    frozenset(int(p) for p in paths.get(device_id, "").split("/") if p))
                self._devices[(factory_id, device_id)] = (info, now)
                if info is not None:
                    found[device_id] = info
        return found
