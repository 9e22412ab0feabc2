from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from app.models.notification import (
    DELIVERY_DIGESTED,
    DELIVERY_PENDING,
    DELIVERY_RETRYING,
    DELIVERY_SENDING,
    KIND_ALERT,
    KIND_DIGEST,
    NotificationDelivery,
)
from app.models.user import KIND_PERSON, User
from app.repositories.base import TenantRepository
from app.repositories.upsert import insert_ignoring_duplicates


async def left_behind(session, now: datetime, pending_before: datetime, limit: int
                      ) -> list[tuple[int, int]]:
    """(factory_id, delivery_id) of deliveries nobody is sending: pending ones older than
    `pending_before` (their own dispatch had its chance), retries that are due, and sends
    whose worker's hold has lapsed. Oldest first."""
    d = NotificationDelivery
    stmt = (select(d.factory_id, d.id).where(or_(
        and_(d.status == DELIVERY_PENDING, d.created_at <= pending_before,
             or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now)),
        and_(d.status.in_((DELIVERY_RETRYING, DELIVERY_SENDING)), d.next_attempt_at <= now)))
        .order_by(d.id).limit(limit)
        # The sweeper serves every factory: it only collects ids, and each delivery is then
        # sent by a service scoped to the delivery's own factory.
        .execution_options(cross_tenant=True))
    return [(int(f), int(i)) for f, i in await session.execute(stmt)]


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
        d = NotificationDelivery
        stmt = self.select(func.count(), func.min(d.created_at)).where(
            d.channel == channel, d.recipient == recipient, d.created_at >= since,
            d.status != DELIVERY_DIGESTED,
            # Alerts still in the outbox have not been counted in or out yet.
            or_(d.status != DELIVERY_PENDING, d.kind != KIND_ALERT))
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


    async def for_alerts(self, alert_ids: Sequence[int]) -> list[NotificationDelivery]:
        if not alert_ids:
            return []
        stmt = (self.select().where(NotificationDelivery.alert_id.in_(list(alert_ids)))
                .order_by(NotificationDelivery.id))
        return list((await self.session.execute(stmt)).scalars())

    async def insert_planned(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Outbox rows, each carrying its `dedupe_key`; a key already planned is skipped.
        Returns the ids of every row of those keys (planned now or before) still pending."""
        if not rows:
            return []
        table = NotificationDelivery.__table__
        await insert_ignoring_duplicates(self.session, table, [
            {**row, "factory_id": self.factory_id} for row in rows])
        keys = [row["dedupe_key"] for row in rows]
        stmt = (self.select(NotificationDelivery.id)
                .where(NotificationDelivery.dedupe_key.in_(keys),
                       NotificationDelivery.status == DELIVERY_PENDING)
                .order_by(NotificationDelivery.id))
        return [int(i) for i in (await self.session.execute(stmt)).scalars()]

    async def take(self, delivery_id: int, now: datetime, hold_until: datetime) -> bool:
        """Claim a delivery for sending: only one worker wins, whatever the race. Pending
        deliveries (a digest once its window ends), due retries and lapsed holds can be
        taken."""
        d = NotificationDelivery
        result = await self.session.execute(
            self.update().where(d.id == delivery_id, or_(
                and_(d.status == DELIVERY_PENDING,
                     or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now)),
                and_(d.status.in_((DELIVERY_RETRYING, DELIVERY_SENDING)),
                     d.next_attempt_at <= now)))
            .values(status=DELIVERY_SENDING, next_attempt_at=hold_until, updated_at=now)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


class RecipientRepository(TenantRepository[User]):
    model = User

    async def active_users(self) -> list[User]:
        # People only: an API key's service account holds permissions but reads no mail.
        stmt = (self.select().where(User.is_active.is_(True), User.kind == KIND_PERSON)
                .order_by(User.id))
        return list((await self.session.execute(stmt)).scalars())
