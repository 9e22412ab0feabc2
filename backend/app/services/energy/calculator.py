"""Energy arithmetic as pure functions: no I/O, no clock, no database. The service feeds them
15-minute aggregates read from the time-series store; reports reuse them through the service,
so the API and every report compute the same numbers.

Everything works on quarter hours (epoch-aligned 15-minute intervals, the billing interval
for peak demand), identified by their start in epoch milliseconds. Local-time buckets (hour,
day, month in the factory's zone) are unions of whole quarters: every zone offset in use is
a multiple of 15 minutes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

QUARTER_MS = 900_000
HOUR_MS = 3_600_000
QUARTERS_PER_HOUR = 4

BucketSize = Literal["hour", "day", "month"]
SOURCE_COUNTER = "energy_counter"
SOURCE_POWER = "active_power"


def floor_quarter(ms: int) -> int:
    return ms - ms % QUARTER_MS


def ceil_quarter(ms: int) -> int:
    return -((-ms) // QUARTER_MS) * QUARTER_MS


def quarters(start_ms: int, end_ms: int) -> range:
    """Starts of the quarters inside [start, end), both ends on quarter boundaries."""
    return range(start_ms, end_ms, QUARTER_MS)


# --- energy per quarter ---------------------------------------------------------------------
def counter_energy(readings: Sequence[tuple[int, float]], start_ms: int, end_ms: int
                   ) -> dict[int, float]:
    """kWh per quarter in [start, end) from an energy counter's last reading per quarter
    (`readings`: quarter start → last value in that quarter, in time order).

    A reading stands at the end of its quarter. The increase between two consecutive
    readings belongs to the quarters after the first up to and including the second, split
    evenly: a gap in the data spreads its increase over the gap in proportion to time. A
    drop means the meter restarted from zero, so the new reading itself is the increase."""
    energy: dict[int, float] = {}
    previous: tuple[int, float] | None = None
    for quarter, value in readings:
        if previous is not None and quarter > previous[0]:
            before_q, before_v = previous
            increase = value - before_v if value >= before_v else value
            increase = max(increase, 0.0)
            steps = (quarter - before_q) // QUARTER_MS
            share = increase / steps
            # Only the part of the spread that falls inside [start, end).
            first = max(1, -((before_q - start_ms) // QUARTER_MS))
            last = min(steps, (end_ms - 1 - before_q) // QUARTER_MS)
            for k in range(first, last + 1):
                q = before_q + k * QUARTER_MS
                energy[q] = energy.get(q, 0.0) + share
        previous = (quarter, value)
    return energy


def power_energy(means_kw: Mapping[int, float]) -> dict[int, float]:
    """kWh per quarter from the mean active power of each quarter with data; a quarter without
    data contributes nothing (no data, no energy)."""
    return {q: kw * 0.25 for q, kw in means_kw.items()}


@dataclass
class DeviceQuarters:
    """What one device did in each quarter of a range."""

    source: str | None
    energy: dict[int, float] = field(default_factory=dict)        # kWh
    demand: dict[int, float] = field(default_factory=dict)        # average kW
    power_factor: dict[int, float] = field(default_factory=dict)  # mean
    has_power_factor: bool = False
    # Counter energy is known only up to the counter's last reading: later readings spread
    # their increase back over a gap. None when nothing later can change the figures.
    settled_until: int | None = None

    def interval_demand(self, quarter: int) -> float | None:
        """Average power of a quarter: measured when a power parameter is assigned, else
        derived from the energy the quarter received."""
        demand = self.demand.get(quarter)
        if demand is None and quarter in self.energy:
            return self.energy[quarter] * QUARTERS_PER_HOUR
        return demand

    def peak_demand(self) -> float | None:
        return max(self.demand.values()) if self.demand else None


def device_quarters(*, start_ms: int, end_ms: int,
                    counter: Sequence[tuple[int, float]] | None = None,
                    power: Mapping[int, float] | None = None,
                    power_factor: Mapping[int, float] | None = None,
                    spread: Callable[[Sequence[tuple[int, float]], int, int],
                                     dict[int, float]] | None = None) -> DeviceQuarters:
    """Combine a device's role series (None: role not assigned) into per-quarter figures.
    Energy comes from the counter when there is one, else from integrated power; demand
    from the power parameter when there is one, else from the counter's increase x 4.
    `spread` replaces `counter_energy` (the array implementation gives the same numbers)."""

    def inside(values: Mapping[int, float]) -> dict[int, float]:
        return {q: v for q, v in values.items() if start_ms <= q < end_ms}

    if counter is not None:
        source: str | None = SOURCE_COUNTER
        energy = (spread or counter_energy)(counter, start_ms, end_ms)
    elif power is not None:
        source = SOURCE_POWER
        energy = power_energy(inside(power))
    else:
        source, energy = None, {}
    if power is not None:
        demand = inside(power)
    else:
        demand = {q: kwh * QUARTERS_PER_HOUR for q, kwh in energy.items()}
    settled_until = None
    if counter is not None:
        settled_until = counter[-1][0] + QUARTER_MS if counter else start_ms
    return DeviceQuarters(source=source, energy=energy, demand=demand,
                          power_factor=inside(power_factor) if power_factor else {},
                          has_power_factor=power_factor is not None,
                          settled_until=settled_until)


# --- local buckets --------------------------------------------------------------------------
def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def day_start(day: date, zone: ZoneInfo) -> int:
    """Epoch ms of the first instant of a local day."""
    return _local_midnight(day, zone)


def _local_midnight(day: date, zone: ZoneInfo) -> int:
    # A midnight that does not exist (a zone switching at 00:00) resolves to the first
    # instant of the day, which is what a day bucket must start with.
    return _ms(datetime(day.year, day.month, day.day, tzinfo=zone))


def _next_local_hour(ms: int, zone: ZoneInfo) -> int:
    # An hour later in absolute time is the next local hour unless the clocks moved by a
    # fraction of an hour; then the boundary is where the local minute is zero again.
    candidate = ms + HOUR_MS
    minute = datetime.fromtimestamp(candidate / 1000, zone).minute
    if minute == 0:
        return candidate
    floor = candidate - minute * 60_000
    return floor if floor > ms else candidate + (60 - minute) * 60_000


def bucket_floor(ms: int, zone: ZoneInfo, size: BucketSize) -> int:
    local = datetime.fromtimestamp(ms / 1000, zone)
    if size == "hour":
        return _ms(local.replace(minute=0, second=0, microsecond=0))
    if size == "day":
        return _local_midnight(local.date(), zone)
    return _local_midnight(local.date().replace(day=1), zone)


def next_bucket(ms: int, zone: ZoneInfo, size: BucketSize) -> int:
    """Start of the bucket after the one starting at `ms`."""
    if size == "hour":
        return _next_local_hour(ms, zone)
    local = datetime.fromtimestamp(ms / 1000, zone).date()
    if size == "day":
        return _local_midnight(local + timedelta(days=1), zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return _local_midnight(date(year, month, 1), zone)


def local_buckets(start_ms: int, end_ms: int, zone: ZoneInfo, size: BucketSize,
                  limit: int | None = None) -> list[tuple[int, int]]:
    """Calendar buckets of the factory's zone overlapping [start, end), clipped to it. A
    local day is 23 or 25 hours long when the clocks change; months are calendar months.
    Raises OverflowError past `limit` buckets."""
    buckets: list[tuple[int, int]] = []
    cursor = bucket_floor(start_ms, zone, size)
    while cursor < end_ms:
        following = next_bucket(cursor, zone, size)
        buckets.append((max(cursor, start_ms), min(following, end_ms)))
        if limit is not None and len(buckets) > limit:
            raise OverflowError(f"more than {limit} buckets")
        cursor = following
    return buckets


def count_buckets(start_ms: int, end_ms: int, zone: ZoneInfo, size: BucketSize) -> int:
    """Bucket count without building them, close enough to refuse absurd requests early."""
    span_hours = (end_ms - start_ms) / HOUR_MS
    if size == "hour":
        return int(span_hours) + 2
    if size == "day":
        return int(span_hours / 23) + 2
    return int(span_hours / (28 * 24)) + 2


# --- tariffs --------------------------------------------------------------------------------
def _minute_of_day(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class Tariff:
    """Price per kWh at a local moment: `{"kind": "flat", "price_per_kwh": p}` or
    `{"kind": "tou", "default_price_per_kwh": p, "periods": [{"days": [0-6, Monday=0],
    "start": "HH:MM", "end": "HH:MM" or "24:00", "price_per_kwh": p}, ...]}`. A factory
    without a usable tariff has no price, and its costs are null."""

    def __init__(self, spec: Mapping[str, Any] | None) -> None:
        self.flat: float | None = None
        self.default: float | None = None
        self.periods: list[tuple[frozenset[int], int, int, float]] = []
        self.period_names: list[str] = []
        spec = spec or {}
        try:
            if spec.get("kind") == "flat":
                self.flat = float(spec["price_per_kwh"])
            elif spec.get("kind") == "tou":
                self.default = float(spec["default_price_per_kwh"])
                for n, period in enumerate(spec.get("periods") or (), start=1):
                    self.periods.append((frozenset(int(d) for d in period["days"]),
                                         _minute_of_day(period["start"]),
                                         _minute_of_day(period["end"]),
                                         float(period["price_per_kwh"])))
                    self.period_names.append(str(period.get("name") or f"period {n}"))
        except (KeyError, TypeError, ValueError):
            self.flat = self.default = None
            self.periods = []
            self.period_names = []
        self._by_slot: dict[tuple[int, int], float | None] = {}
        self._names_by_slot: dict[tuple[int, int], str] = {}

    @property
    def priced(self) -> bool:
        return self.flat is not None or self.default is not None

    def price_at(self, local: datetime) -> float | None:
        if self.flat is not None or not self.priced:
            return self.flat
        slot = (local.weekday(), local.hour * 60 + local.minute)
        if slot in self._by_slot:
            return self._by_slot[slot]
        price = self.default
        for days, start, end, period_price in self.periods:
            if slot[0] in days and start <= slot[1] < end:
                price = period_price
                break
        self._by_slot[slot] = price
        return price

    def period_name_at(self, local: datetime) -> str:
        """The tariff period a local moment falls in, by the name the tariff gives it: the
        first matching period, as for the price; "standard" outside every period and "flat"
        for a flat tariff."""
        if not self.periods:
            return "flat" if self.flat is not None else "standard"
        slot = (local.weekday(), local.hour * 60 + local.minute)
        name = self._names_by_slot.get(slot)
        if name is None:
            name = "standard"
            for (days, start, end, _price), period_name in zip(self.periods,
                                                                self.period_names,
                                                                strict=True):
                if slot[0] in days and start <= slot[1] < end:
                    name = period_name
                    break
            self._names_by_slot[slot] = name
        return name


class QuarterPrices:
    """The tariff price of each quarter, taken at the quarter's local start time, memoised
    because every device of a factory shares it."""

    def __init__(self, tariff: Tariff, zone: ZoneInfo) -> None:
        self.tariff = tariff
        self.zone = zone
        self._prices: dict[int, float | None] = {}

    @property
    def priced(self) -> bool:
        return self.tariff.priced

    def __call__(self, quarter: int) -> float | None:
        try:
            return self._prices[quarter]
        except KeyError:
            price = self.tariff.price_at(datetime.fromtimestamp(quarter / 1000, self.zone))
            self._prices[quarter] = price
            return price

    def period_name(self, quarter: int) -> str:
        return self.tariff.period_name_at(datetime.fromtimestamp(quarter / 1000, self.zone))


def cost_of(energy: Mapping[int, float], prices: Callable[[int], float | None]
            ) -> float | None:
    total = 0.0
    for quarter, kwh in energy.items():
        price = prices(quarter)
        if price is None:
            return None
        total += kwh * price
    return total


# --- figures per bucket ---------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    energy_kwh: float | None
    cost: float | None
    co2_kg: float | None
    peak_demand_kw: float | None
    load_factor: float | None
    avg_power_factor: float | None
    idle_kwh: float | None
    running_kwh: float | None

    def as_dict(self, digits: int = 6) -> dict[str, float | None]:
        return {name: (None if value is None else round(value, digits))
                for name, value in self.__dict__.items()}


def idle_threshold_kw(device: DeviceQuarters, configured_kw: float | None) -> float:
    """The device's configured idle threshold, else 10% of its highest quarter-hour demand
    in the range."""
    if configured_kw is not None:
        return configured_kw
    demands = [d for d in (device.interval_demand(q) for q in device.energy) if d is not None]
    demands.extend(device.demand.values())
    return 0.1 * max(demands) if demands else 0.0


@dataclass
class _Tally:
    energy: float = 0.0
    cost: float | None = 0.0
    idle: float = 0.0
    running: float = 0.0


def _device_tally(device: DeviceQuarters, span: Iterable[int], prices: QuarterPrices,
                  threshold_kw: float) -> _Tally:
    tally = _Tally(cost=0.0 if prices.priced else None)
    for quarter in span:
        kwh = device.energy.get(quarter)
        if kwh is None:
            continue
        tally.energy += kwh
        if tally.cost is not None:
            tally.cost += kwh * prices(quarter)  # type: ignore[operator]
        demand = device.interval_demand(quarter)
        if demand is not None and demand < threshold_kw:
            tally.idle += kwh
        else:
            tally.running += kwh
    return tally


def _elapsed_hours(start_ms: int, end_ms: int, now_ms: int) -> float:
    return max(0, min(end_ms, now_ms) - start_ms) / HOUR_MS


def figures(devices: Sequence[DeviceQuarters], start_ms: int, end_ms: int, *,
            prices: QuarterPrices, co2_per_kwh: float, thresholds_kw: Sequence[float],
            now_ms: int) -> Figures:
    """Energy KPIs of one or more devices over [start, end) (quarter-aligned). For several
    devices, energies add up, peak demand is the highest quarter of their summed demand, and
    the power factor is the energy-weighted mean of each device's time average."""
    span = quarters(start_ms, end_ms)
    with_energy = [d for d in devices if d.source is not None]
    energy = cost = idle = running = None
    if with_energy:
        energy, cost, idle, running = 0.0, (0.0 if prices.priced else None), 0.0, 0.0
        for device, threshold in zip(devices, thresholds_kw, strict=True):
            if device.source is None:
                continue
            tally = _device_tally(device, span, prices, threshold)
            energy += tally.energy
            idle += tally.idle
            running += tally.running
            cost = None if cost is None or tally.cost is None else cost + tally.cost

    peak = _peak(devices, span)
    load_factor = None
    hours = _elapsed_hours(start_ms, end_ms, now_ms)
    if energy is not None and peak and hours > 0:
        load_factor = energy / hours / peak
    return Figures(
        energy_kwh=energy,
        cost=cost,
        co2_kg=None if energy is None else energy * co2_per_kwh,
        peak_demand_kw=peak,
        load_factor=load_factor,
        avg_power_factor=_power_factor(devices, span),
        idle_kwh=idle,
        running_kwh=running,
    )


