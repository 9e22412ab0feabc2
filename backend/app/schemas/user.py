from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from app.models.user import PERMISSIONS, ROLES
from app.schemas.common import OneLine, Schema
from app.schemas.rule import Phone

Role = Literal[ROLES]  # type: ignore[valid-type]
Permission = Literal[PERMISSIONS]  # type: ignore[valid-type]
# invited: no password yet; active: can sign in; deactivated: cannot, history kept.
UserStatus = Literal["invited", "active", "deactivated"]

FullName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), OneLine]


def _distinct_sorted(values: list[str]) -> list[str]:
    return sorted(set(values))


Permissions = Annotated[list[Permission], Field(max_length=len(PERMISSIONS)),
                        AfterValidator(_distinct_sorted)]


def _lowercase(value: str) -> str:
    return value.lower()


# Stored and compared in lower case: sign-in is case-insensitive on the email.
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lowercase)]


class Input(Schema):
    # A misspelt field would otherwise be dropped silently and look like success.
    model_config = ConfigDict(extra="forbid")


class UserInvite(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "shift.lead@plant.example", "full_name": "Dana Shift Lead",
        "permissions": ["acknowledge_alerts", "manage_rules"]}]})

    email: Email
    full_name: FullName = ""
    role: Role = "user"
    permissions: Permissions = Field(
        default_factory=list, description="Ignored for a super admin, who may do everything")
    phone: Phone | None = Field(default=None, description="E.164, for WhatsApp alerts")


class UserUpdate(Input):
    full_name: FullName | None = None
    role: Role | None = None
    permissions: Permissions | None = None
    phone: Phone | None = Field(default=None, description="E.164; null removes it")

    @model_validator(mode="after")
    def _no_nulls(self) -> UserUpdate:
        nulls = [f for f in self.model_fields_set
                 if getattr(self, f) is None and f != "phone"]
        if nulls:
            raise ValueError(f"{', '.join(sorted(nulls))} cannot be null")
        return self


class UserRead(Schema):
    id: int
    email: str
    full_name: str
    role: Role
    permissions: list[str]
    phone: str | None
    is_active: bool
    status: UserStatus
    invited_at: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class UserInvited(UserRead):
    invite_link: str | None = Field(
        description="The invitation address, only while email is off (SMTP_HOST empty): "
                    "nobody else can pass it on. Null whenever the email is sent.")


class DirectoryEntry(Schema):
    """What any colleague may see of a user, e.g. to pick alert recipients."""

    id: int
    full_name: str
    email: str
