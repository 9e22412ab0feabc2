from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.schemas.common import Schema
from app.schemas.device import ParameterRole

HistoryAggregation = Literal["mean", "min", "max", "last"]


class LiveKpi(Schema):
    parameter_id: int
    parameter_key: str
    display_name: str | None
    unit: str | None
    role: ParameterRole | None
    value: float | None
    ts: datetime | None
    age_seconds: float | None
    stale: bool


class LiveKpis(Schema):
    device_id: int
    online: bool
    last_seen_at: datetime | None
    kpis: list[LiveKpi]


class HistorySeries(Schema):
    parameter_key: str
    display_name: str | None
    unit: str | None
    points: list[tuple[datetime, float]]


class KpiHistory(Schema):
    device_id: int
    start: datetime
    end: datetime
    interval_seconds: int
    agg: HistoryAggregation
    series: list[HistorySeries]
