"""Who did what, when and from where: an append-only trail a super admin can search.

Entries are added to the caller's session, so an entry is committed together with the
change it describes and disappears with it when that change is rolled back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.audit_log import AuditLog
from app.models.user import User
from app.repositories.audit_repo import AuditFilters, AuditRepository
from app.repositories.user_repo import UserRepository
from app.schemas.audit import AuditActor, AuditEntryRead
from app.schemas.common import PageParams

# Never stored in `details`, whatever a caller passes: the trail must not become a place to
# harvest credentials from.
_SECRET_MARKERS = ("password", "token", "secret")


def _without_secrets(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items()
            if not any(marker in key.lower() for marker in _SECRET_MARKERS)}


class AuditService:
    def __init__(self, session: AsyncSession, factory_id: int) -> None:
        self.session = session
        self.factory_id = factory_id
        self.entries = AuditRepository(session, factory_id)

    def record(self, actor_user_id: int | None, action: str, entity_type: str,
               entity_id: int | str | None, details: dict[str, Any] | None = None,
               ip: str | None = None) -> AuditLog:
        return self.entries.add(AuditLog(
            user_id=actor_user_id, action=action, entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            details=_without_secrets(details or {}), ip_address=ip,
            created_at=datetime.now(UTC)))

    async def search(self, filters: AuditFilters, page: PageParams
                     ) -> tuple[list[AuditEntryRead], int]:
        entries, total = await self.entries.list_page(filters, offset=page.offset,
                                                      limit=page.per_page)
        actor_ids = sorted({e.user_id for e in entries if e.user_id is not None})
        actors = {u.id: u for u in await UserRepository(self.session,
                                                        self.factory_id).get_many(actor_ids)}
        return [_entry_view(e, actors.get(e.user_id)) for e in entries], total


def _entry_view(entry: AuditLog, actor: User | None) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        created_at=entry.created_at,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        details=entry.details or {},
        ip_address=entry.ip_address,
        user_id=entry.user_id,
        user=AuditActor.model_validate(actor) if actor is not None else None,
    )
