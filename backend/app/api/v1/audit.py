from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from app.api.deps import DbSession, Pagination, SuperAdmin
from app.repositories.audit_repo import AuditFilters
from app.schemas.audit import AuditEntryRead
from app.schemas.common import ListEnvelope, list_envelope
from app.services.audit.service import AuditService

router = APIRouter(prefix="/audit", tags=["audit"])


async def get_audit_service(admin: SuperAdmin, db: DbSession) -> AuditService:
    return AuditService(db, admin.factory_id)


Audit = Annotated[AuditService, Depends(get_audit_service)]


@router.get("", operation_id="audit_list", response_model=ListEnvelope[AuditEntryRead],
            summary="Who did what and when, newest first (super admin)")
async def list_audit_entries(
    service: Audit,
    page: Pagination,
    action: Annotated[str | None, Query(max_length=64, examples=["user.deactivated"])] = None,
    entity_type: Annotated[str | None, Query(max_length=32, examples=["device"])] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: Annotated[int | None, Query(ge=1, le=2**63 - 1,
                                         description="The user who acted")] = None,
    since: Annotated[AwareDatetime | None,
                     Query(description="From this moment (inclusive), with a time zone")] = None,
    until: Annotated[AwareDatetime | None,
                     Query(description="Before this moment, with a time zone")] = None,
):
    filters = AuditFilters(action=action, entity_type=entity_type, entity_id=entity_id,
                           user_id=user_id, since=since, until=until)
    items, total = await service.search(filters, page)
    return list_envelope(items, total, page)
