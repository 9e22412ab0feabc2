"""Webhook endpoints: where a factory's alert events are POSTed, each signed with the
endpoint's own secret (app.services.alerts.webhook_signing)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TenantMixin, UpdatedMixin

# What the receiver gets: our signed JSON document, or a message Slack's or Teams' incoming
# webhooks display as it is (still signed, for receivers that care).
FORMAT_JSON = "json"
FORMAT_SLACK = "slack"
FORMAT_TEAMS = "teams"
WEBHOOK_FORMATS = (FORMAT_JSON, FORMAT_SLACK, FORMAT_TEAMS)


class WebhookEndpoint(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "webhook_endpoints"
    # The delivery log names an endpoint by its name (its URL may hold a token).
    __table_args__ = (UniqueConstraint("factory_id", "name"),)

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    # Kept readable because every delivery is signed with it; shown once, when made.
    secret: Mapped[str] = mapped_column(String(80), nullable=False)
    # Alert events the endpoint receives (app.models.notification.WEBHOOK_EVENTS).
    events: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    format: Mapped[str] = mapped_column(String(16), default=FORMAT_JSON, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
