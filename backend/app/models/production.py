"""Production entered per node and local day, and energy baselines (ISO 50006): a regression
of a node's energy on its production, and optionally on a temperature, over a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

BASELINE_GRANULARITIES = ("day", "hour")


class ProductionEntry(IdMixin, TenantMixin, UpdatedMixin, Base):
    """Units produced by a node on a local day, typed or uploaded. Replaces, for that node
    and day, what its production counters counted."""

    __tablename__ = "production_entries"
    __table_args__ = (UniqueConstraint("node_id", "day"),)

    node_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("asset_nodes.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    quantity: Mapped[float] = mapped_column(Float, nullable=False)
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class EnergyBaseline(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "energy_baselines"

    node_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("asset_nodes.id", ondelete="CASCADE"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # The baseline period: local days [period_start, period_end], both included.
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    granularity: Mapped[str] = mapped_column(String(8), default="day", nullable=False)
    # Optional second variable: the mean of this device parameter per period (a temperature).
    temperature_device_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="SET NULL"), nullable=True)
    temperature_parameter: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The fitted model: {"intercept", "coefficients": {"production", "temperature"?},
    # "r2", "points"}; null until fitted (a baseline over data still arriving).
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
