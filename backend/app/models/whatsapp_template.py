"""The approved WhatsApp templates a factory's alerts are sent as. WhatsApp refuses
business-initiated free-form text outside the 24-hour window a recipient opens, so every
alert message is a template the factory had approved by Meta (name and language) or built
in Twilio's Content Template Builder (content SID); its body variables are filled, in
order, from the alert facts named in `parameters`."""

from __future__ import annotations

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TenantMixin, UpdatedMixin

# Which message a template carries: an alert (raised or repeated by escalation), an alert
# that cleared, or a digest of a storm. A purpose without a template of its own uses the
# alert template.
PURPOSE_ALERT = "alert"
PURPOSE_RESOLVED = "resolved"
PURPOSE_DIGEST = "digest"
TEMPLATE_PURPOSES = (PURPOSE_ALERT, PURPOSE_RESOLVED, PURPOSE_DIGEST)

# The facts a template variable can carry. A digest knows only count, factory, summary and
# link; a fact a message does not know is sent as "-" (WhatsApp refuses empty variables).
TEMPLATE_FIELDS = ("severity", "title", "device", "rule", "triggered_at", "values", "message",
                   "factory", "link", "count", "summary")
MAX_TEMPLATE_PARAMETERS = 10


class WhatsAppTemplate(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "whatsapp_templates"
    __table_args__ = (UniqueConstraint("factory_id", "purpose"),)

    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    # Meta's Cloud API: the approved template's name and language code (e.g. en_US).
    meta_name: Mapped[str | None] = mapped_column(String(512), nullable=True)
    meta_language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Twilio: the Content Template's SID (HX followed by 32 hex digits).
    twilio_content_sid: Mapped[str | None] = mapped_column(String(34), nullable=True)
    # Alert facts filling variables {{1}}, {{2}}, ... in order
    # (app.services.alerts.whatsapp_templates.TEMPLATE_FIELDS).
    parameters: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
