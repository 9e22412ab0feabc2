"""Alerts as people see them: the list and its badge counts, acknowledging and resolving.
Acknowledging and resolving are events webhook endpoints may subscribe to: their deliveries
are written in the same transaction (the outbox) and queued after the commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, not_found
from app.core.logging import get_logger
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_NOTIFICATION
from app.models.alert import ALERT_OPEN, ALERT_RESOLVED, ALERT_STATUSES, Alert
from app.models.notification import EVENT_ACKNOWLEDGED, EVENT_RESOLVED
from app.models.rule import SEVERITIES
from app.models.user import User
from app.repositories.alert_repo import AlertFilters, AlertRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.rule_repo import RuleRepository
from app.repositories.user_repo import UserRepository
from app.schemas.common import PageParams
from app.services.alerts.outbox import Audience, Outbox, Planned
from app.services.jobs.dispatch import dispatch

log = get_logger(__name__)


def _resolved_conflict(ids: Sequence[int]) -> Conflict:
    return Conflict("A resolved alert cannot be acknowledged.", code="ALERT_RESOLVED",
                    details={"resolved_ids": list(ids)})


class AlertService:
    def __init__(self, session: AsyncSession, factory_id: int,
                 settings: Settings | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.settings = settings
        self.alerts = AlertRepository(session, factory_id)

    async def load(self, alert_id: int) -> Alert:
        alert = await self.alerts.get(alert_id)
        if alert is None:
            raise not_found("alert")
        return alert

    async def search(self, filters: AlertFilters, page: PageParams
                     ) -> tuple[list[dict[str, Any]], int]:
        alerts, total = await self.alerts.list_page(filters, offset=page.offset,
                                                    limit=page.per_page)
        return await self._views(alerts), total

    async def read(self, alert: Alert) -> dict[str, Any]:
        return (await self._views([alert]))[0]

    async def counts(self) -> dict[str, Any]:
        by_status, by_severity = await self.alerts.counts()
        return {
            "open_total": by_status.get("open", 0),
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "by_status": {s: by_status.get(s, 0) for s in ALERT_STATUSES},
        }

    async def acknowledge(self, alert: Alert, user: User) -> dict[str, Any]:
        if alert.status == ALERT_RESOLVED:
            raise _resolved_conflict([alert.id])
        now = datetime.now(UTC)
        changed = [alert.id] if alert.status == ALERT_OPEN else []
        await self.alerts.acknowledge([alert], user.id, now)
        queued = await self._tell_endpoints(changed, EVENT_ACKNOWLEDGED, now)
        await self.session.commit()
        await self._queue(queued)
        log.info("alert.acknowledged", alert_id=alert.id)
        return await self.read(alert)

    async def acknowledge_many(self, ids: Sequence[int], user: User) -> list[dict[str, Any]]:
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
        now = datetime.now(UTC)
        changed = [a.id for a in alerts if a.status == ALERT_OPEN]
        await self.alerts.acknowledge(alerts, user.id, now)
        queued = await self._tell_endpoints(changed, EVENT_ACKNOWLEDGED, now)
        await self.session.commit()
        await self._queue(queued)
        log.info("alert.acknowledged_many", count=len(alerts))
        order = {alert_id: index for index, alert_id in enumerate(ids)}
        return await self._views(sorted(alerts, key=lambda a: order[a.id]))

    async def resolve(self, alert: Alert, user: User) -> dict[str, Any]:
        if alert.status != ALERT_RESOLVED:
            now = datetime.now(UTC)
            self.alerts.resolve(alert, user.id, now)
            queued = await self._tell_endpoints([alert.id], EVENT_RESOLVED, now)
            await self.session.commit()
            await self._queue(queued)
            log.info("alert.resolved", alert_id=alert.id)
        return await self.read(alert)

    async def _tell_endpoints(self, alert_ids: Sequence[int], event: str, now: datetime
                              ) -> list[int]:
        """The deliveries of `event` to the webhook endpoints subscribed to it, in the
        caller's transaction (people hear of these events through escalation and resolve
        notifications, not here)."""
        if not alert_ids:
            return []
        return await Outbox(self.session, self.factory_id).plan(
            [Planned(alert_id, Audience.of(None, None), event=event)
             for alert_id in alert_ids], now)

    async def _queue(self, delivery_ids: Sequence[int]) -> None:
        # After the commit; a delivery the queue does not take is sent by the outbox sweep.
        if self.settings is None:
            return
        for delivery_id in delivery_ids:
            if not await dispatch(self.settings, SEND_NOTIFICATION, QUEUE_NOTIFICATIONS,
                                  [self.factory_id, delivery_id]):
                break

    async def _views(self, alerts: Sequence[Alert]) -> list[dict[str, Any]]:
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


def alert_view(alert: Alert, rule_name: str | None, device_name: str | None,
               people: dict[int, str]) -> dict[str, Any]:
    return {
        "id": alert.id,
        "rule_id": alert.rule_id,
        "rule_name": rule_name,
        "device_id": alert.device_id,
        "device_name": device_name,
        "severity": alert.severity,
        "title": alert.title,
        "message": alert.message,
        "values": alert.values or {},
        "status": alert.status,
        "trigger_count": alert.trigger_count,
        "triggered_at": alert.triggered_at,
        "last_triggered_at": alert.last_triggered_at,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_by_name": people.get(alert.acknowledged_by),
        "acknowledged_at": alert.acknowledged_at,
        "resolved_by": alert.resolved_by,
        "resolved_by_name": people.get(alert.resolved_by),
        "resolved_at": alert.resolved_at,
        "created_at": alert.created_at,
        "updated_at": alert.updated_at,
    }
