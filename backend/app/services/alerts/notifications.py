"""Alert notifications: sending the deliveries the outbox planned (`outbox.py`), each on its
own with retries, storm protection, and the sweep that picks up whatever was left behind.

A delivery is sent by whoever takes it (`NotificationRepository.take`, one conditional
UPDATE): the task the alert's writer queued after its commit, or the sweeper when that task
never ran (the queue was down, the worker died). Only one taker wins, and a taken delivery is
held until `next_attempt_at`, so racing workers send one message.

Storm protection is per recipient, decided when a delivery is first taken: once a recipient
has been sent more than NOTIFICATION_DIGEST_THRESHOLD messages within
NOTIFICATION_DIGEST_WINDOW_SECONDS, further alerts are marked `digested` and attached to one
digest delivery, sent when the window that the recent messages opened ends. Only one digest
collects per recipient at a time: its `open_digest_key` is unique."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
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
    EVENT_TEST,
    KIND_ALERT,
    KIND_DIGEST,
    NotificationDelivery,
)
from app.models.whatsapp_template import PURPOSE_RESOLVED
from app.repositories.alert_repo import AlertRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.repositories.notification_repo import NotificationRepository, left_behind
from app.repositories.rule_repo import RuleRepository
from app.repositories.sessions import read_committed_sessions
from app.repositories.webhook_repo import WebhookRepository
from app.services.alerts.messages import AlertFacts, Message, alert_message, digest_message
from app.services.alerts.senders import (
    CHANNEL_WEBHOOK,
    CHANNEL_WHATSAPP,
    DeliveryError,
    senders_for,
)
from app.services.alerts.webhook_payloads import event_name, webhook_body
from app.services.alerts.whatsapp_setup import template_choice
from app.stores.resources import Resources

log = get_logger(__name__)

RETRY_MAX_SECONDS = 3600.0
FINISHED = (DELIVERY_SENT, DELIVERY_FAILED, DELIVERY_DIGESTED, DELIVERY_DELIVERED,
            DELIVERY_READ)
# How long a worker holds a delivery it took: longer than any send (SEND_TIMEOUT_SECONDS
# per attempt), after which another worker may take it over.
HOLD_SECONDS = 120
SWEEP_BATCH = 500
NOT_TAKEN = "not_taken"


def digest_key(factory_id: int, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{factory_id}:{channel}:{recipient}".encode()).hexdigest()


def retry_delay(attempts: int, base_seconds: float) -> float:
    """Exponential backoff: base, 2 x base, 4 x base, ... capped at an hour."""
    return min(RETRY_MAX_SECONDS, base_seconds * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: float | None = None
    # A digest opened by this delivery: (digest id, seconds until it is due).
    digest: tuple[int, float] | None = None


async def sweep_outbox(resources: Resources, now: datetime | None = None
                       ) -> list[tuple[int, int]]:
    """(factory_id, delivery_id) of the deliveries to send again: pending ones older than a
    sweep interval, due retries and lapsed holds, across factories."""
    now = now or datetime.now(UTC)
    grace = timedelta(seconds=resources.settings.notification_sweep_seconds)
    async with read_committed_sessions()() as session:
        found = await left_behind(session, now, now - grace, SWEEP_BATCH)
        await session.rollback()
    if found:
        log.info("notification.swept", count=len(found))
    return found


class NotificationService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.settings = resources.settings
        self.factory_id = factory_id
        self.deliveries = NotificationRepository(session, factory_id)
        self.alerts = AlertRepository(session, factory_id)

    async def send(self, delivery_id: int, now: datetime | None = None) -> SendResult:
        now = now or datetime.now(UTC)
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.status in FINISHED:
            status = delivery.status if delivery else "missing"
            await self.session.rollback()
            return SendResult(status)
        if (delivery.kind == KIND_ALERT and delivery.status == DELIVERY_PENDING
                and delivery.event != EVENT_TEST):
            # A ping checks the endpoint now: in a digest it would prove nothing.
            digested = await self._storm_check(delivery, now)
            if digested is not None:
                return digested
        if delivery.kind == KIND_DIGEST and delivery.open_digest_key is not None:
            # Close the digest as it is taken: what arrives from now on starts a new count.
            await self.deliveries.open_digest(delivery.open_digest_key)
            delivery.open_digest_key = None
            await self.session.flush()
        if not await self.deliveries.take(delivery.id, now,
                                          now + timedelta(seconds=HOLD_SECONDS)):
            # Another worker holds it, or it is not due yet (a retry, a digest).
            await self.session.rollback()
            return SendResult(NOT_TAKEN)
        await self.session.commit()
        try:
            message_id = await self._deliver(delivery)
        except DeliveryError as exc:
            return await self._failed(delivery, exc, now)
        delivery.attempts += 1
        delivery.status = DELIVERY_SENT
        delivery.sent_at = datetime.now(UTC)
        delivery.next_attempt_at = None
        delivery.last_error = None
        delivery.error_code = None
        delivery.provider_message_id = message_id
        await self.session.commit()
        log.info("notification.sent", delivery_id=delivery.id, channel=delivery.channel,
                 kind=delivery.kind, about=delivery.event, step=delivery.step,
                 attempts=delivery.attempts)
        return SendResult(DELIVERY_SENT)

    # -- storms -----------------------------------------------------------------------------
    async def _storm_check(self, delivery: NotificationDelivery, now: datetime
                           ) -> SendResult | None:
        """None when the delivery goes out on its own; otherwise it joined the recipient's
        digest (opened now if needed), and the result says so."""
        key = digest_key(self.factory_id, delivery.channel, delivery.recipient)
        digest = await self.deliveries.open_digest(key)
        scheduled = None
        if digest is None:
            window = timedelta(seconds=self.settings.notification_digest_window_seconds)
            count, oldest = await self.deliveries.recent(delivery.channel, delivery.recipient,
                                                         now - window)
            if count < self.settings.notification_digest_threshold:
                return None
            ends = (oldest or now) + window
            digest, opened = await self._open_digest(delivery, key, now, ends)
            if opened:  # ours to schedule, for the end of the window the recent ones opened
                scheduled = (digest.id, max(0.0, (ends - now).total_seconds()))
        delivery.status = DELIVERY_DIGESTED
        delivery.digest_id = digest.id
        await self.session.commit()
        log.info("notification.digested", delivery_id=delivery.id, digest_id=digest.id)
        return SendResult(DELIVERY_DIGESTED, digest=scheduled)

    async def _open_digest(self, delivery: NotificationDelivery, key: str, now: datetime,
                           due: datetime) -> tuple[NotificationDelivery, bool]:
        """The recipient's collecting digest, opened now if needed: (digest, opened)."""
        try:
            async with self.session.begin_nested():
                digest = self.deliveries.add(NotificationDelivery(
                    alert_id=None, channel=delivery.channel, recipient=delivery.recipient,
                    status=DELIVERY_PENDING, attempts=0, kind=KIND_DIGEST,
                    event=EVENT_RAISED, step=0, open_digest_key=key, next_attempt_at=due,
                    created_at=now, updated_at=now))
            return digest, True
        except IntegrityError:
            existing = await self.deliveries.open_digest(key)
            if existing is None:  # sent in between: the storm check starts again next time
                raise
            return existing, False

    # -- outcomes ---------------------------------------------------------------------------
    async def _failed(self, delivery: NotificationDelivery, exc: DeliveryError,
                      now: datetime) -> SendResult:
        delivery.attempts += 1
        delivery.last_error = exc.reason
        delivery.error_code = exc.code
        retry_in = None
        if exc.transient and delivery.attempts < self.settings.notification_max_attempts:
            delivery.status = DELIVERY_RETRYING
            retry_in = retry_delay(delivery.attempts,
                                   self.settings.notification_retry_base_seconds)
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        else:
            delivery.status = DELIVERY_FAILED
            delivery.next_attempt_at = None
        await self.session.commit()
        log.warning("notification.failed", delivery_id=delivery.id, channel=delivery.channel,
                    attempts=delivery.attempts, transient=exc.transient, retry_in=retry_in,
                    error=exc.reason[:200])
        return SendResult(delivery.status, retry_in)

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
                             public_url, delivery.event, delivery.step)

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
