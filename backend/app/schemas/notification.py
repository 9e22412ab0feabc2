"""Alert channels as the API shows them: the delivery log, webhook endpoints and the
factory's WhatsApp templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from app.models.notification import WEBHOOK_EVENTS
from app.models.webhook import WEBHOOK_FORMATS
from app.models.whatsapp_template import (
    MAX_TEMPLATE_PARAMETERS,
    TEMPLATE_FIELDS,
    TEMPLATE_PURPOSES,
)
from app.schemas.common import OneLine, Schema

WebhookEvent = Literal[WEBHOOK_EVENTS]  # type: ignore[valid-type]
WebhookFormat = Literal[WEBHOOK_FORMATS]  # type: ignore[valid-type]
TemplatePurpose = Literal[TEMPLATE_PURPOSES]  # type: ignore[valid-type]
TemplateField = Literal[TEMPLATE_FIELDS]  # type: ignore[valid-type]
DeliveryStatus = Literal["pending", "retrying", "sent", "delivered", "read", "failed",
                         "digested"]
DeliveryChannel = Literal["email", "whatsapp", "webhook"]

WebhookName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=100), OneLine]
WebhookUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8,
                                              max_length=2000)]


def _distinct_in_order(values: list) -> list:
    return list(dict.fromkeys(values))


Events = Annotated[list[WebhookEvent], Field(min_length=1, max_length=len(WEBHOOK_EVENTS)),
                   AfterValidator(_distinct_in_order)]


# --- delivery log --------------------------------------------------------------------------
class DeliveryRead(Schema):
    id: int
    alert_id: int | None
    channel: str
    recipient: str = Field(description="Email address, phone number or webhook endpoint name")
    event: str = Field(description="raised, acknowledged, resolved, escalated or test")
    step: int = Field(description="The escalation round it belongs to (0 when raised)")
    kind: str = Field(description="alert, or digest for a summary sent instead of a storm")
    status: str = Field(description="pending, sending, retrying, sent (accepted by the "
                                    "provider), "
                                    "delivered, read, failed or digested")
    attempts: int
    last_error: str | None
    error_code: str | None = Field(description="The provider's or endpoint's error code")
    webhook_id: int | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- webhook endpoints ---------------------------------------------------------------------
class WebhookCreate(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "Maintenance system", "url": "https://cmms.example.com/hooks/factoryops",
        "events": ["raised", "resolved"], "format": "json", "is_active": True}]})

    name: WebhookName
    url: WebhookUrl = Field(description="http(s) URL; private and loopback addresses are "
                                        "refused unless the platform allows them")
    events: Events = Field(description="Alert events the endpoint receives")
    format: WebhookFormat = Field("json", description="json: the signed event document; "
                                                      "slack / teams: a message those "
                                                      "incoming webhooks display")
    is_active: bool = True


class WebhookUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: WebhookName | None = None
    url: WebhookUrl | None = None
    events: Events | None = None
    format: WebhookFormat | None = None
    is_active: bool | None = None


class WebhookRead(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    format: str
    is_active: bool
    secret_hint: str = Field(description="The secret's last characters, to recognise it")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Signing secret: shown in this answer only, store it now",
                        examples=["whsec_<43 characters>"])


# --- WhatsApp templates --------------------------------------------------------------------
class WhatsAppTemplateIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "purpose": "alert", "meta_name": "factory_alert", "meta_language": "en_US",
        "twilio_content_sid": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
        "parameters": ["severity", "title", "device", "triggered_at", "link"]}]})

    purpose: TemplatePurpose
    meta_name: Annotated[str, StringConstraints(
        strip_whitespace=True, min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")] | None = (
        Field(None, description="Meta: the approved template's name"))
    meta_language: Annotated[str, StringConstraints(
        strip_whitespace=True, pattern=r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")] | None = Field(
        None, description="Meta: the template's language code, e.g. en or en_US")
    twilio_content_sid: Annotated[str, StringConstraints(
        strip_whitespace=True, pattern=r"^HX[0-9a-fA-F]{32}$")] | None = Field(
        None, description="Twilio: the Content Template's SID")
    parameters: Annotated[list[TemplateField], Field(max_length=MAX_TEMPLATE_PARAMETERS)] = (
        Field(default_factory=list,
              description="Alert facts filling the template's variables {{1}}, {{2}}, ... "
                          "in this order"))


def _one_per_purpose(templates: list[WhatsAppTemplateIn]) -> list[WhatsAppTemplateIn]:
    purposes = [t.purpose for t in templates]
    if len(set(purposes)) != len(purposes):
        raise ValueError("at most one template per purpose")
    return templates


class WhatsAppTemplatesPut(Schema):
    model_config = ConfigDict(extra="forbid")

    templates: Annotated[list[WhatsAppTemplateIn], Field(max_length=len(TEMPLATE_PURPOSES)),
                         AfterValidator(_one_per_purpose)] = Field(
        description="The factory's templates; a purpose left out has none (its messages use "
                    "the alert template)")


class WhatsAppTemplateRead(Schema):
    purpose: str
    meta_name: str | None
    meta_language: str | None
    twilio_content_sid: str | None
    parameters: list[str]
    configured: bool = Field(description="Whether this purpose has a template of its own "
                                         "(otherwise the alert template is used)")
    updated_at: datetime | None


class WhatsAppSetup(Schema):
    provider: str = Field(description="none, meta or twilio (WHATSAPP_PROVIDER)")
    templates: list[WhatsAppTemplateRead]
    fields: list[str] = Field(description="Alert facts a template variable can carry")
    meta_callback_url: str
    twilio_callback_url: str
    callbacks_verified: bool = Field(description="Whether the provider's status callbacks "
                                                 "can be checked (secret configured)")
