from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TenantMixin, UpdatedMixin, UTCDateTime, key_string

STATUS_DISCOVERED = "discovered"
STATUS_ACTIVE = "active"
STATUS_DISABLED = "disabled"
DEVICE_STATUSES = (STATUS_DISCOVERED, STATUS_ACTIVE, STATUS_DISABLED)


class Device(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "devices"
    __table_args__ = (
        UniqueConstraint("factory_id", "device_key"),
        Index("ix_devices_factory_id_status", "factory_id", "status"),
    )

    device_key: Mapped[str] = mapped_column(key_string(128), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    area: Mapped[str | None] = mapped_column(String(100), nullable=True)
    manufacturer: Mapped[str | None] = mapped_column(String(100), nullable=True)
    model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_ACTIVE, nullable=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # "metadata" is reserved by SQLAlchemy's declarative API, hence the attribute name.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict, nullable=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # The same token hashed for Mosquitto's password_file (`factoryops mosquitto-auth`): the
    # token itself is never kept, so this is set whenever one is issued.
    mosquitto_password_hash: Mapped[str | None] = mapped_column(String(160), nullable=True)
    token_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RetiredDeviceKey(IdMixin, TenantMixin, Base):
    """A deleted device's key, kept for DEVICE_REREGISTER_GRACE_SECONDS: a session the broker
    had not yet closed, or queued messages, must not bring the device straight back as
    *discovered* through auto-registration."""

    __tablename__ = "retired_device_keys"
    __table_args__ = (UniqueConstraint("factory_id", "device_key"),)

    device_key: Mapped[str] = mapped_column(key_string(128), nullable=False)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
