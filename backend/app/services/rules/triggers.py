"""Turns the triggers of one batch into alerts, honouring each rule's cooldown, exactly once
however many workers evaluate the same batch.

The fast path writes every trigger of the batch in one transaction with a handful of
statements: lock the cooldown rows that exist, insert the missing ones, lock the live
alerts, repeat those and insert the rest. It stays correct under races because the
database arbitrates: a worker that loses an insert race gets an IntegrityError (or a
deadlock), rolls the whole batch back and takes the careful path, one pair at a time, where
each decision is a conditional UPDATE or an INSERT inside a savepoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.models.alert import EVENT_RAISED
from app.repositories.alert_event_repo import AlertEventRepository, MaintenanceRepository
from app.repositories.alert_repo import AlertRepository, Trigger, open_key
from app.repositories.rule_repo import RuleCooldownRepository
from app.services.alerts.escalation import first_escalation
from app.services.alerts.outbox import Audience, Outbox, Planned

log = get_logger(__name__)

# MariaDB/MySQL: deadlock found, lock wait timeout. The loser rolls back and tries again.
RETRYABLE_DB_ERRORS = (1213, 1205)
PAIR_ATTEMPTS = 4


@dataclass(frozen=True)
class Candidate:
    trigger: Trigger
    cooldown_seconds: int
    audience: Audience = Audience((), {})
    escalation: dict[str, Any] | None = None

    @property
    def pair(self) -> tuple[int, int]:
        return self.trigger.rule_id, self.trigger.device_id

    @property
    def key(self) -> str:
        return open_key(*self.pair)


@dataclass(frozen=True)
class Created:
    candidate: Candidate
    alert_id: int
    # The outbox rows written with the alert, to send once it is committed.
    delivery_ids: tuple[int, ...]


class TriggerWriter:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.factory_id = factory_id
        self.cooldowns = RuleCooldownRepository(session, factory_id)
        self.alerts = AlertRepository(session, factory_id)

    async def write(self, candidates: Sequence[Candidate]) -> list[Created]:
        """Record the triggers; return the alerts created (not repeated) with their ids and
        the deliveries planned in the same transaction."""
        if not candidates:
            return []
        # A fixed order keeps racing workers locking the same rows in the same order.
        ordered = sorted(candidates, key=lambda c: c.pair)
        try:
            return await self._all_at_once(ordered)
        except (IntegrityError, OperationalError) as exc:
            await self.session.rollback()
            log.info("rules.trigger_race", error_type=type(exc).__name__, count=len(ordered))
        created = []
        for candidate in ordered:
            one = await self._retrying(candidate)
            if one is not None:
                created.append(one)
        return created

    async def _plan(self, new: Sequence[tuple[Candidate, int]]) -> list[Created]:
        """What comes with new alerts, in the caller's transaction: their timeline's first
        event, their deliveries and first escalation round, or, for a device in a
        maintenance window, the mark that they notify nobody."""
        if not new:
            return []
        muted = await self._in_maintenance([c for c, _ in new])
        outbox = Outbox(self.session, self.factory_id)
        created, events, muted_ids = [], [], []
        for candidate, alert_id in new:
            is_muted = candidate.pair in muted
            events.append({"alert_id": alert_id, "kind": EVENT_RAISED,
                           "at": candidate.trigger.at, "details": {"muted": is_muted}})
            if is_muted:
                muted_ids.append(alert_id)
                created.append(Created(candidate, alert_id, ()))
                continue
            ids = await outbox.plan([Planned(alert_id, candidate.audience)],
                                    candidate.trigger.at)
            first = first_escalation(candidate.escalation, candidate.trigger.at)
            if first is not None:
                await self.alerts.schedule_escalation(alert_id, first)
            created.append(Created(candidate, alert_id, tuple(ids)))
        await self.alerts.mark_muted(muted_ids)
        await AlertEventRepository(self.session, self.factory_id).add_many(events)
        return created

    async def _in_maintenance(self, candidates: Sequence[Candidate]) -> set[tuple[int, int]]:
        moments = [c.trigger.at for c in candidates]
        windows = await MaintenanceRepository(self.session, self.factory_id).covering(
            sorted({c.trigger.device_id for c in candidates}), min(moments), max(moments))
        return {c.pair for c in candidates for device_id, start, end in windows
                if device_id == c.trigger.device_id and start <= c.trigger.at < end}

    async def _all_at_once(self, ordered: Sequence[Candidate]) -> list[Created]:
        last = await self.cooldowns.lock([c.pair for c in ordered])
        first_time = [c for c in ordered if c.pair not in last]
        again = [c for c in ordered if c.pair in last and _cooled_down(
            last[c.pair], c)]
        claimed = sorted(first_time + again, key=lambda c: c.pair)
        if not claimed:
            await self.session.rollback()
            return []
        await self.cooldowns.insert_many([(*c.pair, c.trigger.at) for c in first_time])
        await self.cooldowns.set_many([(*c.pair, c.trigger.at) for c in again])
        live = await self.alerts.lock_live([c.key for c in claimed])
        await self.alerts.repeat_many([c.trigger for c in claimed if c.key in live])
        new = [c for c in claimed if c.key not in live]
        ids = await self.alerts.insert_many([c.trigger for c in new])
        created = await self._plan([(c, ids[c.key]) for c in new])
        await self.session.commit()
        return created

    async def _retrying(self, candidate: Candidate) -> Created | None:
        for attempt in range(1, PAIR_ATTEMPTS + 1):
            try:
                return await self._one(candidate)
            except OperationalError as exc:
                await self.session.rollback()
                code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
                if code not in RETRYABLE_DB_ERRORS or attempt == PAIR_ATTEMPTS:
                    raise
                log.info("rules.write_conflict_retried", code=code, attempt=attempt)
        return None  # pragma: no cover

    async def _one(self, candidate: Candidate) -> Created | None:
        """Claim the cooldown and raise or repeat the alert, with its deliveries, in one
        transaction."""
        rule_id, device_id = candidate.pair
        if not await self.cooldowns.claim(rule_id, device_id, candidate.trigger.at,
                                          candidate.cooldown_seconds):
            await self.session.rollback()
            return None
        alert_id, created = await self.alerts.raise_or_repeat(candidate.trigger)
        planned = await self._plan([(candidate, alert_id)]) if created else []
        await self.session.commit()
        return planned[0] if planned else None


def _cooled_down(last, candidate: Candidate) -> bool:
    """The same rule as `RuleCooldownRepository.claim`: strictly newer, and out of the
    cooldown (a batch seen twice never counts twice)."""
    at = candidate.trigger.at
    return last < at and last <= at - timedelta(seconds=candidate.cooldown_seconds)
