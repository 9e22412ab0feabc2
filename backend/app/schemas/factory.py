from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.schemas.common import OneLine, Schema


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


# --- settings ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _known_timezones():
        raise ValueError(f"unknown IANA time zone {value!r}")
    return value


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


Price = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
StartClock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]
# A period may run to the end of the day; the next day's periods start again at 00:00.
EndClock = Annotated[str, Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$",
                                examples=["20:00", "24:00"])]
Weekday = Annotated[int, Field(ge=0, le=6, description="Monday = 0")]
TimeZoneName = Annotated[str, Field(max_length=64), AfterValidator(_check_timezone)]


class TariffInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FlatTariff(TariffInput):
    kind: Literal["flat"]
    price_per_kwh: Price


class TouPeriod(TariffInput):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
                    OneLine]
    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: StartClock
    end: EndClock
    price_per_kwh: Price

    @field_validator("days")
    @classmethod
    def _sorted_days(cls, days: list[int]) -> list[int]:
        return sorted(set(days))

    @model_validator(mode="after")
    def _starts_before_end(self) -> TouPeriod:
        if _minutes(self.start) >= _minutes(self.end):
            raise ValueError(f"period {self.name!r}: start must be before end (split a period "
                             "that crosses midnight into two)")
        return self


class TouTariff(TariffInput):
    kind: Literal["tou"]
    default_price_per_kwh: Price
    periods: list[TouPeriod] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _no_overlap_within_a_day(self) -> TouTariff:
        # Overlapping periods would make the price of an hour depend on list order.
        for day in range(7):
            spans = sorted((_minutes(p.start), _minutes(p.end), p.name)
                           for p in self.periods if day in p.days)
            for (_, end, name), (start, _, next_name) in zip(spans, spans[1:], strict=False):
                if start < end:
                    raise ValueError(f"periods {name!r} and {next_name!r} overlap on day {day}")
        return self


Tariff = Annotated[FlatTariff | TouTariff, Field(discriminator="kind")]


class DeviceQuotaSettings(BaseModel):
    """A factory's own per-device intake limits; a field left out uses the platform default,
    and the payload size never exceeds the platform's ceiling."""

    model_config = ConfigDict(extra="forbid")

    messages_per_second: float | None = Field(default=None, gt=0, le=10_000,
                                              allow_inf_nan=False)
    burst_messages: int | None = Field(default=None, ge=1, le=1_000_000)
    values_per_message: int | None = Field(default=None, ge=1, le=100_000)
    parameters_per_device: int | None = Field(default=None, ge=1, le=100_000)
    payload_bytes: int | None = Field(default=None, ge=1024, le=16 * 1024 * 1024)


class FactoryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=200), OneLine] | None = None
    timezone: TimeZoneName | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])] | None = None
    co2_kg_per_kwh: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)] | None = None
    tariff: Tariff | None = None
    online_threshold_seconds: int | None = Field(
        default=None, ge=10, le=86400,
        description="How recently a device must have been seen to count as online; null "
                    "returns to the platform default")
    allow_auto_register: bool | None = Field(
        default=None, description="Register unknown device keys as discovered devices")
    device_quotas: DeviceQuotaSettings | None = Field(
        default=None, description="Per-device intake limits; null returns to the platform "
                                  "defaults")

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> FactoryUpdate:
        nullable = {"online_threshold_seconds", "device_quotas"}
        explicit_nulls = [f for f in self.model_fields_set
                          if f not in nullable and getattr(self, f) is None]
        if explicit_nulls:
            raise ValueError(f"{', '.join(sorted(explicit_nulls))} cannot be null")
        return self
