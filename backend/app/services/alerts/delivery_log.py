"""The delivery log: every message an alert event sent or tried to send, newest first, with
what its provider reported since."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.repositories.notification_repo import DeliveryFilters, NotificationRepository
from app.schemas.common import PageParams
from app.schemas.notification import DeliveryRead


class DeliveryLogService:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.deliveries = NotificationRepository(session, factory_id)

    async def search(self, filters: DeliveryFilters, page: PageParams
                     ) -> tuple[list[DeliveryRead], int]:
        rows, total = await self.deliveries.search(filters, offset=page.offset,
                                                   limit=page.per_page)
        return [DeliveryRead.model_validate(r) for r in rows], total
