from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.schemas.common import Schema

BucketSize = Literal["hour", "day", "month"]
EnergySource = Literal["energy_counter", "active_power"]


class EnergyFigures(Schema):
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None
    peak_demand_kw: float | None
    load_factor: float | None
    avg_power_factor: float | None
    idle_kwh: float | None
    running_kwh: float | None


class EnergyBucket(EnergyFigures):
    start: datetime
    end: datetime


class DeviceEnergy(Schema):
    device_id: int
    timezone: str
    currency: str
    bucket: BucketSize
    source: EnergySource | None
    buckets: list[EnergyBucket]
    totals: EnergyFigures


class DeviceShare(Schema):
    device_id: int
    name: str
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None
    share: float | None


class FactoryEnergy(Schema):
    timezone: str
    currency: str
    bucket: BucketSize
    buckets: list[EnergyBucket]
    totals: EnergyFigures
    devices: list[DeviceShare]
    top_consumers: list[DeviceShare]
