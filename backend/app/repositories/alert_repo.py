from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.models.alert import ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_RESOLVED, Alert
from app.repositories.base import TenantRepository


def open_key(rule_id: int, device_id: int) -> str:
    return f"{rule_id}:{device_id}"


@dataclass(frozen=True)
class AlertFilters:
    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    device_id: int | None = None
    rule_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Trigger:
    """One rule firing for one device, as the engine saw it."""

    rule_id: int
    device_id: int
    severity: str
    title: str
    message: str
    values: dict[str, Any]
    at: datetime


class AlertRepository(TenantRepository[Alert]):
    model = Alert

    async def list_page(self, filters: AlertFilters, *, offset: int, limit: int
                        ) -> tuple[list[Alert], int]:
        stmt = self.select()
        if filters.statuses:
            stmt = stmt.where(Alert.status.in_(filters.statuses))
        if filters.severities:
            stmt = stmt.where(Alert.severity.in_(filters.severities))
        if filters.device_id is not None:
            stmt = stmt.where(Alert.device_id == filters.device_id)
        if filters.rule_id is not None:
            stmt = stmt.where(Alert.rule_id == filters.rule_id)
        if filters.since is not None:
            stmt = stmt.where(Alert.triggered_at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(Alert.triggered_at < filters.until)
        return await self.page(stmt, offset=offset, limit=limit,
                               order_by=(Alert.triggered_at.desc(), Alert.id.desc()))

    async def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """(alerts per status, open alerts per severity)."""
        by_status = await self.session.execute(
            self.select(Alert.status, func.count()).group_by(Alert.status))
        by_severity = await self.session.execute(
            self.select(Alert.severity, func.count()).where(Alert.status == ALERT_OPEN)
            .group_by(Alert.severity))
        return ({s: int(n) for s, n in by_status}, {s: int(n) for s, n in by_severity})

    # -- state changes by people ------------------------------------------------------------
    async def acknowledge(self, alerts: Sequence[Alert], user_id: int, at: datetime) -> None:
        for alert in alerts:
            if alert.status == ALERT_OPEN:
                alert.status = ALERT_ACKNOWLEDGED
                alert.acknowledged_by = user_id
                alert.acknowledged_at = at
                alert.next_escalation_at = None  # someone is on it: no more rounds

    @staticmethod
    def resolve(alert: Alert, user_id: int | None, at: datetime) -> None:
        alert.status = ALERT_RESOLVED
        alert.resolved_by = user_id
        alert.resolved_at = at
        alert.open_key = None
        alert.next_escalation_at = None

    # -- muting and escalation --------------------------------------------------------------
    async def mark_muted(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(
                self.update().where(Alert.id.in_(list(ids)))
                .values(muted=True, next_escalation_at=None)
                .execution_options(synchronize_session=False))

    async def schedule_escalation(self, alert_id: int, at: datetime) -> None:
        await self.session.execute(
            self.update().where(Alert.id == alert_id).values(next_escalation_at=at)
            .execution_options(synchronize_session=False))

    async def claim_round(self, alert_id: int, step: int, next_at: datetime | None) -> bool:
        """Record escalation round `step` (the one after `step - 1`); only one worker wins."""
        result = await self.session.execute(
            self.update().where(Alert.id == alert_id, Alert.escalation_step == step - 1,
                                Alert.status == ALERT_OPEN)
            .values(escalation_step=step, next_escalation_at=next_at)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    # -- the engine -------------------------------------------------------------------------
    async def raise_or_repeat(self, trigger: Trigger) -> tuple[int, bool]:
        """The live alert of this rule and device, created or updated: (id, created). The
        unique `open_key` decides between racing workers: the loser updates the winner's.
        Triggers of one pair arrive in time order (the cooldown claim refuses older ones)."""
        for _ in range(3):
            try:
                async with self.session.begin_nested():
                    alert = self.add(Alert(
                        rule_id=trigger.rule_id, device_id=trigger.device_id,
                        open_key=open_key(trigger.rule_id, trigger.device_id),
                        severity=trigger.severity, title=trigger.title,
                        message=trigger.message, values=trigger.values, status=ALERT_OPEN,
                        trigger_count=1, triggered_at=trigger.at,
                        last_triggered_at=trigger.at))
                return alert.id, True
            except IntegrityError:
                pass
            alert_id = await self._repeat(trigger)
            if alert_id is not None:
                return alert_id, False
            # The live alert was resolved between our insert and our update: insert again.
        raise RuntimeError("could not raise or update the alert")  # pragma: no cover

    async def _repeat(self, trigger: Trigger) -> int | None:
        key = open_key(trigger.rule_id, trigger.device_id)
        stmt = (self.update().where(Alert.open_key == key)
                .values(trigger_count=Alert.trigger_count + 1,
                        last_triggered_at=trigger.at,
                        values=trigger.values, message=trigger.message, title=trigger.title,
                        severity=trigger.severity)
                .execution_options(synchronize_session=False))
        result = await self.session.execute(stmt)
        if result.rowcount == 0:
            return None
        row = await self.session.execute(self.select(Alert.id).where(Alert.open_key == key))
        return row.scalar_one_or_none()

    # -- many triggers at once, inside one transaction -------------------------------------
    async def lock_live(self, keys: Sequence[str]) -> dict[str, int]:
        """open_key → id of the live alerts among `keys`, row-locked."""
        if not keys:
            return {}
        rows = await self.session.execute(
            self.select(Alert.open_key, Alert.id).where(Alert.open_key.in_(list(keys)))
            .with_for_update())
        return {k: int(i) for k, i in rows}

    async def insert_many(self, triggers: Sequence[Trigger]) -> dict[str, int]:
        """New live alerts; open_key → id. A key already live raises IntegrityError."""
        if not triggers:
            return {}
        await self.session.execute(insert(Alert.__table__), [{
            "factory_id": self.factory_id, "rule_id": t.rule_id, "device_id": t.device_id,
            "open_key": open_key(t.rule_id, t.device_id), "severity": t.severity,
            "title": t.title, "message": t.message, "values": t.values,
            "status": ALERT_OPEN, "trigger_count": 1, "triggered_at": t.at,
            "last_triggered_at": t.at} for t in triggers])
        keys = [open_key(t.rule_id, t.device_id) for t in triggers]
        rows = await self.session.execute(
            self.select(Alert.open_key, Alert.id).where(Alert.open_key.in_(keys)))
        return {k: int(i) for k, i in rows}

    async def repeat_many(self, triggers: Sequence[Trigger]) -> None:
        """Count another trigger on live alerts locked by `lock_live`."""
        if not triggers:
            return
        table = Alert.__table__
        stmt = (update(table)
                .where(table.c.factory_id == self.factory_id,
                       table.c.open_key == bindparam("b_key"))
                .values(trigger_count=table.c.trigger_count + 1,
                        last_triggered_at=bindparam("b_at"), values=bindparam("b_values"),
                        message=bindparam("b_message"), title=bindparam("b_title"),
                        severity=bindparam("b_severity")))
        await self.session.execute(stmt, [{
            "b_key": open_key(t.rule_id, t.device_id), "b_at": t.at, "b_values": t.values,
            "b_message": t.message, "b_title": t.title, "b_severity": t.severity}
            for t in triggers])

    async def live_for(self, keys: Sequence[str]) -> list[tuple[int, str, datetime, bool]]:
        """(id, open_key, triggered_at, muted) of the live alerts among `keys`."""
        if not keys:
            return []
        rows = await self.session.execute(
            self.select(Alert.id, Alert.open_key, Alert.triggered_at, Alert.muted)
            .where(Alert.open_key.in_(list(keys))))
        return [(int(i), k, t, bool(m)) for i, k, t, m in rows]

    async def live_pairs(self, rule_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(rule, device) of the live alerts of these rules."""
        if not rule_ids:
            return []
        stmt = self.select(Alert.rule_id, Alert.device_id).where(
            Alert.rule_id.in_(list(rule_ids)), Alert.open_key.is_not(None),
            Alert.device_id.is_not(None))
        return [(int(r), int(d)) for r, d in await self.session.execute(stmt)]

    async def auto_resolve(self, alert_id: int, at: datetime) -> bool:
        """Resolve a live alert because its condition cleared at `at`; an alert raised by a
        later observation than `at` stays open."""
        result = await self.session.execute(
            self.update()
            .where(Alert.id == alert_id, Alert.open_key.is_not(None),
                   Alert.triggered_at <= at)
            .values(status=ALERT_RESOLVED, resolved_at=at, open_key=None,
                    next_escalation_at=None)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


async def due_escalations(session, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(factory_id, alert_id) of open alerts whose next escalation round is due and that are
    not snoozed. Spans factories on purpose: one periodic sweep serves the platform; each
    alert is then escalated by a service scoped to its own factory."""
    stmt = (select(Alert.factory_id, Alert.id)
            .where(Alert.next_escalation_at <= now, Alert.status == ALERT_OPEN,
                   Alert.muted.is_(False),
                   or_(Alert.snoozed_until.is_(None), Alert.snoozed_until <= now))
            .order_by(Alert.next_escalation_at).limit(limit)
            .execution_options(cross_tenant=True))
    return [(int(f), int(i)) for f, i in await session.execute(stmt)]
