"""Arithmetic over several meters' quarters, pure like the calculator it builds on: virtual
meters (signed sums of devices), the highest 15-minute demand windows of a group with the
meters behind them, and energy and cost split by tariff period.

Virtual meters combine what each device measured after that device's own arithmetic, so a
sub-meter's counter restarting from zero is already a plain increase (its new reading) when
it is subtracted from a main meter: the restart never shows as a huge negative loss."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.services.energy import calculator as calc

SOURCE_VIRTUAL = "virtual"
# Peak events closer than this to a higher one are the same event seen twice.
PEAK_EVENT_SPACING_MS = calc.HOUR_MS


def virtual_quarters(terms: Sequence[tuple[float, calc.DeviceQuarters]]) -> calc.DeviceQuarters:
    """A virtual meter's quarters from its terms (sign, device quarters).

    A quarter has energy only when every term with an energy source has energy in it: a
    difference with one side missing (a sub-meter offline) is not a loss, it is unknown.
    Demand is the signed sum of the terms' interval demand over the same quarters. Terms
    without any energy role are left out; a meter whose terms all lack one has no source."""
    measured = [(sign, quarters) for sign, quarters in terms if quarters.source is not None]
    if not measured:
        return calc.DeviceQuarters(source=None)
    common = set(measured[0][1].energy)
    for _sign, quarters in measured[1:]:
        common &= quarters.energy.keys()
    energy: dict[int, float] = {}
    demand: dict[int, float] = {}
    for quarter in sorted(common):
        energy[quarter] = sum(sign * q.energy[quarter] for sign, q in measured)
        parts = [q.interval_demand(quarter) for _sign, q in measured]
        if all(part is not None for part in parts):
            demand[quarter] = sum(sign * part for (sign, _q), part  # type: ignore[operator]
                                  in zip(measured, parts, strict=True))
    settled = [q.settled_until for _sign, q in measured if q.settled_until is not None]
    return calc.DeviceQuarters(source=SOURCE_VIRTUAL, energy=energy, demand=demand,
                               settled_until=min(settled) if settled else None)


def summed_energy(meters: Iterable[calc.DeviceQuarters]) -> dict[int, float]:
    total: dict[int, float] = {}
    for meter in meters:
        for quarter, kwh in meter.energy.items():
            total[quarter] = total.get(quarter, 0.0) + kwh
    return total


@dataclass(frozen=True)
class Contribution:
    index: int          # position of the meter in the list given
    demand_kw: float


@dataclass(frozen=True)
class PeakEvent:
    start_ms: int
    demand_kw: float
    contributions: list[Contribution]


def peak_events(meters: Sequence[calc.DeviceQuarters], start_ms: int, end_ms: int, *,
                count: int = 5, spacing_ms: int = PEAK_EVENT_SPACING_MS) -> list[PeakEvent]:
    """The `count` highest quarters of the meters' summed demand in [start, end), highest
    first, each with every meter's share of it (largest first, meters without demand in
    that quarter left out). A quarter within `spacing_ms` of a higher chosen one is skipped,
    so that one long peak does not fill the list."""
    totals: list[tuple[float, int]] = []
    for quarter in calc.quarters(start_ms, end_ms):
        total: float | None = None
        for meter in meters:
            kw = meter.demand.get(quarter)
            if kw is not None:
                total = kw if total is None else total + kw
        if total is not None:
            totals.append((total, quarter))
    totals.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen: list[PeakEvent] = []
    for total, quarter in totals:
        if len(chosen) >= count:
            break
        if any(abs(quarter - event.start_ms) < spacing_ms for event in chosen):
            continue
        parts = [Contribution(i, meter.demand[quarter]) for i, meter in enumerate(meters)
                 if quarter in meter.demand]
        parts.sort(key=lambda part: (-part.demand_kw, part.index))
        chosen.append(PeakEvent(quarter, total, parts))
    return chosen


@dataclass(frozen=True)
class PeriodCost:
    name: str
    energy_kwh: float
    cost: float | None


def cost_by_tariff_period(energy: Mapping[int, float], prices: calc.QuarterPrices
                          ) -> list[PeriodCost]:
    """Energy and cost per tariff period (by the period each quarter starts in), in the
    order the periods first occur; cost is null for a factory without a price."""
    totals: dict[str, list[float]] = {}
    for quarter in sorted(energy):
        kwh = energy[quarter]
        entry = totals.setdefault(prices.period_name(quarter), [0.0, 0.0])
        entry[0] += kwh
        price = prices(quarter)
        if price is not None:
            entry[1] += kwh * price
    return [PeriodCost(name, kwh, cost if prices.priced else None)
            for name, (kwh, cost) in totals.items()]
