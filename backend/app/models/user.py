from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

ROLE_SUPER_ADMIN = "super_admin"
ROLE_USER = "user"
ROLES = (ROLE_SUPER_ADMIN, ROLE_USER)

# A person signs in; a service account is the identity an API key acts as (app.models.api_key):
# it owns what the key does (audit entries, acknowledgements) and never signs in.
KIND_PERSON = "person"
KIND_SERVICE = "service"

PERMISSIONS = (
    "manage_devices",
    "manage_rules",
    "acknowledge_alerts",
    "run_analytics",
    "generate_reports",
)


class User(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("factory_id", "email"),)

    email: Mapped[str] = mapped_column(String(254), nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    # E.164 number for WhatsApp alerts; null when the user gets none.
    phone: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Null until an invited user sets a password.
    hashed_password: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(32), default=ROLE_USER, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), default=KIND_PERSON,
                                      server_default=KIND_PERSON, nullable=False)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # Bumped on deactivation and password change: tokens carrying an older value are dead.
    token_version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_super_admin(self) -> bool:
        return self.role == ROLE_SUPER_ADMIN

    @property
    def is_service_account(self) -> bool:
        return self.kind == KIND_SERVICE

    def has_permission(self, name: str) -> bool:
        return self.is_super_admin or name in (self.permissions or [])


class RefreshToken(IdMixin, TenantMixin, UpdatedMixin, Base):
    """Server-side record of each refresh token so that logout and rotation can revoke it."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    jti: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UserToken(IdMixin, TenantMixin, UpdatedMixin, Base):
    """Single-use tokens sent by email: invitations and password resets. Only a hash is kept."""

    __tablename__ = "user_tokens"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)  # invite | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
