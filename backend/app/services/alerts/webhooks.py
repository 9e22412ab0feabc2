"""Webhook endpoints: a super admin adds, changes, tests and removes them. Every alert event
an endpoint subscribes to becomes a delivery row written with the event (app.services.alerts
.outbox), sent and retried like any other notification."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, ValidationFailed, not_found
from app.core.logging import get_logger
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_NOTIFICATION
from app.models.notification import (
    DELIVERY_PENDING,
    EVENT_TEST,
    KIND_ALERT,
    NotificationDelivery,
)
from app.models.webhook import WebhookEndpoint
from app.repositories.notification_repo import NotificationRepository
from app.repositories.webhook_repo import WebhookRepository
from app.schemas.notification import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)
from app.services.alerts import webhook_signing
from app.services.alerts.destinations import DestinationRefused, resolve
from app.services.alerts.senders import CHANNEL_WEBHOOK
from app.services.audit.service import AuditService
from app.services.jobs.dispatch import dispatch

log = get_logger(__name__)


def webhook_read(endpoint: WebhookEndpoint) -> WebhookRead:
    return WebhookRead(
        id=endpoint.id, name=endpoint.name, url=endpoint.url, events=list(endpoint.events),
        format=endpoint.format, is_active=endpoint.is_active,
        secret_hint="…" + endpoint.secret[-4:], created_at=endpoint.created_at,
        updated_at=endpoint.updated_at)


def webhook_delivery(factory_id: int, endpoint: WebhookEndpoint, alert_id: int | None,
                     event: str, now: datetime) -> NotificationDelivery:
    return NotificationDelivery(
        factory_id=factory_id, alert_id=alert_id, channel=CHANNEL_WEBHOOK,
        recipient=endpoint.name, webhook_id=endpoint.id, event=event,
        status=DELIVERY_PENDING, attempts=0, kind=KIND_ALERT, created_at=now, updated_at=now)


class WebhookService:
    def __init__(self, session: AsyncSession, settings: Settings, factory_id: int, *,
                 actor_id: int | None = None, client_ip: str | None = None) -> None:
        self.session = session
        self.settings = settings
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.endpoints = WebhookRepository(session, factory_id)
        self.audit = AuditService(session, factory_id)

    async def load(self, webhook_id: int) -> WebhookEndpoint:
        endpoint = await self.endpoints.get(webhook_id)
        if endpoint is None:
            raise not_found("webhook")
        return endpoint

    def read(self, endpoint: WebhookEndpoint) -> WebhookRead:
        return webhook_read(endpoint)

    async def list(self) -> list[WebhookRead]:
        return [webhook_read(e) for e in await self.endpoints.all()]

    async def create(self, body: WebhookCreate) -> WebhookCreated:
        await self._check_destination(body.url)
        await self._check_name(body.name)
        endpoint = self.endpoints.add(WebhookEndpoint(
            name=body.name, url=body.url, secret=webhook_signing.new_secret(),
            events=list(body.events), format=body.format, is_active=body.is_active))
        await self.session.flush()
        self.audit.record(self.actor_id, "webhook.created", "webhook", endpoint.id,
                          {"name": body.name, "events": list(body.events),
                           "format": body.format}, self.client_ip)
        await self.session.commit()
        log.info("webhook.created", webhook_id=endpoint.id)
        return WebhookCreated(**webhook_read(endpoint).model_dump(), secret=endpoint.secret)

    async def update(self, endpoint: WebhookEndpoint, body: WebhookUpdate) -> WebhookRead:
        changes = body.model_dump(exclude_unset=True)
        for required in ("name", "url", "events", "format", "is_active"):
            if required in changes and changes[required] is None:
                raise ValidationFailed(f"{required} cannot be null",
                                       details={"field": required})
        if "url" in changes and changes["url"] != endpoint.url:
            await self._check_destination(changes["url"])
        if "name" in changes and changes["name"] != endpoint.name:
            await self._check_name(changes["name"], other_than=endpoint.id)
        for name, value in changes.items():
            setattr(endpoint, name, list(value) if name == "events" else value)
        self.audit.record(self.actor_id, "webhook.updated", "webhook", endpoint.id,
                          {k: v for k, v in changes.items() if k != "url"}
                          | ({"url_changed": True} if "url" in changes else {}),
                          self.client_ip)
        await self.session.commit()
        return webhook_read(endpoint)

    async def rotate_secret(self, endpoint: WebhookEndpoint) -> WebhookCreated:
        endpoint.secret = webhook_signing.new_secret()
        self.audit.record(self.actor_id, "webhook.secret_rotated", "webhook", endpoint.id,
                          {"name": endpoint.name}, self.client_ip)
        await self.session.commit()
        return WebhookCreated(**webhook_read(endpoint).model_dump(), secret=endpoint.secret)

    async def delete(self, endpoint: WebhookEndpoint) -> None:
        self.audit.record(self.actor_id, "webhook.deleted", "webhook", endpoint.id,
                          {"name": endpoint.name}, self.client_ip)
        await self.session.delete(endpoint)
        await self.session.commit()

    async def send_test(self, endpoint: WebhookEndpoint) -> DeliveryRead:
        """A ping delivery (event "test", no alert), sent by the notifications worker."""
        delivery = NotificationRepository(self.session, self.factory_id).add(
            webhook_delivery(self.factory_id, endpoint, None, EVENT_TEST, datetime.now(UTC)))
        await self.session.commit()
        await dispatch(self.settings, SEND_NOTIFICATION, QUEUE_NOTIFICATIONS,
                       [self.factory_id, delivery.id])
        return DeliveryRead.model_validate(delivery)

    async def _check_destination(self, url: str) -> None:
        try:
            await resolve(url, allow_private=self.settings.webhook_allow_private_destinations)
        except DestinationRefused as exc:
            raise ValidationFailed(exc.reason, code=exc.code, details={"field": "url"}) from exc

    async def _check_name(self, name: str, *, other_than: int | None = None) -> None:
        if await self.endpoints.name_taken(name, other_than=other_than):
            raise Conflict("Another webhook endpoint has this name.",
                           code="WEBHOOK_NAME_TAKEN")
