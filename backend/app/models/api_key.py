"""API keys: credentials for programs (MES, ERP, BMS, gateways). Each key acts as a service
account of its own (a `users` row of kind "service") that carries its permissions and owns
what the key does, so the audit trail and every "done by" column name the key without a
column of their own. Only a hash of the key is kept (app.core.api_key_format)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime
from app.models.user import PERMISSIONS

# Sending telemetry over HTTP for the devices a key names; a key-only permission, no person
# sends telemetry.
INGEST = "ingest"
API_KEY_PERMISSIONS = (*PERMISSIONS, INGEST)


class ApiKey(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "api_keys"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The first characters of the key, to tell keys apart in a list; never enough to use.
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # Ids of the devices the key may send telemetry for (with the "ingest" permission).
    ingest_device_ids: Mapped[list[int]] = mapped_column(JSON, default=list, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Written at most once a minute per key and process, never on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
