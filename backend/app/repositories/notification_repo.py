from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from app.models.notification import (
    DELIVERY_DIGESTED,
    KIND_DIGEST,
    NotificationDelivery,
)
from app.models.user import KIND_PERSON, User
from app.repositories.base import TenantRepository


@dataclass(frozen=True)
class DeliveryFilters:
    channel: str | None = None
    status: str | None = None
    alert_id: int | None = None
    webhook_id: int | None = None


class NotificationRepository(TenantRepository[NotificationDelivery]):
    model = NotificationDelivery

    async def search(self, filters: DeliveryFilters, *, offset: int, limit: int
                     ) -> tuple[list[NotificationDelivery], int]:
        stmt = self.select()
        if filters.channel:
            stmt = stmt.where(NotificationDelivery.channel == filters.channel)
        if filters.status:
            stmt = stmt.where(NotificationDelivery.status == filters.status)
        if filters.alert_id is not None:
            stmt = stmt.where(NotificationDelivery.alert_id == filters.alert_id)
        if filters.webhook_id is not None:
            stmt = stmt.where(NotificationDelivery.webhook_id == filters.webhook_id)
        return await self.page(stmt, offset=offset, limit=limit,
                               order_by=(NotificationDelivery.id.desc(),))

    async def recent(self, channel: str, recipient: str, since: datetime
                     ) -> tuple[int, datetime | None]:
        """How many messages (alerts and digests, not digested ones) went or are going to
        this recipient since `since`, and when the oldest of them was created."""
        stmt = self.select(func.count(), func.min(NotificationDelivery.created_at)).where(
            NotificationDelivery.channel == channel,
            NotificationDelivery.recipient == recipient,
            NotificationDelivery.created_at >= since,
            NotificationDelivery.status != DELIVERY_DIGESTED)
        count, oldest = (await self.session.execute(stmt)).one()
        return int(count), oldest

    async def open_digest(self, key: str) -> NotificationDelivery | None:
        """The digest collecting for a recipient, locked until our transaction ends so that
        it cannot be sent while we attach to it."""
        stmt = (self.select().where(NotificationDelivery.open_digest_key == key)
                .with_for_update())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_digest(self, digest_id: int) -> list[NotificationDelivery]:
        stmt = (self.select().where(NotificationDelivery.digest_id == digest_id)
                .order_by(NotificationDelivery.created_at, NotificationDelivery.id))
        return list((await self.session.execute(stmt)).scalars())

    async def for_alert(self, alert_id: int) -> list[NotificationDelivery]:
        stmt = (self.select().where(NotificationDelivery.alert_id == alert_id,
                                    NotificationDelivery.kind != KIND_DIGEST)
                .order_by(NotificationDelivery.id))
        return list((await self.session.execute(stmt)).scalars())


class RecipientRepository(TenantRepository[User]):
    model = User

    async def active_users(self) -> list[User]:
        # People only: an API key's service account holds permissions but reads no mail.
        stmt = (self.select().where(User.is_active.is_(True), User.kind == KIND_PERSON)
                .order_by(User.id))
        return list((await self.session.execute(stmt)).scalars())
