from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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
        # The escalation sweep looks across factories for alerts whose next round is due.
        Index("ix_alerts_next_escalation_at", "next_escalation_at"),
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
    # Raised while its device was in a maintenance window: recorded, notifying nobody.
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0",
                                        nullable=False)
    # No escalation rounds until then (someone is on it).
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Escalation rounds done, and when the next one is due (NULL: none left, or the alert
    # was acknowledged or resolved).
    escalation_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                                 nullable=False)
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


EVENT_RAISED = "raised"
EVENT_ACKNOWLEDGED = "acknowledged"
EVENT_RESOLVED = "resolved"
EVENT_ESCALATED = "escalated"
EVENT_SNOOZED = "snoozed"
ALERT_EVENT_KINDS = (EVENT_RAISED, EVENT_ACKNOWLEDGED, EVENT_RESOLVED, EVENT_ESCALATED,
                     EVENT_SNOOZED)


class AlertEvent(IdMixin, TenantMixin, Base):
    """What happened to an alert, in order: its timeline, and the factory's stream of alert
    events (the id is the stream's position, `Last-Event-ID`)."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_factory_id_id", "factory_id", "id"),)

    alert_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("alerts.id", ondelete="CASCADE"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)


class MaintenanceWindow(IdMixin, TenantMixin, UpdatedMixin, Base):
    """A device in maintenance: its alerts are recorded as muted and notify nobody."""

    __tablename__ = "maintenance_windows"
    __table_args__ = (Index("ix_maintenance_windows_factory_id_device_id_ends_at",
                            "factory_id", "device_id", "ends_at"),)

    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reason: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
