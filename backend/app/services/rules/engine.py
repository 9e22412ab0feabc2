"""The rule engine: evaluates the rules of each factory against a batch of fresh telemetry
and raises, repeats or resolves alerts; and on a clock (`tick`, beat every
RULE_CLOCK_SECONDS) decides what no message would: silent devices and stale parameters,
sustained conditions whose duration has passed, and auto-resolves.

The batch is what the ingester sends once per flush (`app.schemas.rule_batch.RuleBatch`): the
newest values of the devices that changed, per factory. A condition sees the
device's latest values (latest-values store) updated with the batch, newer wins, so batches
evaluated out of order or twice never raise an alert from stale values. Time is the batch's:
schedules, sustained durations, cooldowns and `triggered_at` all use the telemetry's own
timestamps.

Writes happen only on changes (a condition starts or stops holding, a trigger, a
resolution), and every decision several workers could race on is taken by the database:
the cooldown claim and the alert's unique `open_key`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.models.alert import EVENT_RESOLVED
from app.repositories.alert_event_repo import AlertEventRepository
from app.repositories.alert_repo import AlertRepository, Trigger, open_key
from app.repositories.rule_repo import (
    RuleStateRepository,
    ScopeRepository,
    factories_with_active_rules,
)
from app.repositories.sessions import read_committed_sessions
from app.schemas.rule_batch import DeviceReadings, RuleBatch
from app.services.alerts.outbox import Audience, Outbox, Planned
from app.services.rules.cache import DeviceInfo, FactoryRules, RuleCache, RuleSnapshot
from app.services.rules.conditions import describe, evaluate
from app.services.rules.schedule import is_active_at
from app.services.rules.triggers import Candidate, TriggerWriter
from app.services.rules.versions import RuleVersions
from app.stores.latest.base import LatestValuesStore
from app.stores.timeseries.base import LatestValue, from_epoch_ms, to_epoch_ms

log = get_logger(__name__)


@dataclass(frozen=True)
class RaisedAlert:
    factory_id: int
    alert_id: int
    # Outbox rows committed with the alert: the caller queues them for sending.
    delivery_ids: tuple[int, ...] = ()


@dataclass
class Observation:
    """One rule against one device at one moment."""

    rule: RuleSnapshot
    device: DeviceInfo
    at: datetime
    in_schedule: bool
    holds: bool
    values: dict[str, float]


@dataclass
class BatchOutcome:
    raised: list[RaisedAlert] = field(default_factory=list)
    failed_factories: list[int] = field(default_factory=list)
    # Notifications of alerts resolved by this evaluation: (factory_id, delivery_id).
    resolve_deliveries: list[tuple[int, int]] = field(default_factory=list)

    def deliveries(self) -> list[tuple[int, int]]:
        """Every outbox row this evaluation committed, to queue for sending."""
        return [(r.factory_id, d) for r in self.raised
                for d in r.delivery_ids] + self.resolve_deliveries

    def add(self, raised: list[RaisedAlert], resolve_deliveries: list[tuple[int, int]]
            ) -> None:
        self.raised += raised
        self.resolve_deliveries += resolve_deliveries


class RuleEngine:
    def __init__(self, latest: LatestValuesStore, versions: RuleVersions) -> None:
        self.latest = latest
        self.cache = RuleCache(versions)

    async def evaluate_batch(self, batch: RuleBatch | Mapping[str, Any]) -> BatchOutcome:
        """`batch` may be the queue's message form, read with `RuleBatch.from_message`."""
        started = time.monotonic()
        if not isinstance(batch, RuleBatch):
            batch = RuleBatch.from_message(batch)
        outcome = BatchOutcome()
        if not batch:
            return outcome
        outcome = await self._evaluate(batch.root)
        # How old the newest reading was on arrival, and how long evaluation took: the two
        # halves of publish-to-alert latency.
        log.debug("rules.batch_evaluated", devices=batch.device_count(),
                  raised=len(outcome.raised),
                  age_ms=round(to_epoch_ms(datetime.now(UTC)) - batch.newest_ms()),
                  elapsed_ms=round((time.monotonic() - started) * 1000, 1))
        return outcome

    async def tick(self, now: datetime | None = None) -> BatchOutcome:
        """What the clock decides, for every factory with active rules."""
        now = now or datetime.now(UTC)
        async with read_committed_sessions()() as session:
            factory_ids = await factories_with_active_rules(session)
            rules = await self.cache.rules_for(session, factory_ids)
            await session.rollback()
        outcome = BatchOutcome()
        for factory_id in factory_ids:
            if not rules[factory_id].rules:
                continue
            try:
                outcome.add(*await self._tick_factory(factory_id, rules[factory_id], now))
            except Exception:
                log.exception("rules.tick_failed", factory_id=factory_id)
                outcome.failed_factories.append(factory_id)
        return outcome

    async def _tick_factory(self, factory_id: int, factory_rules: FactoryRules,
                            now: datetime) -> tuple[list[RaisedAlert], list[tuple[int, int]]]:
        by_id = {r.id: r for r in factory_rules.rules}
        clock_rules = [r for r in factory_rules.rules if r.clock]
        timed = [r.id for r in factory_rules.rules if r.for_seconds and not r.clock]
        resolving = [r.id for r in factory_rules.rules if r.auto_resolve]
        async with read_committed_sessions()() as session:
            pairs: set[tuple[int, int]] = set()
            if clock_rules:
                ids = await ScopeRepository(session, factory_id).enabled_device_ids()
                for device in (await self.cache.devices(session, factory_id, ids)).values():
                    pairs.update((r.id, device.id) for r in clock_rules if r.covers(device))
            pairs.update(await RuleStateRepository(session, factory_id).pending_pairs(timed))
            pairs.update(await AlertRepository(session, factory_id).live_pairs(resolving))
            if not pairs:
                await session.rollback()
                return [], []
            devices = await self.cache.devices(session, factory_id, {d for _, d in pairs})
            latest = await self.latest.get_many(factory_id, sorted(devices))
            observations = []
            for rule_id, device_id in sorted(pairs):
                device, rule = devices.get(device_id), by_id.get(rule_id)
                if device is None or rule is None or not device.enabled:
                    continue
                values, seen = _known_values(latest.get(device_id, {}))
                if not _readable(rule, values, seen, now):
                    continue  # nothing known to decide on: a missing value resolves nothing
                observations.append(self._observe(rule, device, values, seen, now,
                                                  factory_rules.timezone))
            eligible = await self._sustained(
                session, factory_id, [o for o in observations if o.rule.for_seconds
                                      and not o.rule.clock])
            eligible += [o for o in observations if o.rule.clock and o.holds]
            raised = await self._trigger(session, factory_id, eligible)
            resolved = await self._auto_resolve(session, factory_id, observations)
            if raised:
                log.info("rules.tick_raised", factory_id=factory_id, raised=len(raised))
            return raised, resolved

    async def _evaluate(self, batch: dict[int, dict[int, DeviceReadings]]) -> BatchOutcome:
        outcome = BatchOutcome()
        async with read_committed_sessions()() as session:
            rules = await self.cache.rules_for(session, sorted(batch))
            await session.rollback()
        for factory_id, devices in batch.items():
            factory_rules = rules[factory_id]
            if not factory_rules.rules:
                continue
            try:
                outcome.add(*await self._evaluate_factory(factory_id, factory_rules, devices))
            except Exception:
                # One factory's failure must not hold back the others; the task retries
                # the batch, which is safe: evaluation is idempotent.
                log.exception("rules.factory_failed", factory_id=factory_id)
                outcome.failed_factories.append(factory_id)
        return outcome

    async def _evaluate_factory(self, factory_id: int, factory_rules: FactoryRules,
                                batch: dict[int, DeviceReadings]
                                ) -> tuple[list[RaisedAlert], list[tuple[int, int]]]:
        async with read_committed_sessions()() as session:
            devices = await self.cache.devices(session, factory_id, batch)
            watched = {device_id: [r for r in factory_rules.rules if r.covers(device)]
                       for device_id, device in devices.items() if device.enabled}
            watched = {d: rules for d, rules in watched.items() if rules}
            if not watched:
                return [], []
            latest = await self.latest.get_many(factory_id, list(watched))
            observations = []
            for device_id, rules in watched.items():
                values, seen, at = _current_values(latest.get(device_id, {}),
                                                   batch[device_id])
                for rule in rules:
                    observations.append(self._observe(rule, devices[device_id], values, seen,
                                                      at, factory_rules.timezone))
            eligible = await self._sustained(session, factory_id, observations)
            raised = await self._trigger(session, factory_id, eligible)
            return raised, await self._auto_resolve(session, factory_id, observations)

    @staticmethod
    def _observe(rule: RuleSnapshot, device: DeviceInfo, values: dict[str, float],
                 seen: dict[str, datetime], at: datetime, timezone: str) -> Observation:
        if not is_active_at(rule.schedule, at, timezone):
            # Outside its hours a rule neither raises nor resolves: it is not looking, and
            # a sustained duration starts again when the hours begin.
            return Observation(rule, device, at, in_schedule=False, holds=False, values={})
        if rule.clock is not None:
            age = rule.clock.age(seen, at)
            return Observation(rule, device, at, in_schedule=True,
                               holds=rule.clock.holds(seen, at),
                               values={"seconds_without_data": round(age or 0.0)})
        snapshot = {p: values[p] for p in rule.parameters if p in values}
        return Observation(rule, device, at, in_schedule=True,
                           holds=evaluate(rule.condition, values), values=snapshot)

    async def _sustained(self, session: AsyncSession, factory_id: int,
                         observations: list[Observation]) -> list[Observation]:
        """The holding observations that may trigger: at once, or once the condition has
        held for the rule's `for_seconds` (its start is kept in the database)."""
        eligible = [o for o in observations if o.holds and not o.rule.for_seconds]
        timed = [o for o in observations if o.rule.for_seconds]
        if not timed:
            return eligible
        states = RuleStateRepository(session, factory_id)
        pending = await states.pending_since([(o.rule.id, o.device.id) for o in timed])
        starts, clears = [], []
        for o in timed:
            since = pending.get((o.rule.id, o.device.id))
            if not o.holds:
                if since is not None:
                    clears.append((o.rule.id, o.device.id, o.at))
            elif since is None or since > o.at:
                starts.append((o.rule.id, o.device.id, o.at))
            elif o.at - since >= timedelta(seconds=o.rule.for_seconds):
                eligible.append(o)
        if starts or clears:
            await states.start_pending(starts)
            await states.clear_pending(clears)
            await session.commit()
        else:
            await session.rollback()
        return eligible

    async def _trigger(self, session: AsyncSession, factory_id: int,
                       observations: list[Observation]) -> list[RaisedAlert]:
        candidates = [Candidate(_trigger_of(o), o.rule.cooldown_seconds, o.rule.audience,
                                o.rule.escalation) for o in observations]
        raised = []
        for created in await TriggerWriter(session, factory_id).write(candidates):
            rule_id, device_id = created.candidate.pair
            log.info("alert.raised", factory_id=factory_id, alert_id=created.alert_id,
                     rule_id=rule_id, device_id=device_id,
                     deliveries=len(created.delivery_ids))
            raised.append(RaisedAlert(factory_id, created.alert_id, created.delivery_ids))
        return raised

    async def _auto_resolve(self, session: AsyncSession, factory_id: int,
                            observations: list[Observation]) -> list[tuple[int, int]]:
        """Resolve the live alerts whose condition cleared, with their timeline event and
        notifications in the same transaction; the deliveries to send."""
        cleared = {open_key(o.rule.id, o.device.id): o for o in observations
                   if o.rule.auto_resolve and o.in_schedule and not o.holds}
        if not cleared:
            return []
        alerts = AlertRepository(session, factory_id)
        events, messages = [], []
        for alert_id, key, triggered_at, muted in await alerts.live_for(list(cleared)):
            observation = cleared[key]
            if triggered_at <= observation.at and await alerts.auto_resolve(alert_id,
                                                                            observation.at):
                log.info("alert.auto_resolved", factory_id=factory_id, alert_id=alert_id)
                events.append({"alert_id": alert_id, "kind": EVENT_RESOLVED,
                               "at": observation.at, "details": {"automatic": True}})
                if not muted:
                    rule = observation.rule
                    messages.append(Planned(alert_id, rule.audience if rule.notify_on_resolve
                                            else Audience((), {}), EVENT_RESOLVED))
        if not events:
            await session.rollback()
            return []
        await AlertEventRepository(session, factory_id).add_many(events)
        ids = await Outbox(session, factory_id).plan(messages, max(e["at"] for e in events))
        await session.commit()
        return [(factory_id, i) for i in ids]


