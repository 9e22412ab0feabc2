from __future__ import annotations

from sqlalchemy import select

from app.models.notification import NotificationDelivery
from app.models.webhook import WebhookEndpoint
from app.models.whatsapp_template import WhatsAppTemplate
from app.repositories.base import TenantRepository


class WebhookRepository(TenantRepository[WebhookEndpoint]):
    model = WebhookEndpoint

    async def all(self) -> list[WebhookEndpoint]:
        stmt = self.select().order_by(WebhookEndpoint.name, WebhookEndpoint.id)
        return list((await self.session.execute(stmt)).scalars())

    async def subscribed(self, event: str) -> list[WebhookEndpoint]:
        # A factory has a handful of endpoints: filtering their JSON list of events here is
        # simpler than a JSON query that MariaDB and SQLite both answer.
        stmt = (self.select().where(WebhookEndpoint.is_active.is_(True))
                .order_by(WebhookEndpoint.id))
        return [e for e in (await self.session.execute(stmt)).scalars()
                if event in (e.events or [])]

    async def by_name(self, name: str) -> WebhookEndpoint | None:
        stmt = self.select().where(WebhookEndpoint.name == name)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def name_taken(self, name: str, *, other_than: int | None = None) -> bool:
        stmt = self.select(WebhookEndpoint.id).where(WebhookEndpoint.name == name)
        if other_than is not None:
            stmt = stmt.where(WebhookEndpoint.id != other_than)
        return (await self.session.execute(stmt.limit(1))).first() is not None


class WhatsAppTemplateRepository(TenantRepository[WhatsAppTemplate]):
    model = WhatsAppTemplate

    async def all(self) -> list[WhatsAppTemplate]:
        stmt = self.select().order_by(WhatsAppTemplate.id)
        return list((await self.session.execute(stmt)).scalars())

    async def for_purpose(self, purpose: str) -> WhatsAppTemplate | None:
        stmt = self.select().where(WhatsAppTemplate.purpose == purpose)
        return (await self.session.execute(stmt)).scalar_one_or_none()


async def deliveries_by_provider_id(session, channel: str, message_id: str
                                    ) -> list[NotificationDelivery]:
    """The deliveries a provider's status callback names. Spans factories on purpose: the
    provider knows its message id, not our factory, and the id is the provider's own
    unguessable one, so it identifies one delivery whichever factory sent it."""
    stmt = (select(NotificationDelivery)
            .where(NotificationDelivery.provider_message_id == message_id,
                   NotificationDelivery.channel == channel)
            .with_for_update()
            .execution_options(cross_tenant=True))
    return list((await session.execute(stmt)).scalars())
