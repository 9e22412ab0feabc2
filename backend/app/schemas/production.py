"""Production figures per node, entered or counted, and energy baselines with their
performance (expected vs actual, savings, CUSUM)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.models.production import BASELINE_GRANULARITIES
from app.schemas.common import OneLine, Schema
from app.schemas.device import Input
from app.schemas.job import Id

ENTRIES_MAX = 1000
Granularity = Literal[BASELINE_GRANULARITIES]  # type: ignore[valid-type]
Quantity = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


class EntryInput(Input):
    node_id: Id
    day: date = Field(description="Local day of the factory")
    quantity: Quantity


def _distinct_days(entries: list[EntryInput]) -> list[EntryInput]:
    keys = [(e.node_id, e.day) for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("must not give a node and day twice")
    return entries


class EntriesUpsert(Input):
    entries: Annotated[list[EntryInput], Field(min_length=1, max_length=ENTRIES_MAX),
                       AfterValidator(_distinct_days)]


class EntryRead(Schema):
    id: int
    node_id: int
    day: date
    quantity: float
    created_by: int | None
    updated_at: datetime


class UploadResult(Schema):
    saved: int = Field(description="Rows written (new or replacing an earlier figure)")
    entries: list[EntryRead]


class ProductionDay(Schema):
    day: date
    counted: float | None = Field(description="What production counters counted")
    entered: float | None = Field(description="What was entered for the node itself")
    total: float | None = Field(description="The node's production: its own entry where "
                                            "there is one, else its counters plus its "
                                            "children's production")
    entry_id: int | None


class ProductionTable(Schema):
    node_id: int
    name: str
    unit: str | None
    timezone: str
    days: list[ProductionDay]


# --- baselines -----------------------------------------------------------------------------
class TemperatureVariable(Input):
    device_id: Id
    parameter_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class BaselineCreate(Input):
    node_id: Id
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=200), OneLine]
    period_start: date = Field(description="First local day of the baseline period")
    period_end: date = Field(description="Last local day of the baseline period (included)")
    granularity: Granularity = Field("day", description="Regression points: local days, or "
                                     "local hours (hours take production from counters "
                                     "only)")
    temperature: TemperatureVariable | None = Field(
        None, description="A second variable: this parameter's mean per period")

    @model_validator(mode="after")
    def _period_in_order(self) -> BaselineCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self


class BaselineModel(Schema):
    intercept: float = Field(description="kWh per period when nothing is produced")
    coefficients: dict[str, float] = Field(description="kWh per unit of each variable")
    r2: float | None = Field(description="Share of the energy's variation the model explains")
    points: int = Field(description="Periods the model was fitted on")


class BaselineRead(Schema):
    id: int
    node_id: int
    name: str
    period_start: date
    period_end: date
    granularity: Granularity
    temperature: TemperatureVariable | None
    model: BaselineModel | None = Field(description="Null until fitted")
    formula: str | None = Field(examples=["E = 120.0 + 2.5 × production"])
    fitted_at: datetime | None
    created_at: datetime


class PerformanceRow(Schema):
    start: datetime
    end: datetime
    actual_kwh: float
    production: float
    temperature: float | None
    expected_kwh: float
    savings_kwh: float = Field(description="Expected minus actual: positive is saved")
    cusum_kwh: float = Field(description="Running sum of actual minus expected")
    enpi: float | None = Field(description="Actual kWh per unit")
    expected_enpi: float | None


class PerformanceTotals(Schema):
    actual_kwh: float
    expected_kwh: float
    savings_kwh: float
    savings_pct: float | None
    production: float
    enpi: float | None
    expected_enpi: float | None


class BaselinePerformance(Schema):
    baseline: BaselineRead
    timezone: str
    start: date
    end: date
    rows: list[PerformanceRow]
    totals: PerformanceTotals
    skipped: int = Field(description="Periods left out for want of energy or production data")
