from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

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


# --- the Energy page: a factory or a node over a range, compared and broken down ------------
MeterKind = Literal["device", "virtual"]
ComparisonKind = Literal["previous_period", "last_year"]


class MeterEnergy(Schema):
    """`DeviceEnergy` for a virtual meter or an asset node."""

    id: int
    name: str
    timezone: str
    currency: str
    bucket: BucketSize
    source: Literal["energy_counter", "active_power", "virtual"] | None
    buckets: list[EnergyBucket]
    totals: EnergyFigures


class Scope(Schema):
    kind: Literal["factory", "node"]
    node_id: int | None
    name: str


class Comparison(Schema):
    kind: ComparisonKind
    start: datetime
    end: datetime
    totals: EnergyFigures
    buckets: list[EnergyBucket] = Field(description="Aligned with the main buckets by index")


class ShareRow(Schema):
    key: str = Field(description="What the row groups: a node id, an area, a device type, "
                                 "\"unaccounted\" for what no row holds")
    name: str
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None
    share: float | None


class MeterRow(ShareRow):
    kind: MeterKind
    id: int
    supply: bool = Field(description="A supply meter: the scope's total is its reading")
    peak_demand_kw: float | None


class TariffPeriodRow(Schema):
    name: str
    energy_kwh: float
    cost: float | None
    share: float | None


class PeakContributor(Schema):
    kind: MeterKind
    id: int
    name: str
    demand_kw: float


class PeakEventRow(Schema):
    start: datetime
    end: datetime
    demand_kw: float
    contributors: list[PeakContributor]


class EnergyAnalysis(Schema):
    timezone: str
    currency: str
    bucket: BucketSize
    start: datetime
    end: datetime
    scope: Scope
    buckets: list[EnergyBucket]
    totals: EnergyFigures
    comparisons: list[Comparison]
    by_node: list[ShareRow]
    by_area: list[ShareRow]
    by_type: list[ShareRow]
    meters: list[MeterRow]
    tariff_periods: list[TariffPeriodRow]
    peaks: list[PeakEventRow] = Field(description="The highest 15-minute demand windows, "
                                                  "at least an hour apart")
