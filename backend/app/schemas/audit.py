from __future__ import annotations

from datetime import datetime
from typing import Any

from app.schemas.common import Schema


class AuditActor(Schema):
    id: int
    email: str
    full_name: str


class AuditEntryRead(Schema):
    id: int
    created_at: datetime
    action: str
    entity_type: str
    entity_id: str | None
    details: dict[str, Any]
    ip_address: str | None
    user_id: int | None
    user: AuditActor | None
