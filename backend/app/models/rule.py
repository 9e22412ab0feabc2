from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

SEVERITIES = ("info", "warning", "critical")


class Rule(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "rules"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # {"kind": "all"} | {"kind": "devices", "device_ids": [..]} | {"kind": "type", "value": ..}
    # | {"kind": "area", "value": ..}
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    condition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    severity: Mapped[str] = mapped_column(String(16), default="warning", nullable=False)
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=15, nullable=False)
    for_seconds: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # {"days": [0..6], "start": "HH:MM", "end": "HH:MM"} in the factory's time zone, or null.
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    # {"user_permissions": [...], "user_ids": [...], "emails": [...], "phones": [...]}
    recipients: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    auto_resolve: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # {"repeat_seconds": N | null, "steps": [{"after_seconds": N, "channels": [...],
    #  "recipients": {...}}]}: rounds of notifications while the alert is unacknowledged.
    escalation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    notify_on_resolve: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default="0", nullable=False)
    # A rule may watch a parameter no device in its scope has reported yet (a sensor about to
    # be installed); without this flag such a key is refused as a likely typo.
    allow_unseen_parameters: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class RuleCooldown(IdMixin, TenantMixin, Base):
    __tablename__ = "rule_cooldowns"
    __table_args__ = (UniqueConstraint("rule_id", "device_id"),)

    rule_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("rules.id", ondelete="CASCADE"), nullable=False
    )
    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False
    )
    last_triggered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class RuleState(IdMixin, TenantMixin, Base):
    """Where a sustained-duration rule started being true for a device. Kept in the database
    so that a restarted worker does not forget a condition that has held for minutes."""

    __tablename__ = "rule_states"
    __table_args__ = (UniqueConstraint("rule_id", "device_id"),)

    rule_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("rules.id", ondelete="CASCADE"), nullable=False
    )
    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False
    )
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
