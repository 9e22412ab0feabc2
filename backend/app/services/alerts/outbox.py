"""The outbox: the deliveries of an alert are rows written in the same transaction as the
alert itself (or as its escalation or resolution), so an alert never exists without them,
whatever happens to the queue afterwards. Sending them is a separate step
(`NotificationService.send`) that the writer asks for after its commit and the sweeper
repeats for anything left behind.

The factory's webhook endpoints hear of every event they subscribe to, whatever the rule's
channels. Each row carries a unique key of alert, event, step, channel and recipient: planning the
same message twice (a retried task, two racing workers) adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.notification import (
    DELIVERY_PENDING,
    EVENT_RAISED,
    KIND_ALERT,
    delivery_key,
)
from app.models.user import User
from app.models.webhook import WebhookEndpoint
from app.repositories.notification_repo import NotificationRepository, RecipientRepository
from app.repositories.webhook_repo import WebhookRepository
from app.services.alerts.senders import CHANNEL_EMAIL, CHANNEL_WEBHOOK, CHANNEL_WHATSAPP, CHANNELS


@dataclass(frozen=True)
class Audience:
    """Who a rule (or one escalation step of it) notifies: its channels and recipients as
    the rule stores them."""

    channels: tuple[str, ...]
    recipients: Mapping[str, Any]

    @classmethod
    def of(cls, channels: Iterable[str] | None, recipients: Mapping[str, Any] | None
           ) -> Audience:
        return cls(tuple(channels or ()), dict(recipients or {}))

    def __bool__(self) -> bool:
        return bool(self.channels)


@dataclass(frozen=True)
class Planned:
    """One message to plan: about which alert, what it says (event and step), to whom."""

    alert_id: int
    audience: Audience
    event: str = EVENT_RAISED
    step: int = 0


def recipients_of(audience: Audience, users: Sequence[User]) -> list[tuple[str, str]]:
    """(channel, address) pairs, without duplicates: users by permission and by id (active
    ones; super admins hold every permission), then explicit addresses."""
    wanted = audience.recipients
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
        if channel not in audience.channels:
            continue
        seen = set()
        for address in addresses.get(channel, []):
            folded = address.strip().lower()
            if folded and folded not in seen:
                seen.add(folded)
                pairs.append((channel, address.strip()))
    return pairs


class Outbox:
    """Adds delivery rows to the caller's transaction; the caller commits."""

    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.factory_id = factory_id
        self.deliveries = NotificationRepository(session, factory_id)
        self._users: list[User] | None = None
        self._endpoints: dict[str, list[WebhookEndpoint]] = {}

    async def plan(self, messages: Sequence[Planned], now: datetime) -> list[int]:
        """The ids of the pending deliveries of these messages, to send after the commit."""
        rows = []
        for message in messages:
            if message.audience:
                for channel, recipient in recipients_of(message.audience,
                                                        await self._people()):
                    rows.append(_row(message, channel, recipient, None, now))
            for endpoint in await self._subscribed(message.event):
                rows.append(_row(message, CHANNEL_WEBHOOK, endpoint.name, endpoint.id, now))
        return await self.deliveries.insert_planned(rows)

    async def _subscribed(self, event: str) -> list[WebhookEndpoint]:
        if event not in self._endpoints:
            self._endpoints[event] = await WebhookRepository(
                self.session, self.factory_id).subscribed(event)
        return self._endpoints[event]

    async def _people(self) -> list[User]:
        # Read once per transaction: a batch raising fifty alerts asks for the users once.
        if self._users is None:
            self._users = await RecipientRepository(self.session,
                                                    self.factory_id).active_users()
        return self._users


def _row(message: Planned, channel: str, recipient: str, webhook_id: int | None,
         now: datetime) -> dict[str, Any]:
    # An endpoint is keyed by its id: renaming it must not make a second message.
    address = f"#{webhook_id}" if webhook_id is not None else recipient
    return {
        "alert_id": message.alert_id, "channel": channel, "recipient": recipient,
        "webhook_id": webhook_id, "status": DELIVERY_PENDING, "attempts": 0,
        "kind": KIND_ALERT, "event": message.event, "step": message.step,
        "dedupe_key": delivery_key(message.alert_id, message.event, message.step, channel,
                                   address),
        "created_at": now, "updated_at": now}
