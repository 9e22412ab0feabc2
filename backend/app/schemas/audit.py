from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from app.schemas.common import Schema


class AuditActor(Schema):
    id: int
    email: str
    full_name: str = Field(description="For an API key, the key's name")
    kind: Literal["person", "service"] = Field(
        default="person", description="service: the action was taken with an API key")


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
