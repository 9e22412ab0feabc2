from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.schemas.common import Schema


class FactoryPublic(Schema):
    """What the public directory reveals: enough to pick a factory, nothing more."""

    id: int
    name: str
    slug: str


class FactoryRead(FactoryPublic):
    timezone: str
    currency: str
    tariff: dict[str, Any]
    co2_kg_per_kwh: Decimal
    settings: dict[str, Any]


class FactoryBrief(FactoryPublic):
    timezone: str
    currency: str
