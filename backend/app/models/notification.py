from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin, UTCDateTime

DELIVERY_PENDING = "pending"
DELIVERY_SENT = "sent"
DELIVERY_RETRYING = "retrying"
DELIVERY_FAILED = "failed"
DELIVERY_DIGESTED = "digested"


class NotificationDelivery(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "notification_deliveries"

    alert_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("alerts.id", ondelete="SET NULL"), index=True, nullable=True
    )
    channel: Mapped[str] = mapped_column(String(16), nullable=False)  # email | whatsapp
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=DELIVERY_PENDING, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
