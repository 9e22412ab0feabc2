from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from app.schemas.common import Schema
from app.schemas.factory import FactoryBrief


class LoginRequest(Schema):
    factory_id: int | None = Field(default=None, gt=0)
    factory_slug: str | None = Field(default=None, min_length=1, max_length=64)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)

    @model_validator(mode="after")
    def _one_factory_reference(self) -> LoginRequest:
        if self.factory_id is None and not self.factory_slug:
            raise ValueError("factory_id or factory_slug is required")
        return self


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=10, max_length=4096)


class CurrentUserRead(Schema):
    id: int
    factory_id: int
    email: str
    full_name: str
    role: str
    permissions: list[str]
    is_active: bool
    last_login_at: datetime | None
    factory: FactoryBrief


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    user: CurrentUserRead
