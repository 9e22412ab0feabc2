from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AliasChoices, ConfigDict, Field, StringConstraints, model_validator

from app.schemas.common import OneLine, Schema
from app.schemas.factory import FactoryBrief
from app.schemas.user import Role


class LoginRequest(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "factory_slug": "demo", "email": "admin@demo.example", "password": "••••••••"}]})

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
    role: Role
    permissions: list[str]
    is_active: bool
    last_login_at: datetime | None
    factory: FactoryBrief


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: CurrentUserRead


# --- invitations and passwords -------------------------------------------------------------
class FactoryReference(Schema):
    """Which factory the account belongs to: its id, or its slug (`factory` is accepted for
    the slug too, as the emailed links carry it under that name)."""

    factory_id: int | None = Field(default=None, gt=0)
    factory_slug: str | None = Field(default=None, min_length=1, max_length=64,
                                     validation_alias=AliasChoices("factory_slug", "factory"))

    @model_validator(mode="after")
    def _one_factory_reference(self) -> FactoryReference:
        if self.factory_id is None and not self.factory_slug:
            raise ValueError("factory_id or factory_slug is required")
        return self


EmailedToken = Annotated[str, Field(min_length=16, max_length=128)]
NewPassword = Annotated[str, Field(min_length=1, max_length=256,
                                   description="At least 10 characters, not only letters or "
                                               "only digits, not containing the email's local "
                                               "part, not a common password")]


class AcceptInviteRequest(FactoryReference):
    token: EmailedToken
    password: NewPassword
    full_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=200), OneLine] | None = None


class ForgotPasswordRequest(FactoryReference):
    email: str = Field(min_length=3, max_length=254)


class ResetPasswordRequest(FactoryReference):
    token: EmailedToken
    password: NewPassword


class ChangePasswordRequest(Schema):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: NewPassword


class AccountReady(Schema):
    """The account can now sign in with the password just chosen."""

    user_id: int
    email: str
    factory_id: int
    factory_slug: str


class Accepted(Schema):
    message: str
