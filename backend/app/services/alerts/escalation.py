"""Escalation: while an alert stays unacknowledged, rounds of notifications at the times its
rule sets, "re-notify every N" (`repeat_seconds`) and "after N also notify these"
(`steps`, each with its own channels and recipients, added to every later round).

Round n goes out at the n-th of those times after the alert was raised, to the rule's
recipients and every step reached by then. Each round is claimed with one conditional
UPDATE (escalation_step n-1 → n) in the transaction that writes its deliveries and its
timeline event, so racing sweeps send a round once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.models.alert import EVENT_ESCALATED
from app.repositories.alert_event_repo import AlertEventRepository
from app.repositories.alert_repo import AlertRepository, due_escalations
from app.repositories.rule_repo import RuleRepository
from app.repositories.sessions import read_committed_sessions
from app.services.alerts.outbox import Audience, Outbox, Planned

log = get_logger(__name__)

DUE_BATCH = 200


@dataclass(frozen=True)
class EscalationPlan:
    repeat_seconds: int | None
    steps: tuple[tuple[int, Audience], ...]  # (after_seconds, who), by time

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> EscalationPlan | None:
        """The plan a rule stores; None without one (tolerant of rows edited by hand)."""
        if not isinstance(stored, Mapping):
            return None
        repeat = stored.get("repeat_seconds")
        repeat = repeat if isinstance(repeat, int) and repeat > 0 else None
        steps = []
        for step in stored.get("steps") or []:
            after = step.get("after_seconds") if isinstance(step, Mapping) else None
            if isinstance(after, int) and after > 0:
                steps.append((after, Audience.of(step.get("channels"),
                                                 step.get("recipients"))))
        if repeat is None and not steps:
            return None
        return cls(repeat, tuple(sorted(steps, key=lambda s: s[0])))

    def round_at(self, n: int) -> int | None:
        """Seconds after the alert was raised of round n (1-based); None past the last."""
        times = sorted({after for after, _ in self.steps})
        if self.repeat_seconds is None:
            return times[n - 1] if n <= len(times) else None
        # Merge the repeats with the step times: k-th repeat at k * repeat_seconds.
        count, k, j = 0, 1, 0
        while True:
            repeat_at = k * self.repeat_seconds
            step_at = times[j] if j < len(times) else math.inf
            at = min(repeat_at, step_at)
            if repeat_at == at:
                k += 1
            if step_at == at:
                j += 1
            count += 1
            if count == n:
                return int(at)

    def audiences(self, base: Audience, elapsed: int) -> list[Audience]:
        return [base] + [who for after, who in self.steps if after <= elapsed]


def first_escalation(stored: Mapping[str, Any] | None, raised_at: datetime
                     ) -> datetime | None:
    plan = EscalationPlan.of(stored)
    first = plan.round_at(1) if plan else None
    return raised_at + timedelta(seconds=first) if first is not None else None


class Escalator:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.factory_id = factory_id
        self.alerts = AlertRepository(session, factory_id)

    async def escalate(self, alert_id: int, now: datetime) -> list[int]:
        """Send the alert's next round if it is due; the deliveries to send."""
        alert = await self.alerts.get(alert_id)
        if (alert is None or alert.next_escalation_at is None
                or alert.next_escalation_at > now or alert.muted):
            await self.session.rollback()
            return []
        rule = (await RuleRepository(self.session, self.factory_id).get(alert.rule_id)
                if alert.rule_id else None)
        plan = EscalationPlan.of(rule.escalation) if rule else None
        step = alert.escalation_step + 1
        elapsed = plan.round_at(step) if plan else None
        if rule is None or plan is None or elapsed is None:
            # The rule lost its escalation (or the rule itself) since: nothing more to do.
            await self.alerts.claim_round(alert.id, step, None)
            await self.session.commit()
            return []
        following = plan.round_at(step + 1)
        next_at = (alert.triggered_at + timedelta(seconds=following)
                   if following is not None else None)
        if not await self.alerts.claim_round(alert.id, step, next_at):
            await self.session.rollback()
            return []
        base = Audience.of(rule.channels, rule.recipients)
        ids = await Outbox(self.session, self.factory_id).plan(
            [Planned(alert.id, who, EVENT_ESCALATED, step)
             for who in plan.audiences(base, elapsed)], now)
        await AlertEventRepository(self.session, self.factory_id).add_many([{
            "alert_id": alert.id, "kind": EVENT_ESCALATED, "at": now,
            "details": {"step": step, "deliveries": len(ids)}}])
        await self.session.commit()
        log.info("alert.escalated", alert_id=alert.id, step=step, deliveries=len(ids))
        return ids


async def escalate_due(now: datetime | None = None) -> list[tuple[int, int]]:
    """Every due round across factories: (factory_id, delivery_id) to send."""
    now = now or datetime.now(UTC)
    async with read_committed_sessions()() as session:
        due = await due_escalations(session, now, DUE_BATCH)
        await session.rollback()
    queued = []
    for factory_id, alert_id in due:
        async with read_committed_sessions()() as session:
            ids = await Escalator(session, factory_id).escalate(alert_id, now)
        queued += [(factory_id, i) for i in ids]
    return queued