def _current_values(latest: Mapping[str, Any], fresh: Mapping[str, tuple[int, float]]
                    ) -> tuple[dict[str, float], dict[str, datetime], datetime]:
    """The device's values with the batch applied (newer wins), when each was reported, and
    the batch's moment."""
    merged: dict[str, tuple[int, float]] = {
        parameter: (to_epoch_ms(v.ts), v.value) for parameter, v in latest.items()}
    for parameter, (ts_ms, value) in fresh.items():
        known = merged.get(parameter)
        if known is None or known[0] <= ts_ms:
            merged[parameter] = (ts_ms, value)
    moment = max(ts_ms for ts_ms, _ in fresh.values())
    return ({p: v for p, (_, v) in merged.items()},
            {p: from_epoch_ms(ts) for p, (ts, _) in merged.items()}, from_epoch_ms(moment))


def _known_values(latest: Mapping[str, LatestValue]
                  ) -> tuple[dict[str, float], dict[str, datetime]]:
    return ({p: v.value for p, v in latest.items()}, {p: v.ts for p, v in latest.items()})


def _readable(rule: RuleSnapshot, values: Mapping[str, float], seen: Mapping[str, datetime],
              now: datetime) -> bool:
    """Whether the clock has something to decide on for this rule and device: a clock
    condition needs the device (or parameter) to have reported once, a value condition all
    the values it reads."""
    if rule.clock is not None:
        return rule.clock.age(seen, now) is not None
    return all(p in values for p in rule.parameters)


def _trigger_of(o: Observation) -> Trigger:
    if o.rule.clock is not None:
        quiet = o.values.get("seconds_without_data", 0)
        return Trigger(
            rule_id=o.rule.id, device_id=o.device.id, severity=o.rule.severity,
            title=f"{o.rule.name} on {o.device.name}"[:300],
            message=f"{o.rule.clock.describe().capitalize()} on {o.device.name}: last "
                    f"reported {_number(quiet)} s ago.",
            values=o.values, at=o.at)
    shown = ", ".join(f"{p} = {_number(v)}" for p, v in o.values.items()) or "no values"
    return Trigger(
        rule_id=o.rule.id, device_id=o.device.id, severity=o.rule.severity,
        title=f"{o.rule.name} on {o.device.name}"[:300],
        message=f"{describe(o.rule.condition)} holds on {o.device.name}: {shown}.",
        values=o.values, at=o.at)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"
