from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UTCDateTime, key_string, utcnow

# Semantic roles a user may assign; energy KPIs are computed from these, never from names.
PARAMETER_ROLES = (
    "active_power",
    "reactive_power",
    "apparent_power",
    "energy_counter",
    "power_factor",
    "voltage",
    "current",
    "frequency",
    "thd",
    "temperature",
    # A counter of units produced; read like an energy counter (increase per period, a drop
    # is a restart from zero) and summed per asset node for EnPIs.
    "production_count",
    "other",
)


class DeviceParameter(IdMixin, TenantMixin, Base):
    __tablename__ = "device_parameters"
    __table_args__ = (UniqueConstraint("device_id", "parameter_key"),)

    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), index=True, nullable=False
    )
    parameter_key: Mapped[str] = mapped_column(key_string(64), nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    is_kpi_selected: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
