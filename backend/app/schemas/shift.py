"""The shift calendar and figures per shift."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from app.core.clock import parse_clock
from app.schemas.common import OneLine, Schema
from app.schemas.device import Input
from app.schemas.energy import Scope
from app.schemas.job import _unique

ShiftName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=100), OneLine]
Weekdays = Annotated[list[Annotated[int, Field(ge=0, le=6)]],
                     Field(min_length=1, max_length=7), AfterValidator(_unique)]


def _quarter_hour(text: str, *, end: bool) -> str:
    if parse_clock(text, allow_end_of_day=end) % 15:
        raise ValueError("must be on a quarter hour (:00, :15, :30 or :45)")
    return text


StartClock = Annotated[str, AfterValidator(lambda t: _quarter_hour(t, end=False)),
                       Field(examples=["22:00"])]
EndClock = Annotated[str, AfterValidator(lambda t: _quarter_hour(t, end=True)),
                     Field(examples=["06:00"], description="At or before the start: the next "
                                                           "day; 24:00 is midnight")]


class ShiftCreate(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Night", "start": "22:00", "end": "06:00", "days": [0, 1, 2, 3, 4]}]})

    name: ShiftName
    start: StartClock
    end: EndClock
    days: Weekdays = Field(description="Weekdays the shift starts on, Monday = 0")


class ShiftUpdate(Input):
    name: ShiftName | None = None
    start: StartClock | None = None
    end: EndClock | None = None
    days: Weekdays | None = None

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> ShiftUpdate:
        self._refuse_nulls("name", "start", "end", "days")
        return self


class ShiftRead(Schema):
    id: int
    name: str
    start: str
    end: str
    days: list[int]
    hours: float = Field(description="Length of one shift")
    crosses_midnight: bool


class ShiftFigures(Schema):
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None
    peak_demand_kw: float | None
    production: float | None = Field(description="Units produced; null when nothing counts "
                                                 "them or a daily entry cannot be split")
    enpi: float | None = Field(description="kWh per unit")


class ShiftOccurrence(ShiftFigures):
    shift_id: int
    name: str
    day: date = Field(description="The local day the shift starts on")
    start: datetime
    end: datetime


class ShiftTotals(ShiftFigures):
    shift_id: int | None = Field(description="Null for the time outside every shift")
    name: str
    occurrences: int


class ShiftReport(Schema):
    timezone: str
    currency: str
    scope: Scope
    start: date
    end: date
    shifts: list[ShiftTotals] = Field(description="Per shift of the calendar, then the time "
                                                  "outside every shift")
    occurrences: list[ShiftOccurrence]
