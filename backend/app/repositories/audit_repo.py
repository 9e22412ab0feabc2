from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models.audit_log import AuditLog
from app.repositories.base import TenantRepository


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    user_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository(TenantRepository[AuditLog]):
    model = AuditLog

    async def list_page(self, filters: AuditFilters, *, offset: int, limit: int
                        ) -> tuple[list[AuditLog], int]:
        stmt = self.select()
        if filters.action:
            stmt = stmt.where(AuditLog.action == filters.action)
        if filters.entity_type:
            stmt = stmt.where(AuditLog.entity_type == filters.entity_type)
        if filters.entity_id:
            stmt = stmt.where(AuditLog.entity_id == filters.entity_id)
        if filters.user_id is not None:
            stmt = stmt.where(AuditLog.user_id == filters.user_id)
        if filters.since is not None:
            stmt = stmt.where(AuditLog.created_at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(AuditLog.created_at < filters.until)
        # Newest first; the id breaks ties between entries written in the same microsecond.
        return await self.page(stmt, offset=offset, limit=limit,
                               order_by=(AuditLog.created_at.desc(), AuditLog.id.desc()))
