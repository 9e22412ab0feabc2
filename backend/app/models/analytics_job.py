from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, TimestampMixin, UTCDateTime

JOB_PENDING = "pending"
JOB_RUNNING = "running"
JOB_COMPLETE = "complete"
JOB_FAILED = "failed"
JOB_CANCELLED = "cancelled"
JOB_STATUSES = (JOB_PENDING, JOB_RUNNING, JOB_COMPLETE, JOB_FAILED, JOB_CANCELLED)


class JobColumns(IdMixin, TenantMixin, TimestampMixin):
    """What analytics and report jobs share: a request, a life cycle and a result file."""

    created_by: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=JOB_PENDING, nullable=False)
    progress: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    object_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AnalyticsJob(JobColumns, Base):
    __tablename__ = "analytics_jobs"


class ReportJob(JobColumns, Base):
    __tablename__ = "report_jobs"

    format: Mapped[str] = mapped_column(String(8), nullable=False)  # pdf | xlsx
    schedule_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("report_schedules.id", ondelete="SET NULL"), nullable=True
    )
