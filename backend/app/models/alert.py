from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

ALERT_OPEN = "open"
ALERT_ACKNOWLEDGED = "acknowledged"
ALERT_RESOLVED = "resolved"
ALERT_STATUSES = (ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_RESOLVED)


class Alert(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # "rule_id:device_id" while the alert is open or acknowledged, NULL once resolved:
        # the unique index allows many NULLs, so the database itself guarantees one live
        # alert per rule and device however many workers race on the same batch.
        UniqueConstraint("open_key"),
        Index("ix_alerts_factory_id_status_triggered_at", "factory_id", "status", "triggered_at"),
        # The newest alerts of a factory whatever their status (the dashboard, on every
        # refresh): read from the end of this index instead of sorting every alert.
        Index("ix_alerts_factory_id_triggered_at", "factory_id", "triggered_at"),
    )

    rule_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("rules.id", ondelete="SET NULL"), index=True, nullable=True
    )
    device_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="SET NULL"), index=True, nullable=True
    )
    open_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=ALERT_OPEN, nullable=False)
    trigger_count: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    triggered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_triggered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    acknowledged_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
