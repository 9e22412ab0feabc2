"""Energy KPIs of a device or a whole factory over local-time buckets, and the figures the
dashboard shows. Free of HTTP types so that report workers reuse it and print the same
numbers as the API.

Data flow: 15-minute aggregates of each device's role parameters (`last` of the energy
counter, `mean` of active power and power factor) are read per UTC hour; hours that are over
are cached (they no longer change), so only recent hours hit the time-series store. The
arithmetic lives in `energy_calc`."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import session_scope
from app.core.errors import ValidationFailed, not_found
from app.core.time_range import MAX_RANGE, as_utc
from app.models.device import Device
from app.models.factory import Factory
from app.repositories.device_repo import DeviceParameterRepository, DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.schemas.energy import (
    DeviceEnergy,
    DeviceShare,
    EnergyBucket,
    EnergyFigures,
    FactoryEnergy,
)
from app.services.energy import calculator as calc
from app.services.energy import calculator_arrays
from app.services.energy.aggregate_cache import AggregateCache
from app.services.energy.shared_refresh import ENERGY_FRESH_SECONDS, shared_refresh
from app.stores.resources import Resources
from app.stores.timeseries.base import SeriesKey, TimeSeriesStore, from_epoch_ms, to_epoch_ms

ENERGY_ROLES = (calc.SOURCE_COUNTER, calc.SOURCE_POWER, "power_factor")
MAX_BUCKETS = 2000
# An hour is cached once it ended this long ago: the ingester's batches have landed by then.
SETTLE_MS = 5 * 60_000
HOUR_TTL_SECONDS = 40 * 86_400
DAY_TTL_SECONDS = 400 * 86_400
# How far to look for the counter reading just before a range, or just after it when the
# range ends inside a gap.
COUNTER_REACH_MS = 86_400_000
# Arithmetic over at least this many device-quarters runs in a worker thread (`_off_loop`).
_THREAD_MIN_WORK = 20_000
# An hour's cached record: counter, power and power factor (in that order) of its four
# quarters as float64, NaN where a quarter has none.
_ROLE_SLOTS = ("counter", "power", "power_factor")
_RECORD_BYTES = len(_ROLE_SLOTS) * calc.QUARTERS_PER_HOUR * 8
_T = TypeVar("_T")
_FACTORY_ENERGY_KEY = "factory_energy"


@dataclass(frozen=True)
class EnergyDevice:
    """A device as energy sees it: which parameter holds each role."""

    id: int
    name: str
    counter_key: str | None
    power_key: str | None
    power_factor_key: str | None
    idle_threshold_kw: float | None
    # The site's supply (main) meter: it measures what the other meters measure, so where
    # a group holds supply meters their sum is the group's total, not every meter's.
    supply: bool = False

    @cached_property
    def roles_digest(self) -> str:
        text = "\x1f".join(k or "" for k in (self.counter_key, self.power_key,
                                             self.power_factor_key))
        return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


@dataclass
class DeviceDay:
    energy_kwh: float | None
    cost: float | None


@dataclass
class TodayAndMonth:
    """What the dashboard shows about energy: today per device, the month so far, and the
    factory's load curve since local midnight."""

    today_by_device: dict[int, DeviceDay]
    month_energy_kwh: float | None
    month_cost: float | None
    load_curve: list[tuple[int, float]]


def _idle_threshold(device: Device) -> float | None:
    value = (device.meta or {}).get("idle_threshold_kw")
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def is_supply_meter(device: Device) -> bool:
    return (device.meta or {}).get("supply_meter") is True


def counted_devices(devices: Sequence[EnergyDevice]) -> list[EnergyDevice]:
    """The devices a group's total is made of: its supply meters when it has any (summing
    them with their sub-meters would count sub-metered energy twice), else all of them."""
    return [d for d in devices if d.supply] or list(devices)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _floor_hour(ms: int) -> int:
    return ms - ms % calc.HOUR_MS


