"""A factory's WhatsApp templates: which approved template carries each kind of message, and
which alert facts fill its variables; and the choice made for one message."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import ValidationFailed
from app.core.logging import get_logger
from app.models.whatsapp_template import (
    PURPOSE_ALERT,
    TEMPLATE_FIELDS,
    TEMPLATE_PURPOSES,
    WhatsAppTemplate,
)
from app.repositories.webhook_repo import WhatsAppTemplateRepository
from app.schemas.notification import WhatsAppSetup, WhatsAppTemplateRead, WhatsAppTemplatesPut
from app.services.alerts.messages import Message
from app.services.alerts.senders import twilio_status_callback
from app.services.alerts.whatsapp_templates import TemplateChoice, template_values
from app.services.audit.service import AuditService

log = get_logger(__name__)

META_CALLBACK_PATH = "/api/v1/callbacks/whatsapp/meta"


def meta_callback_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + META_CALLBACK_PATH


async def template_choice(session: AsyncSession, factory_id: int, message: Message
                          ) -> TemplateChoice | None:
    """The template for this message (its purpose's own, else the alert template) with its
    variables filled; None when the factory has set none."""
    templates = WhatsAppTemplateRepository(session, factory_id)
    template = await templates.for_purpose(message.purpose)
    if template is None and message.purpose != PURPOSE_ALERT:
        template = await templates.for_purpose(PURPOSE_ALERT)
    if template is None:
        return None
    return TemplateChoice(
        meta_name=template.meta_name, meta_language=template.meta_language,
        twilio_content_sid=template.twilio_content_sid,
        values=template_values(template.parameters or [], message.fields))


def _read(purpose: str, template: WhatsAppTemplate | None) -> WhatsAppTemplateRead:
    if template is None:
        return WhatsAppTemplateRead(purpose=purpose, meta_name=None, meta_language=None,
                                    twilio_content_sid=None, parameters=[], configured=False,
                                    updated_at=None)
    return WhatsAppTemplateRead(
        purpose=purpose, meta_name=template.meta_name, meta_language=template.meta_language,
        twilio_content_sid=template.twilio_content_sid,
        parameters=list(template.parameters or []), configured=True,
        updated_at=template.updated_at)


class WhatsAppSetupService:
    def __init__(self, session: AsyncSession, settings: Settings, factory_id: int, *,
                 actor_id: int | None = None, client_ip: str | None = None) -> None:
        self.session = session
        self.settings = settings
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.templates = WhatsAppTemplateRepository(session, factory_id)

    async def read(self) -> WhatsAppSetup:
        s = self.settings
        by_purpose = {t.purpose: t for t in await self.templates.all()}
        verified = {"meta": s.whatsapp_app_secret is not None,
                    "twilio": s.twilio_auth_token is not None}.get(s.whatsapp_provider, False)
        return WhatsAppSetup(
            provider=s.whatsapp_provider,
            templates=[_read(p, by_purpose.get(p)) for p in TEMPLATE_PURPOSES],
            fields=list(TEMPLATE_FIELDS), meta_callback_url=meta_callback_url(s),
            twilio_callback_url=twilio_status_callback(s), callbacks_verified=verified)

    async def replace(self, body: WhatsAppTemplatesPut) -> WhatsAppSetup:
        for item in body.templates:
            if (item.meta_name is None) != (item.meta_language is None):
                raise ValidationFailed("A Meta template needs both its name and its language.",
                                       code="INCOMPLETE_TEMPLATE",
                                       details={"purpose": item.purpose})
            if item.meta_name is None and item.twilio_content_sid is None:
                raise ValidationFailed("Give a Meta template (name and language), a Twilio "
                                       "content SID, or both.", code="INCOMPLETE_TEMPLATE",
                                       details={"purpose": item.purpose})
        wanted = {item.purpose: item for item in body.templates}
        for template in await self.templates.all():
            if template.purpose not in wanted:
                await self.session.delete(template)
        for purpose, item in wanted.items():
            template = await self.templates.for_purpose(purpose)
            if template is None:
                template = self.templates.add(WhatsAppTemplate(purpose=purpose))
            template.meta_name = item.meta_name
            template.meta_language = item.meta_language
            template.twilio_content_sid = item.twilio_content_sid
            template.parameters = list(item.parameters)
        AuditService(self.session, self.factory_id).record(
            self.actor_id, "whatsapp_templates.saved", "factory", self.factory_id,
            {"templates": [item.model_dump() for item in body.templates]}, self.client_ip)
        await self.session.commit()
        return await self.read()
