from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, UpdatedMixin, key_string


class Factory(IdMixin, UpdatedMixin, Base):
    """The tenant. Not itself a tenant table: the public directory lists factories."""

    __tablename__ = "factories"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(key_string(64), unique=True, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", nullable=False)
    currency: Mapped[str] = mapped_column(String(3), default="EUR", nullable=False)
    # {"kind": "flat", "price_per_kwh": 0.2} or
    # {"kind": "tou", "default_price_per_kwh": 0.2,
    #  "periods": [{"name": "peak", "days": [0..6], "start": "08:00", "end": "20:00",
    #               "price_per_kwh": 0.3}]}
    tariff: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    co2_kg_per_kwh: Mapped[Decimal] = mapped_column(
        Numeric(10, 6), default=Decimal("0.4"), nullable=False
    )
    # allow_auto_register, online_threshold_seconds, ...
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
