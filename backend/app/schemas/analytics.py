from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from app.schemas.common import Schema
from app.schemas.job import DeviceIds, JobRead, UtcDateTime

AnalyticsKind = Literal["anomaly", "forecast"]
Resolution = Literal["auto", "1m", "5m", "15m", "1h"]
Granularity = Literal["hourly", "daily"]
ParameterKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AnomalyOptions(Schema):
    model_config = ConfigDict(extra="forbid")

    contamination: float = Field(0.01, ge=0.001, le=0.2,
                                 description="Expected share of anomalous moments")
    resolution: Resolution = Field(
        "auto", description="auto: one point a minute up to 7 days, coarser beyond")


class ForecastOptions(Schema):
    model_config = ConfigDict(extra="forbid")

    horizon_days: int = Field(7, ge=1, le=30)
    granularity: Granularity = "hourly"


class _JobCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    device_ids: DeviceIds
    start: UtcDateTime
    end: UtcDateTime


class AnomalyJobCreate(_JobCreate):
    kind: Literal["anomaly"]
    parameters: list[ParameterKey] = Field(
        min_length=1, max_length=10,
        description="Parameter keys; each must be known on at least one of the devices")
    options: AnomalyOptions = Field(default_factory=AnomalyOptions)


class ForecastJobCreate(_JobCreate):
    kind: Literal["forecast"]
    parameters: list[ParameterKey] = Field(
        default_factory=list, max_length=0,
        description="Leave empty: energy comes from each device's parameter with the "
                    "energy_counter role, else the active_power role")
    options: ForecastOptions = Field(default_factory=ForecastOptions)


AnalyticsJobCreate = Annotated[AnomalyJobCreate | ForecastJobCreate,
                               Field(discriminator="kind")]


class AnalyticsJobRead(JobRead):
    kind: AnalyticsKind