def _ceil_hour(ms: int) -> int:
    return -((-ms) // calc.HOUR_MS) * calc.HOUR_MS


@dataclass
class _Facts:
    counter: list[tuple[int, float]] | None
    power: dict[int, float] | None
    power_factor: dict[int, float] | None


class EnergyService:
    def __init__(self, session: AsyncSession, factory: Factory, timeseries: TimeSeriesStore,
                 cache: AggregateCache | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.session = session
        self.factory = factory
        self.timeseries = timeseries
        self.cache = cache
        self.clock = clock or (lambda: datetime.now(UTC))
        self.zone = ZoneInfo(factory.timezone or "UTC")
        self.tariff = calc.Tariff(factory.tariff)
        self.co2_per_kwh = float(factory.co2_kg_per_kwh or 0)
        self.devices = DeviceRepository(session, factory.id)
        self.parameters = DeviceParameterRepository(session, factory.id)
        self._pricing_digest = hashlib.blake2s(
            orjson.dumps([factory.tariff, self.zone.key], option=orjson.OPT_SORT_KEYS),
            digest_size=8).hexdigest()

    # -- public ----------------------------------------------------------------------------
    async def device_energy(self, device: Device, start: datetime | None, end: datetime | None,
                            bucket: calc.BucketSize) -> DeviceEnergy:
        now_ms = self._now_ms()
        start_ms, end_ms, buckets = self._range(start, end, bucket, now_ms)
        [energy_device] = await self.energy_devices([device])
        quarters = (await self.device_quarters([energy_device], start_ms, end_ms))[device.id]
        per_bucket, totals = calc.bucket_figures(
            buckets, [quarters], prices=self._prices(), co2_per_kwh=self.co2_per_kwh,
            configured_thresholds_kw=[energy_device.idle_threshold_kw], now_ms=now_ms)
        return DeviceEnergy(device_id=device.id, **self._header(bucket),
                            source=quarters.source,
                            buckets=self.bucket_rows(buckets, per_bucket),
                            totals=EnergyFigures(**totals.as_dict()))

    async def factory_energy(self, start: datetime | None, end: datetime | None,
                             bucket: calc.BucketSize) -> FactoryEnergy:
        return await self.group_energy(await self.devices.list_all(), start, end, bucket)

    async def shared_factory_energy(self, resources: Resources, start: datetime | None,
                                    end: datetime | None, bucket: calc.BucketSize
                                    ) -> FactoryEnergy:
        """`factory_energy` as the API serves it: one computation per factory, range and
        bucket shared by every request of the process and renewed every
        ENERGY_FRESH_SECONDS in the background (summing every device of a factory over a
        month costs seconds; serving it costs a millisecond). Reports call
        `factory_energy` and always compute afresh."""
        now_ms = self._now_ms()
        start_ms, end_ms, _ = self._range(start, end, bucket, now_ms)  # refuses bad ranges
        # The factory's pricing is part of the key, so a new tariff is priced at once;
        # device changes and new telemetry show within the freshness bound.
        key = (self.factory.id, self._pricing_digest, self.co2_per_kwh, start_ms, end_ms,
               bucket)
        factory_id = self.factory.id
        timeseries, cache = self.timeseries, self.cache

        async def compute() -> FactoryEnergy:
            # Its own session: the computation is shared by requests and outlives each.
            async with session_scope() as session:
                factory = await FactoryRepository(session).get(factory_id)
                if factory is None:
                    raise not_found("factory")
                service = EnergyService(session, factory, timeseries, cache)
                return await service.factory_energy(from_epoch_ms(start_ms),
                                                    from_epoch_ms(end_ms), bucket)

        refresh = shared_refresh(resources, _FACTORY_ENERGY_KEY, ENERGY_FRESH_SECONDS)
        return await refresh.get(key, compute)

    async def group_energy(self, devices: Sequence[Device], start: datetime | None,
                           end: datetime | None, bucket: calc.BucketSize) -> FactoryEnergy:
        """`factory_energy` for a chosen set of devices (reports on part of a factory):
        their summed energy and cost, and their coincident peak demand. Where the set holds
        supply meters, the totals are theirs (see `counted_devices`)."""
        now_ms = self._now_ms()
        start_ms, end_ms, buckets = self._range(start, end, bucket, now_ms)
        energy_devices = await self.energy_devices(devices)
        by_id = await self.device_quarters(energy_devices, start_ms, end_ms)
        quarters = [by_id[d.id] for d in energy_devices]
        counted = counted_devices(energy_devices)
        prices = self._prices()
        per_bucket, totals = await _off_loop(
            len(counted) * len(calc.quarters(start_ms, end_ms)), calculator_arrays.bucket_figures,
            buckets, [by_id[d.id] for d in counted], prices=prices,
            co2_per_kwh=self.co2_per_kwh,
            configured_thresholds_kw=[d.idle_threshold_kw for d in counted], now_ms=now_ms)
        rows = await _off_loop(len(energy_devices) * len(calc.quarters(start_ms, end_ms)),
                               _device_shares, energy_devices, quarters, prices,
                               totals.energy_kwh, self.co2_per_kwh)
        # Consumers are the meters below the supply meters (when there is anything below).
        supply_ids = ({d.id for d in counted} if len(counted) < len(energy_devices)
                      else set())
        ranked = sorted((r for r in rows if r.energy_kwh is not None
                         and r.device_id not in supply_ids),
                        key=lambda r: (-(r.energy_kwh or 0.0), r.name, r.device_id))
        return FactoryEnergy(**self._header(bucket),
                             buckets=self.bucket_rows(buckets, per_bucket),
                             totals=EnergyFigures(**totals.as_dict()),
                             devices=rows, top_consumers=ranked[:5])

    async def today_and_month(self, devices: Sequence[EnergyDevice]) -> TodayAndMonth:
        """Today per device, the month so far and today's load curve (the last two over the
        devices `counted_devices` keeps). Complete days of the month are cached per device,
        so a refresh reads today's hours and little else."""
        now_ms = self._now_ms()
        today = datetime.fromtimestamp(now_ms / 1000, self.zone).date()
        today_start = calc.bucket_floor(now_ms, self.zone, "day")
        today_end = min(calc.next_bucket(today_start, self.zone, "day"),
                        calc.ceil_quarter(now_ms + 1))
        prices = self._prices()
        by_id = await self.device_quarters(devices, today_start, today_end)
        counted = counted_devices(devices)
        counted_ids = {d.id for d in counted}
        today_by_device: dict[int, DeviceDay] = {}
        curve: dict[int, float] = {}
        for device in devices:
            quarters = by_id[device.id]
            if quarters.source is None:
                today_by_device[device.id] = DeviceDay(None, None)
            else:
                today_by_device[device.id] = DeviceDay(sum(quarters.energy.values()),
                                                       calc.cost_of(quarters.energy, prices))
            if device.id in counted_ids:
                for quarter, kw in quarters.demand.items():
                    curve[quarter] = curve.get(quarter, 0.0) + kw

        past_days = await self._month_days(counted, today, today_start, now_ms)
        month_energy = month_cost = None
        for day in [*past_days, *(today_by_device[i] for i in counted_ids)]:
            if day.energy_kwh is not None:
                month_energy = (month_energy or 0.0) + day.energy_kwh
            if day.cost is not None:
                month_cost = (month_cost or 0.0) + day.cost
        return TodayAndMonth(today_by_device, month_energy, month_cost, sorted(curve.items()))

    async def energy_devices(self, devices: Sequence[Device]) -> list[EnergyDevice]:
        """Role assignments of many devices in one query. When a device has two parameters
        with the same role, the one assigned first wins."""
        rows = await self.parameters.with_roles(ENERGY_ROLES, [d.id for d in devices])
        roles: dict[int, dict[str, str]] = {}
        for device_id, role, key in rows:
            roles.setdefault(device_id, {}).setdefault(role, key)
        result = []
        for device in devices:
            assigned = roles.get(device.id, {})
            result.append(EnergyDevice(
                id=device.id, name=device.name,
                counter_key=assigned.get(calc.SOURCE_COUNTER),
                power_key=assigned.get(calc.SOURCE_POWER),
                power_factor_key=assigned.get("power_factor"),
                idle_threshold_kw=_idle_threshold(device), supply=is_supply_meter(device)))
        return result

    async def device_quarters(self, devices: Sequence[EnergyDevice], start_ms: int,
                              end_ms: int) -> dict[int, calc.DeviceQuarters]:
        facts = await self._facts(devices, start_ms, end_ms)

        def combine() -> dict[int, calc.DeviceQuarters]:
            return {device.id: calculator_arrays.device_quarters(
                start_ms=start_ms, end_ms=end_ms, counter=facts[device.id].counter,
                power=facts[device.id].power, power_factor=facts[device.id].power_factor)
                for device in devices}

        return await _off_loop(len(devices) * len(calc.quarters(start_ms, end_ms)), combine)

    # -- ranges ----------------------------------------------------------------------------
    def _now_ms(self) -> int:
        return to_epoch_ms(self.clock())

    def _range(self, start: datetime | None, end: datetime | None, bucket: calc.BucketSize,
               now_ms: int) -> tuple[int, int, list[tuple[int, int]]]:
        """[start, end) widened to whole quarters, and its local buckets. The default is the
        last seven local days, today included."""
        if end is None:
            end_ms = calc.next_bucket(calc.bucket_floor(now_ms, self.zone, "day"), self.zone,
                                      "day")
        else:
            end_ms = to_epoch_ms(as_utc(end))
        if start is None:
            today = datetime.fromtimestamp((end_ms - 1) / 1000, self.zone).date()
            first = today - timedelta(days=6)
            start_ms = calc.bucket_floor(
                to_epoch_ms(datetime(first.year, first.month, first.day, 12, tzinfo=self.zone)),
                self.zone, "day")
        else:
            start_ms = to_epoch_ms(as_utc(start))
        if end_ms <= start_ms:
            raise ValidationFailed("end must be after start.", code="INVALID_RANGE")
        if end_ms - start_ms > MAX_RANGE / timedelta(milliseconds=1):
            raise ValidationFailed(f"The range may span at most {MAX_RANGE.days} days.",
                                   code="INVALID_RANGE")
        start_ms, end_ms = calc.floor_quarter(start_ms), calc.ceil_quarter(end_ms)
        try:
            buckets = calc.local_buckets(start_ms, end_ms, self.zone, bucket, limit=MAX_BUCKETS)
        except OverflowError as exc:
            raise ValidationFailed(f"At most {MAX_BUCKETS} buckets per request: choose a "
                                   "larger bucket or a shorter range.",
                                   code="TOO_MANY_BUCKETS") from exc
        return start_ms, end_ms, buckets

    def _prices(self) -> calc.QuarterPrices:
        return calc.QuarterPrices(self.tariff, self.zone)

    def _header(self, bucket: calc.BucketSize) -> dict[str, str]:
        # The fields every energy answer opens with (DeviceEnergy, FactoryEnergy, MeterEnergy).
        return {"timezone": self.zone.key, "currency": self.factory.currency, "bucket": bucket}

    def bucket_rows(self, buckets: Sequence[tuple[int, int]],
                    per_bucket: Sequence[calc.Figures]) -> list[EnergyBucket]:
        return [EnergyBucket(start=datetime.fromtimestamp(start / 1000, self.zone),
                             end=datetime.fromtimestamp(end / 1000, self.zone),
                             **figures.as_dict())
                for (start, end), figures in zip(buckets, per_bucket, strict=True)]

    # -- month so far ----------------------------------------------------------------------
    def _day_prefix(self, device: EnergyDevice) -> str:
        # Day figures include cost, so they depend on the tariff and zone as well as roles.
        basis = hashlib.blake2s(self._pricing_digest.encode() + device.roles_digest.encode(),
                                digest_size=8).hexdigest()
        return f"fo:energy:day:{self.factory.id}:{device.id}:{basis}:"

    def _day_key(self, device: EnergyDevice, day: date) -> str:
        return f"{self._day_prefix(device)}{day.isoformat()}"

    async def _month_days(self, devices: Sequence[EnergyDevice], today: date,
                          today_start: int, now_ms: int) -> list[DeviceDay]:
        days = [today.replace(day=n) for n in range(1, today.day)]
        if not days or not devices:
            return []
        labels = [day.isoformat() for day in days]
        keys = [prefix + label for prefix in (self._day_prefix(d) for d in devices)
                for label in labels]
        cached = await self.cache.get_many(keys) if self.cache else [None] * len(keys)
        found: list[DeviceDay] = []
        missing: list[EnergyDevice] = []
        first_missing: date | None = None
        for index, device in enumerate(devices):
            chunk = cached[index * len(days):(index + 1) * len(days)]
            absent = [day for day, raw in zip(days, chunk, strict=True) if raw is None]
            found.extend(DeviceDay(*orjson.loads(raw)) for raw in chunk if raw is not None)
            if absent:
                missing.append(device)
                first_missing = min(absent[0], first_missing or absent[0])
        if missing and first_missing is not None:
            found.extend(await self._compute_days(missing, first_missing, today_start, now_ms))
        return found

    async def _compute_days(self, devices: Sequence[EnergyDevice], first: date,
                            today_start: int, now_ms: int) -> list[DeviceDay]:
        """Day figures of `devices` from `first` to yesterday; the whole range is computed
        (cached days included, they are cheap from hour records) and final days are kept."""
        start_ms = calc.bucket_floor(
            to_epoch_ms(datetime(first.year, first.month, first.day, 12, tzinfo=self.zone)),
            self.zone, "day")
        buckets = calc.local_buckets(start_ms, today_start, self.zone, "day")
        by_id = await self.device_quarters(devices, start_ms, today_start)
        prices = self._prices()
        result: list[DeviceDay] = []
        to_cache: dict[str, bytes] = {}
        for device in devices:
            quarters = by_id[device.id]
            for day_start, day_end in buckets:
                day_energy = {q: kwh for q, kwh in quarters.energy.items()
                              if day_start <= q < day_end}
                if quarters.source is None:
                    figures = DeviceDay(None, None)
                else:
                    figures = DeviceDay(sum(day_energy.values()),
                                        calc.cost_of(day_energy, prices))
                result.append(figures)
                settled = quarters.settled_until is None or quarters.settled_until >= day_end
                if settled and day_end + SETTLE_MS <= now_ms:
                    day = datetime.fromtimestamp(day_start / 1000, self.zone).date()
                    to_cache[self._day_key(device, day)] = orjson.dumps(
                        [figures.energy_kwh, figures.cost])
        if self.cache:
            await self.cache.set_many(to_cache, DAY_TTL_SECONDS)
        return result

    # -- 15-minute facts, hour by hour -----------------------------------------------------
    def _hour_key(self, device: EnergyDevice, hour_ms: int) -> str:
        return (f"fo:energy:quarters:{self.factory.id}:{device.id}:{device.roles_digest}:"
                f"{hour_ms // calc.HOUR_MS}")

    async def _facts(self, devices: Sequence[EnergyDevice], start_ms: int, end_ms: int
                     ) -> dict[int, _Facts]:
        """Each device's role series per quarter over [start, end), the counter with the
        readings around the range it needs."""
        now_ms = self._now_ms()
        facts = {d.id: _Facts(counter=[] if d.counter_key else None,
                              power={} if d.power_key else None,
                              power_factor={} if d.power_factor_key else None)
                 for d in devices}
        measured = [d for d in devices if d.counter_key or d.power_key or d.power_factor_key]
        data_end = min(end_ms, calc.ceil_quarter(now_ms + 1))
        if not measured or data_end <= start_ms:
            return facts
        # One hour before the range usually holds the counter reading the range starts from.
        first_hour = _floor_hour(start_ms - calc.HOUR_MS)
        hours = range(first_hour, _ceil_hour(data_end), calc.HOUR_MS)
        records = await self._hour_records(measured, hours, now_ms)

        def assemble() -> None:
            times = first_hour + calc.QUARTER_MS * np.arange(len(hours) * calc.QUARTERS_PER_HOUR,
                                                             dtype=np.int64)
            inside = (times >= start_ms) & (times < end_ms)
            for device in measured:
                # Rows: counter, power, power factor; one column per quarter, NaN where none.
                rows = records[device.id].transpose(1, 0, 2).reshape(len(_ROLE_SLOTS), -1)
                device_facts = facts[device.id]
                if device_facts.counter is not None:
                    known = ~np.isnan(rows[0])
                    device_facts.counter.extend(zip(times[known].tolist(),
                                                    rows[0][known].tolist(), strict=True))
                for row, into in ((rows[1], device_facts.power),
                                  (rows[2], device_facts.power_factor)):
                    if into is not None:
                        known = inside & ~np.isnan(row)
                        into.update(zip(times[known].tolist(), row[known].tolist(),
                                        strict=True))

        await _off_loop(len(measured) * len(hours) * calc.QUARTERS_PER_HOUR, assemble)
        counters = [d for d in measured if d.counter_key]
        if counters:
            await self._reach_around(counters, facts, start_ms, end_ms, first_hour, now_ms)
        return facts

    async def _reach_around(self, counters: Sequence[EnergyDevice], facts: dict[int, _Facts],
                            start_ms: int, end_ms: int, loaded_from: int, now_ms: int) -> None:
        """Find the reading before the range for counters silent in the hour before it, and
        the reading after it for counters whose range ends in a gap."""
        silent_before = [d for d in counters
                         if not any(q < start_ms for q, _ in facts[d.id].counter or ())]
        if silent_before:
            found = await self._counter_readings(silent_before, loaded_from - COUNTER_REACH_MS,
                                                 loaded_from)
            for device in silent_before:
                readings = found.get(device.id)
                if readings:
                    facts[device.id].counter.insert(0, readings[-1])  # type: ignore[union-attr]
        last_quarter = end_ms - calc.QUARTER_MS
        if end_ms >= now_ms:
            return
        open_ended = [d for d in counters
                      if not any(q >= last_quarter for q, _ in facts[d.id].counter or ())]
        if open_ended:
            found = await self._counter_readings(open_ended, end_ms,
                                                 min(end_ms + COUNTER_REACH_MS, now_ms))
            for device in open_ended:
                readings = found.get(device.id)
                if readings:
                    facts[device.id].counter.append(readings[0])  # type: ignore[union-attr]

    async def _counter_readings(self, devices: Sequence[EnergyDevice], start_ms: int,
                                end_ms: int) -> dict[int, list[tuple[int, float]]]:
        if end_ms <= start_ms:
            return {}
        series = [(d.id, d.counter_key) for d in devices if d.counter_key]
        result = await self.timeseries.aggregate(
            self.factory.id, series, from_epoch_ms(start_ms), from_epoch_ms(end_ms),
            calc.QUARTER_MS // 1000, "last")
        return {device_id: [(to_epoch_ms(ts), value) for ts, value in points]
                for (device_id, _key), points in result.items()}

    async def _hour_records(self, devices: Sequence[EnergyDevice], hours: range, now_ms: int
                            ) -> dict[int, np.ndarray]:
        """Per device, an array of (hour, role, quarter) values over `hours`: counter, power
        and power factor of each quarter, NaN where there is none. Complete hours come from
        the cache (96 bytes each), the others from the store in as few queries as their
        spans allow."""
        records = {d.id: np.full((len(hours), len(_ROLE_SLOTS), calc.QUARTERS_PER_HOUR),
                                 np.nan) for d in devices}
        found = {d.id: np.zeros(len(hours), dtype=bool) for d in devices}
        # Complete hours are the first ones of `hours`.
        complete = sum(1 for h in hours if h + calc.HOUR_MS + SETTLE_MS <= now_ms)
        if self.cache and complete:
            raw = await self.cache.get_many([self._hour_key(d, hours[i]) for d in devices
                                             for i in range(complete)])

            def decode() -> None:
                for index, device in enumerate(devices):
                    chunk = raw[index * complete:(index + 1) * complete]
                    hits = np.fromiter((v is not None and len(v) == _RECORD_BYTES
                                        for v in chunk), dtype=bool, count=complete)
                    if hits.any():
                        joined = b"".join(v for v in chunk  # type: ignore[misc]
                                          if v is not None and len(v) == _RECORD_BYTES)
                        records[device.id][:complete][hits] = np.frombuffer(
                            joined, dtype=np.float64).reshape(-1, len(_ROLE_SLOTS),
                                                              calc.QUARTERS_PER_HOUR)
                        found[device.id][:complete] = hits

            await _off_loop(len(devices) * complete * calc.QUARTERS_PER_HOUR, decode)
        # Devices missing the same span of hours share one round of queries.
        spans: dict[tuple[int, int], list[EnergyDevice]] = {}
        for device in devices:
            absent = np.flatnonzero(~found[device.id])
            if absent.size:
                spans.setdefault((int(absent[0]), int(absent[-1]) + 1), []).append(device)
        to_cache: dict[str, bytes] = {}
        for (first, last), group in spans.items():
            fetched = await self._query_hours(group, hours[first],
                                              hours[last - 1] + calc.HOUR_MS)
            for device in group:
                for index in range(first, last):
                    record = fetched.get((device.id, hours[index]))
                    values = (np.array(record, dtype=np.float64) if record is not None
                              else np.full((len(_ROLE_SLOTS), calc.QUARTERS_PER_HOUR), np.nan))
                    records[device.id][index] = values
                    if index < complete:
                        to_cache[self._hour_key(device, hours[index])] = values.tobytes()
        if self.cache:
            await self.cache.set_many(to_cache, HOUR_TTL_SECONDS)
        return records

    async def _query_hours(self, devices: Sequence[EnergyDevice], start_ms: int, end_ms: int
                           ) -> dict[tuple[int, int], list[list[float | None]]]:
        last_series: list[SeriesKey] = [(d.id, d.counter_key) for d in devices if d.counter_key]
        mean_series: list[SeriesKey] = [(d.id, key) for d in devices
                                        for key in (d.power_key, d.power_factor_key) if key]
        start, end = from_epoch_ms(start_ms), from_epoch_ms(end_ms)
        interval = calc.QUARTER_MS // 1000
        lasts = (await self.timeseries.aggregate(self.factory.id, last_series, start, end,
                                                 interval, "last")) if last_series else {}
        means = (await self.timeseries.aggregate(self.factory.id, mean_series, start, end,
                                                 interval, "mean")) if mean_series else {}
        records: dict[tuple[int, int], list[list[float | None]]] = {}

        def put(device_id: int, slot: int, points) -> None:
            for ts, value in points:
                ms = to_epoch_ms(ts)
                if not start_ms <= ms < end_ms:
                    continue
                hour = _floor_hour(ms)
                record = records.get((device_id, hour))
                if record is None:
                    record = records[(device_id, hour)] = _empty_record()
                record[slot][(ms - hour) // calc.QUARTER_MS] = value

        for device in devices:
            if device.counter_key:
                put(device.id, 0, lasts.get((device.id, device.counter_key), ()))
            if device.power_key:
                put(device.id, 1, means.get((device.id, device.power_key), ()))
            if device.power_factor_key:
                put(device.id, 2, means.get((device.id, device.power_factor_key), ()))
        return records


async def _off_loop(work: int, function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run pure arithmetic over `work` device-quarters in a worker thread when it is large
    (a month of a whole factory takes seconds), so that the event loop keeps serving other
    requests meanwhile; small amounts run inline, where a thread would cost more than it
    saves."""
    if work < _THREAD_MIN_WORK:
        return function(*args, **kwargs)
    return await asyncio.to_thread(function, *args, **kwargs)


def _device_shares(devices: Sequence[EnergyDevice], quarters: Sequence[calc.DeviceQuarters],
                   prices: calc.QuarterPrices, total_energy: float | None,
                   co2_per_kwh: float) -> list[DeviceShare]:
    rows: list[DeviceShare] = []
    for device, device_quarters in zip(devices, quarters, strict=True):
        energy = cost = None
        if device_quarters.source is not None:
            energy = sum(device_quarters.energy.values())
            cost = calc.cost_of(device_quarters.energy, prices)
        share = energy / total_energy if energy is not None and total_energy else None
        rows.append(DeviceShare(
            device_id=device.id, name=device.name, energy_kwh=_rounded(energy),
            cost=_rounded(cost), co2_kg=None if energy is None else _rounded(energy * co2_per_kwh),
            share=_rounded(share)))
    return rows


def _empty_record() -> list[list[float | None]]:
    return [[None] * calc.QUARTERS_PER_HOUR for _ in range(3)]
