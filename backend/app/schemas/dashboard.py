from __future__ import annotations

from datetime import datetime

from app.schemas.alert import AlertStatus, Severity
from app.schemas.common import Schema


class DeviceCounts(Schema):
    total: int
    online: int
    offline: int
    discovered: int
    disabled: int


class OpenBySeverity(Schema):
    info: int
    warning: int
    critical: int


class OpenAlertCounts(Schema):
    open_total: int
    open_by_severity: OpenBySeverity


class EnergyAmount(Schema):
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None


class EnergyPeriods(Schema):
    today: EnergyAmount
    month: EnergyAmount


class TopConsumer(Schema):
    device_id: int
    name: str
    energy_kwh: float | None
    cost: float | None


class AlertBrief(Schema):
    id: int
    device_id: int | None
    device_name: str | None
    rule_id: int | None
    severity: Severity
    title: str
    status: AlertStatus
    triggered_at: datetime


class DashboardSummary(Schema):
    timezone: str
    currency: str
    devices: DeviceCounts
    alerts: OpenAlertCounts
    energy: EnergyPeriods
    current_load_kw: float | None
    peak_demand_today_kw: float | None
    load_curve_today: list[tuple[datetime, float]]
    top_consumers: list[TopConsumer]
    latest_alerts: list[AlertBrief]
