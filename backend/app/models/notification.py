from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

# pending: in the outbox, not yet taken; sending: a worker holds it until `next_attempt_at`
# (a worker that died lets go when that passes); retrying: waits for `next_attempt_at`.
DELIVERY_PENDING = "pending"
DELIVERY_SENDING = "sending"
DELIVERY_SENT = "sent"
DELIVERY_RETRYING = "retrying"
DELIVERY_FAILED = "failed"
DELIVERY_DIGESTED = "digested"
# Reported later by the WhatsApp provider's status callbacks: "sent" only means the provider
# accepted the message.
DELIVERY_DELIVERED = "delivered"
DELIVERY_READ = "read"

KIND_ALERT = "alert"
KIND_DIGEST = "digest"

# What happened to the alert a delivery tells of. Webhook endpoints choose the events they
# receive; "test" is the ping an admin sends to check an endpoint.
EVENT_RAISED = "raised"
EVENT_ACKNOWLEDGED = "acknowledged"
EVENT_RESOLVED = "resolved"
EVENT_ESCALATED = "escalated"
EVENT_TEST = "test"
WEBHOOK_EVENTS = (EVENT_RAISED, EVENT_ACKNOWLEDGED, EVENT_RESOLVED, EVENT_ESCALATED)


def delivery_key(alert_id: int, event: str, step: int, channel: str, recipient: str) -> str:
    """One message per alert, event, step and recipient: the unique `dedupe_key`."""
    text = f"{alert_id}:{event}:{step}:{channel}:{recipient.strip().lower()}"
    return hashlib.sha256(text.encode()).hexdigest()


class NotificationDelivery(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "notification_deliveries"
    __table_args__ = (
        # The storm check counts what one recipient was sent recently.
        Index("ix_notification_deliveries_recipient_created_at", "factory_id", "channel",
              "recipient", "created_at"),
        # Status callbacks name the provider's message id, never our factory.
        Index("ix_notification_deliveries_provider_message_id", "provider_message_id"),
        # The sweeper looks across factories for deliveries left behind, by status and due
        # time.
        Index("ix_notification_deliveries_status_next_attempt_at", "status",
              "next_attempt_at"),
    )

    alert_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("alerts.id", ondelete="SET NULL"), index=True, nullable=True
    )
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # email|whatsapp|webhook
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=DELIVERY_PENDING, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # "alert" (one alert to one recipient) or "digest" (a summary of the alerts a recipient
    # was not sent one by one during a storm).
    kind: Mapped[str] = mapped_column(String(16), default=KIND_ALERT, nullable=False)
    digest_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("notification_deliveries.id", ondelete="SET NULL"), index=True,
        nullable=True
    )
    # A hash of "factory:channel:recipient" while a digest collects, NULL once it is sent:
    # the unique index lets racing workers open only one digest per recipient.
    open_digest_key: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                        unique=True)
    event: Mapped[str] = mapped_column(String(16), default=EVENT_RAISED,
                                       server_default=EVENT_RAISED, nullable=False)
    # The endpoint a webhook delivery goes to (the recipient column holds its name).
    webhook_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("webhook_endpoints.id", ondelete="SET NULL"), index=True,
        nullable=True
    )
    # The provider's id of the message (a WhatsApp "wamid." id, a Twilio "SM" SID), which its
    # status callbacks name; and the provider's or endpoint's error code when it failed.
    provider_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Which escalation round a delivery belongs to (0 when raised or resolved): with the event,
    # channel and recipient, `dedupe_key` makes a second row for the same message impossible
    # whoever plans it twice. NULL for digests (`open_digest_key` guards those).
    step: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # When a retry or a digest is due, or when a worker's hold on a `sending` delivery lapses.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
