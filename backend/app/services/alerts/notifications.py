"""Alert notifications: who gets one, one delivery row per (alert, channel, recipient), each
sent on its own with retries, and storm protection.

Storm protection is per recipient: once a recipient has been sent more than
NOTIFICATION_DIGEST_THRESHOLD messages within NOTIFICATION_DIGEST_WINDOW_SECONDS, further
alerts are marked `digested` and attached to one digest delivery, sent when the window that
the recent messages opened ends. Only one digest collects per recipient at a time: its
`open_digest_key` is unique."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.logging import get_logger
from app.models.alert import Alert
from app.models.notification import (
    DELIVERY_DELIVERED,
    DELIVERY_DIGESTED,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_READ,
    DELIVERY_RETRYING,
    DELIVERY_SENT,
    EVENT_RAISED,
    EVENT_RESOLVED,
    KIND_ALERT,
    KIND_DIGEST,
    NotificationDelivery,
)
from app.models.rule import Rule
from app.models.whatsapp_template import PURPOSE_RESOLVED
from app.repositories.alert_repo import AlertRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.repositories.notification_repo import NotificationRepository, RecipientRepository
from app.repositories.rule_repo import RuleRepository
from app.repositories.webhook_repo import WebhookRepository
from app.services.alerts.messages import AlertFacts, Message, alert_message, digest_message
from app.services.alerts.senders import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    CHANNEL_WHATSAPP,
    CHANNELS,
    DeliveryError,
    senders_for,
)
from app.services.alerts.webhook_payloads import event_name, webhook_body
from app.services.alerts.webhooks import add_webhook_deliveries
from app.services.alerts.whatsapp_setup import template_choice
from app.stores.resources import Resources

log = get_logger(__name__)

RETRY_MAX_SECONDS = 3600.0
FINISHED = (DELIVERY_SENT, DELIVERY_FAILED, DELIVERY_DIGESTED, DELIVERY_DELIVERED,
            DELIVERY_READ)


def digest_key(factory_id: int, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{factory_id}:{channel}:{recipient}".encode()).hexdigest()


def retry_delay(attempts: int, base_seconds: float) -> float:
    """Exponential backoff: base, 2 x base, 4 x base, ... capped at an hour."""
    return min(RETRY_MAX_SECONDS, base_seconds * 2 ** max(0, attempts - 1))


@dataclass
class Dispatch:
    """What to send now, and which digests to send later (delivery id, seconds from now)."""

    send_now: list[int] = field(default_factory=list)
    later: list[tuple[int, float]] = field(default_factory=list)


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: float | None = None


def rule_recipients(rule: Rule, users: list) -> list[tuple[str, str]]:
    """(channel, address) pairs for a rule, without duplicates: users by permission and by
    id (active ones; super admins hold every permission), then explicit addresses."""
    wanted = rule.recipients or {}
    permissions = wanted.get("user_permissions") or []
    user_ids = set(wanted.get("user_ids") or [])
    chosen = [u for u in users if u.id in user_ids
              or any(u.has_permission(p) for p in permissions)]
    addresses: dict[str, list[str]] = {
        CHANNEL_EMAIL: [u.email for u in chosen] + list(wanted.get("emails") or []),
        CHANNEL_WHATSAPP: [u.phone for u in chosen if u.phone]
        + list(wanted.get("phones") or []),
    }
    pairs = []
    for channel in CHANNELS:
        if channel not in (rule.channels or []):
            continue
        seen = set()
        for address in addresses[channel]:
            folded = address.strip().lower()
            if folded and folded not in seen:
                seen.add(folded)
                pairs.append((channel, address.strip()))
    return pairs


class NotificationService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.settings = resources.settings
        self.factory_id = factory_id
        self.deliveries = NotificationRepository(session, factory_id)
        self.alerts = AlertRepository(session, factory_id)

    # -- planning ---------------------------------------------------------------------------
    async def plan(self, alert_id: int, now: datetime | None = None) -> Dispatch:
        """Create the deliveries of a new alert. Safe to run twice: an alert that already has
        deliveries gets no new ones (a redelivered task sends what is still pending)."""
        now = now or datetime.now(UTC)
        dispatch = Dispatch()
        alert = await self.alerts.get(alert_id)
        if alert is None or alert.rule_id is None:
            return dispatch
        existing = await self.deliveries.for_alert(alert_id)
        if existing:
            dispatch.send_now = [d.id for d in existing if d.status == DELIVERY_PENDING]
            await self.session.rollback()
            return dispatch
        # The factory's webhook endpoints hear of every alert, whatever the rule's channels.
        for delivery in await add_webhook_deliveries(self.session, self.factory_id, alert_id,
                                                     EVENT_RAISED, now):
            dispatch.send_now.append(delivery.id)
        rule = await RuleRepository(self.session, self.factory_id).get(alert.rule_id)
        if rule is None or not rule.channels:
            await self.session.commit()
            return dispatch
        users = await RecipientRepository(self.session, self.factory_id).active_users()
        for channel, recipient in rule_recipients(rule, users):
            await self._plan_one(alert, channel, recipient, now, dispatch)
        await self.session.commit()
        log.info("notification.planned", alert_id=alert_id, now=len(dispatch.send_now),
                 digests=len(dispatch.later))
        return dispatch

    async def _plan_one(self, alert: Alert, channel: str, recipient: str, now: datetime,
                        dispatch: Dispatch) -> None:
        key = digest_key(self.factory_id, channel, recipient)
        digest = await self.deliveries.open_digest(key)
        if digest is None:
            window = timedelta(seconds=self.settings.notification_digest_window_seconds)
            count, oldest = await self.deliveries.recent(channel, recipient, now - window)
            if count < self.settings.notification_digest_threshold:
                delivery = self._add(alert.id, channel, recipient, DELIVERY_PENDING, now)
                await self.session.flush()
                dispatch.send_now.append(delivery.id)
                return
            digest, opened = await self._open_digest(channel, recipient, key, now)
            if opened:  # ours to schedule, for the end of the window the recent ones opened
                ends = (oldest or now) + window
                dispatch.later.append((digest.id, max(0.0, (ends - now).total_seconds())))
        delivery = self._add(alert.id, channel, recipient, DELIVERY_DIGESTED, now)
        delivery.digest_id = digest.id
        await self.session.flush()

    async def _open_digest(self, channel: str, recipient: str, key: str, now: datetime
                           ) -> tuple[NotificationDelivery, bool]:
        """The recipient's collecting digest, opened now if needed: (digest, opened)."""
        try:
            async with self.session.begin_nested():
                digest = self._add(None, channel, recipient, DELIVERY_PENDING, now)
                digest.kind = KIND_DIGEST
                digest.open_digest_key = key
            return digest, True
        except IntegrityError:
            existing = await self.deliveries.open_digest(key)
            if existing is None:  # sent in between: the storm check starts again next time
                raise
            return existing, False

    def _add(self, alert_id: int | None, channel: str, recipient: str, status: str,
             now: datetime) -> NotificationDelivery:
        return self.deliveries.add(NotificationDelivery(
            alert_id=alert_id, channel=channel, recipient=recipient, status=status,
            attempts=0, kind=KIND_ALERT, created_at=now, updated_at=now))

    # -- sending ----------------------------------------------------------------------------
    async def send(self, delivery_id: int) -> SendResult:
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.status in FINISHED:
            status = delivery.status if delivery else "missing"
            await self.session.rollback()
            return SendResult(status)
        if delivery.kind == KIND_DIGEST and delivery.open_digest_key is not None:
            # Close the digest first: what arrives from now on starts a new count.
            await self.deliveries.open_digest(delivery.open_digest_key)
            delivery.open_digest_key = None
            await self.session.commit()
        try:
            message_id = await self._deliver(delivery)
        except DeliveryError as exc:
            return await self._failed(delivery, exc)
        delivery.attempts += 1
        delivery.status = DELIVERY_SENT
        delivery.sent_at = datetime.now(UTC)
        delivery.last_error = None
        delivery.error_code = None
        delivery.provider_message_id = message_id
        await self.session.commit()
        log.info("notification.sent", delivery_id=delivery.id, channel=delivery.channel,
                 kind=delivery.kind, attempts=delivery.attempts)
        return SendResult(DELIVERY_SENT)

    async def _deliver(self, delivery: NotificationDelivery) -> str | None:
        """Send one delivery; the provider's message id where it gives one."""
        senders = senders_for(self.resources)
        if delivery.channel == CHANNEL_WEBHOOK:
            await self._send_webhook(delivery)
            return None
        message = await self._message(delivery)
        if delivery.event == EVENT_RESOLVED:
            message = replace(message, purpose=PURPOSE_RESOLVED)
        template = None
        if delivery.channel == CHANNEL_WHATSAPP:
            template = await template_choice(self.session, self.factory_id, message)
        return await senders.send(delivery.channel, delivery.recipient, message, template)

    async def _send_webhook(self, delivery: NotificationDelivery) -> None:
        endpoint = (await WebhookRepository(self.session, self.factory_id).get(
            delivery.webhook_id) if delivery.webhook_id else None)
        if endpoint is None:
            raise DeliveryError("the webhook endpoint was removed", transient=False)
        if not endpoint.is_active:
            raise DeliveryError("the webhook endpoint is disabled", transient=False,
                                code="DISABLED")
        factory = await FactoryRepository(self.session).get(self.factory_id)
        factory_name = factory.name if factory else ""
        facts = None
        if delivery.alert_id is not None:
            alert = await self.alerts.get(delivery.alert_id)
            if alert is None:
                raise DeliveryError("the alert no longer exists", transient=False)
            facts = (await self._facts([alert], factory_name,
                                       factory.timezone if factory else "UTC"))[0]
        body = webhook_body(endpoint.format, delivery_id=delivery.id, event=delivery.event,
                            occurred_at=delivery.created_at, factory_id=self.factory_id,
                            factory_name=factory_name, facts=facts,
                            public_url=self.settings.public_url)
        await senders_for(self.resources).webhooks.send(
            endpoint, delivery_id=delivery.id, event=event_name(delivery.event), body=body)

    async def _failed(self, delivery: NotificationDelivery, exc: DeliveryError) -> SendResult:
        delivery.attempts += 1
        delivery.last_error = exc.reason
        delivery.error_code = exc.code
        retry_in = None
        if exc.transient and delivery.attempts < self.settings.notification_max_attempts:
            delivery.status = DELIVERY_RETRYING
            retry_in = retry_delay(delivery.attempts,
                                   self.settings.notification_retry_base_seconds)
        else:
            delivery.status = DELIVERY_FAILED
        await self.session.commit()
        log.warning("notification.failed", delivery_id=delivery.id, channel=delivery.channel,
                    attempts=delivery.attempts, transient=exc.transient, retry_in=retry_in,
                    error=exc.reason[:200])
        return SendResult(delivery.status, retry_in)

    async def _message(self, delivery: NotificationDelivery) -> Message:
        factory = await FactoryRepository(self.session).get(self.factory_id)
        factory_name = factory.name if factory else "your factory"
        timezone = factory.timezone if factory else "UTC"
        public_url = self.settings.public_url
        if delivery.kind == KIND_DIGEST:
            parts = await self.deliveries.for_digest(delivery.id)
            alerts = await self.alerts.get_many([p.alert_id for p in parts if p.alert_id])
            facts = await self._facts(sorted(alerts, key=lambda a: a.triggered_at),
                                      factory_name, timezone)
            return digest_message(facts, factory_name, timezone,
                                  self.settings.notification_digest_window_seconds,
                                  public_url)
        alert = await self.alerts.get(delivery.alert_id) if delivery.alert_id else None
        if alert is None:
            raise DeliveryError("the alert no longer exists", transient=False)
        return alert_message((await self._facts([alert], factory_name, timezone))[0],
                             public_url)

    async def _facts(self, alerts: list[Alert], factory_name: str, timezone: str
                     ) -> list[AlertFacts]:
        rule_names = await RuleRepository(self.session, self.factory_id).names(
            a.rule_id for a in alerts)
        devices = await DeviceRepository(self.session, self.factory_id).get_many(
            sorted({a.device_id for a in alerts if a.device_id is not None}))
        names: dict[Any, str] = {d.id: d.name for d in devices}
        return [AlertFacts(
            alert_id=a.id, title=a.title, message=a.message, severity=a.severity,
            status=a.status, rule_name=rule_names.get(a.rule_id), device_id=a.device_id,
            device_name=names.get(a.device_id), values=a.values or {},
            triggered_at=a.triggered_at, factory_name=factory_name, timezone=timezone,
            rule_id=a.rule_id, acknowledged_at=a.acknowledged_at, resolved_at=a.resolved_at)
            for a in alerts]
