"""The factory's shift calendar."""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TenantMixin, UpdatedMixin


class Shift(IdMixin, TenantMixin, UpdatedMixin, Base):
    """A shift works on the listed weekdays (Monday = 0) from `start_time` to `end_time`,
    local "HH:MM" on quarter hours; an end at or before the start runs past midnight and
    belongs to the day it starts."""

    __tablename__ = "shifts"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    start_time: Mapped[str] = mapped_column(String(5), nullable=False)
    end_time: Mapped[str] = mapped_column(String(5), nullable=False)
    days: Mapped[list[int]] = mapped_column(JSON, default=list, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