def _peak(devices: Sequence[DeviceQuarters], span: range) -> float | None:
    best: float | None = None
    for quarter in span:
        total: float | None = None
        for device in devices:
            kw = device.demand.get(quarter)
            if kw is not None:
                total = kw if total is None else total + kw
        if total is not None and (best is None or total > best):
            best = total
    return best


def _power_factor(devices: Sequence[DeviceQuarters], span: range) -> float | None:
    weighted = weights = 0.0
    plain: list[float] = []
    for device in devices:
        values = [device.power_factor[q] for q in span if q in device.power_factor]
        if not values:
            continue
        mean = sum(values) / len(values)
        plain.append(mean)
        kwh = sum(device.energy.get(q, 0.0) for q in span)
        weighted += mean * kwh
        weights += kwh
    if not plain:
        return None
    if len(plain) == 1 or weights <= 0:
        return sum(plain) / len(plain)
    return weighted / weights


def bucket_figures(buckets: Sequence[tuple[int, int]], devices: Sequence[DeviceQuarters], *,
                   prices: QuarterPrices, co2_per_kwh: float,
                   configured_thresholds_kw: Sequence[float | None], now_ms: int
                   ) -> tuple[list[Figures], Figures]:
    """Figures per bucket and for the whole range. Idle thresholds default per device to 10%
    of its highest demand over the whole range, so every bucket splits alike."""
    thresholds = [idle_threshold_kw(device, configured)
                  for device, configured in zip(devices, configured_thresholds_kw, strict=True)]
    per_bucket = [figures(devices, start, end, prices=prices, co2_per_kwh=co2_per_kwh,
                          thresholds_kw=thresholds, now_ms=now_ms) for start, end in buckets]
    if not buckets:
        totals = figures(devices, 0, 0, prices=prices, co2_per_kwh=co2_per_kwh,
                         thresholds_kw=thresholds, now_ms=now_ms)
    else:
        totals = figures(devices, buckets[0][0], buckets[-1][1], prices=prices,
                         co2_per_kwh=co2_per_kwh, thresholds_kw=thresholds, now_ms=now_ms)
    return per_bucket, totals


def utc_iso(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)
