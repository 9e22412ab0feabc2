"""Alerts as people see them: the list and its badge counts, acknowledging, resolving and
snoozing (each recorded on the alert's timeline, with the notifications it causes written in
the same transaction), the timeline itself, and the factory's stream of alert events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, not_found
from app.core.logging import get_logger
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_NOTIFICATION
from app.models.alert import (
    ALERT_OPEN,
    ALERT_RESOLVED,
    ALERT_STATUSES,
    EVENT_ACKNOWLEDGED,
    EVENT_RESOLVED,
    EVENT_SNOOZED,
    Alert,
    AlertEvent,
)
from app.models.rule import SEVERITIES
from app.models.user import User
from app.repositories.alert_event_repo import AlertEventRepository
from app.repositories.alert_repo import AlertFilters, AlertRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.notification_repo import NotificationRepository
from app.repositories.rule_repo import RuleRepository
from app.repositories.user_repo import UserRepository
from app.schemas.alert import (
    AlertCounts,
    AlertEventRead,
    AlertRead,
    AlertStreamEvent,
    AlertTimeline,
)
from app.schemas.common import PageParams
from app.schemas.notification import DeliveryRead
from app.services.alerts.outbox import Audience, Outbox, Planned
from app.services.audit.service import AuditService
from app.services.jobs.dispatch import dispatch

log = get_logger(__name__)

STREAM_BATCH = 100


def _resolved_conflict(ids: Sequence[int]) -> Conflict:
    return Conflict("A resolved alert cannot be acknowledged.", code="ALERT_RESOLVED",
                    details={"resolved_ids": list(ids)})


class AlertService:
    def __init__(self, session: AsyncSession, factory_id: int, settings: Settings, *,
                 client_ip: str | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.settings = settings
        self.client_ip = client_ip
        self.alerts = AlertRepository(session, factory_id)
        self.events = AlertEventRepository(session, factory_id)

    async def load(self, alert_id: int) -> Alert:
        alert = await self.alerts.get(alert_id)
        if alert is None:
            raise not_found("alert")
        return alert

    async def search(self, filters: AlertFilters, page: PageParams
                     ) -> tuple[list[AlertRead], int]:
        alerts, total = await self.alerts.list_page(filters, offset=page.offset,
                                                    limit=page.per_page)
        return await self._views(alerts), total

    async def read(self, alert: Alert) -> AlertRead:
        return (await self._views([alert]))[0]

    async def counts(self) -> AlertCounts:
        by_status, by_severity = await self.alerts.counts()
        return AlertCounts(
            open_total=by_status.get(ALERT_OPEN, 0),
            by_severity={s: by_severity.get(s, 0) for s in SEVERITIES},
            by_status={s: by_status.get(s, 0) for s in ALERT_STATUSES})

    # -- what people do ---------------------------------------------------------------------
    async def acknowledge(self, alert: Alert, user: User) -> AlertRead:
        if alert.status == ALERT_RESOLVED:
            raise _resolved_conflict([alert.id])
        await self._acknowledge([alert], user)
        log.info("alert.acknowledged", alert_id=alert.id)
        return await self.read(alert)

    async def acknowledge_many(self, ids: Sequence[int], user: User) -> list[AlertRead]:
        alerts = await self.alerts.get_many(ids)
        found = {a.id for a in alerts}
        missing = [i for i in ids if i not in found]
        if missing:
            # All or nothing: nothing has been changed yet.
            error = not_found("alert")
            error.details = {"missing_ids": missing}
            raise error
        resolved = [a.id for a in alerts if a.status == ALERT_RESOLVED]
        if resolved:
            raise _resolved_conflict(resolved)
        await self._acknowledge(alerts, user)
        log.info("alert.acknowledged_many", count=len(alerts))
        order = {alert_id: index for index, alert_id in enumerate(ids)}
        return await self._views(sorted(alerts, key=lambda a: order[a.id]))

    async def _acknowledge(self, alerts: Sequence[Alert], user: User) -> None:
        now = datetime.now(UTC)
        changing = [a for a in alerts if a.status == ALERT_OPEN]
        await self.alerts.acknowledge(changing, user.id, now)
        await self.events.add_many([{"alert_id": a.id, "kind": EVENT_ACKNOWLEDGED, "at": now,
                                     "actor_id": user.id} for a in changing])
        # Webhook endpoints that asked to hear of acknowledgements.
        ids = await Outbox(self.session, self.factory_id).plan(
            [Planned(a.id, Audience((), {}), EVENT_ACKNOWLEDGED)
             for a in changing if not a.muted], now)
        await self.session.commit()
        await self._send(ids)

    async def resolve(self, alert: Alert, user: User) -> AlertRead:
        if alert.status != ALERT_RESOLVED:
            now = datetime.now(UTC)
            self.alerts.resolve(alert, user.id, now)
            await self.events.add_many([{"alert_id": alert.id, "kind": EVENT_RESOLVED,
                                         "at": now, "actor_id": user.id}])
            ids = [] if alert.muted else await Outbox(self.session, self.factory_id).plan(
                [Planned(alert.id, await self._resolve_audience(alert), EVENT_RESOLVED)],
                now)
            await self.session.commit()
            await self._send(ids)
            log.info("alert.resolved", alert_id=alert.id)
        return await self.read(alert)

    async def snooze(self, alert: Alert, minutes: int, user: User) -> AlertRead:
        """No escalation rounds for a while; audited."""
        if alert.status != ALERT_OPEN:
            raise Conflict("Only an open alert can be snoozed.", code="ALERT_NOT_OPEN",
                           details={"status": alert.status})
        now = datetime.now(UTC)
        alert.snoozed_until = now + timedelta(minutes=minutes)
        await self.events.add_many([{
            "alert_id": alert.id, "kind": EVENT_SNOOZED, "at": now, "actor_id": user.id,
            "details": {"until": alert.snoozed_until.isoformat(), "minutes": minutes}}])
        AuditService(self.session, self.factory_id).record(
            user.id, "alert.snoozed", "alert", alert.id,
            {"minutes": minutes, "until": alert.snoozed_until.isoformat()}, self.client_ip)
        await self.session.commit()
        log.info("alert.snoozed", alert_id=alert.id, minutes=minutes)
        return await self.read(alert)

    async def _resolve_audience(self, alert: Alert) -> Audience:
        rule = (await RuleRepository(self.session, self.factory_id).get(alert.rule_id)
                if alert.rule_id else None)
        if rule is None or not rule.notify_on_resolve:
            return Audience((), {})
        return Audience.of(rule.channels, rule.recipients)

    async def _send(self, delivery_ids: Sequence[int]) -> None:
        """Queue what the commit put in the outbox; the sweep sends whatever this misses."""
        for delivery_id in delivery_ids:
            if not await dispatch(self.settings, SEND_NOTIFICATION, QUEUE_NOTIFICATIONS,
                                  [self.factory_id, delivery_id]):
                break

    # -- the timeline and the stream --------------------------------------------------------
    async def timeline(self, alert: Alert) -> AlertTimeline:
        events = await self.events.for_alert(alert.id)
        deliveries = await NotificationRepository(self.session, self.factory_id).for_alerts(
            [alert.id])
        names = await UserRepository(self.session, self.factory_id).display_names(
            [e.actor_id for e in events])
        return AlertTimeline(
            events=[_event_read(e, names) for e in events],
            deliveries=[DeliveryRead.model_validate(d) for d in deliveries])

    async def last_event_id(self) -> int:
        return await self.events.last_id()

    async def events_after(self, last_id: int) -> list[AlertStreamEvent]:
        events = await self.events.after(last_id, STREAM_BATCH)
        if not events:
            await self.session.rollback()
            return []
        alerts = {a.id: a for a in await self.alerts.get_many(
            sorted({e.alert_id for e in events}))}
        views = {v.id: v for v in await self._views(list(alerts.values()))}
        found = [AlertStreamEvent(id=e.id, kind=e.kind, alert=views[e.alert_id])
                 for e in events if e.alert_id in views]
        await self.session.rollback()  # a fresh snapshot for the next poll
        return found

    async def _views(self, alerts: Sequence[Alert]) -> list[AlertRead]:
        if not alerts:
            return []
        rule_names = await RuleRepository(self.session, self.factory_id).names(
            a.rule_id for a in alerts)
        devices = await DeviceRepository(self.session, self.factory_id).get_many(
            sorted({a.device_id for a in alerts if a.device_id is not None}))
        device_names = {d.id: d.name for d in devices}
        people = await UserRepository(self.session, self.factory_id).display_names(
            [a.acknowledged_by for a in alerts] + [a.resolved_by for a in alerts])
        return [alert_view(a, rule_names.get(a.rule_id), device_names.get(a.device_id), people)
                for a in alerts]


def _event_read(event: AlertEvent, names: dict[int, str]) -> AlertEventRead:
    return AlertEventRead(id=event.id, alert_id=event.alert_id, kind=event.kind, at=event.at,
                          actor_id=event.actor_id, actor_name=names.get(event.actor_id),
                          details=event.details or {})


def alert_view(alert: Alert, rule_name: str | None, device_name: str | None,
               people: dict[int, str]) -> AlertRead:
    return AlertRead(
        id=alert.id, rule_id=alert.rule_id, rule_name=rule_name, device_id=alert.device_id,
        device_name=device_name, severity=alert.severity, title=alert.title,
        message=alert.message, values=alert.values or {}, status=alert.status,
        trigger_count=alert.trigger_count, triggered_at=alert.triggered_at,
        last_triggered_at=alert.last_triggered_at, acknowledged_by=alert.acknowledged_by,
        acknowledged_by_name=people.get(alert.acknowledged_by),
        acknowledged_at=alert.acknowledged_at, resolved_by=alert.resolved_by,
        resolved_by_name=people.get(alert.resolved_by), resolved_at=alert.resolved_at,
        muted=bool(alert.muted), snoozed_until=alert.snoozed_until,
        escalation_step=alert.escalation_step or 0,
        next_escalation_at=alert.next_escalation_at, created_at=alert.created_at,
        updated_at=alert.updated_at)
