"""The time-series store contract shared by the API, the workers and the ingester.

Data model ("tall"): one measurement, one float field, and three tags — the factory, the
device's numeric id and the parameter key. Timestamps are epoch milliseconds; writing the
same series and timestamp twice keeps the last value, as InfluxDB does.

Every read takes a factory id and filters by it, so two factories that happen to use the
same device ids and parameter keys never see each other's data."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self, get_args

from app.stores.timeseries.ordered_merge import merge_in_time_order
from app.stores.timeseries.rollups import (
    Coverage,
    RollupRow,
    SeriesKey,
    StorageUse,
    read_plan,
)

MEASUREMENT = "telemetry"
VALUE_FIELD = "value"

Aggregation = Literal["mean", "min", "max", "last", "first", "sum", "count"]
AGGREGATIONS: frozenset[str] = frozenset(get_args(Aggregation))

RawRow = tuple[int, str, datetime, float]
"""(device_id, parameter, timestamp, value)."""


class Point(NamedTuple):
    factory_id: int
    device_id: int
    parameter: str
    ts_ms: int
    value: float


class LatestValue(NamedTuple):
    ts: datetime
    value: float


class TimeSeriesError(Exception):
    """Base of the store's own errors; `status` is the backend's HTTP status when there was
    one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TimeSeriesUnavailable(TimeSeriesError):
    """The store cannot be reached or failed on its side; retrying later may succeed."""


class TimeSeriesQueryError(TimeSeriesError):
    """The store refused the request itself; retrying the same request will not help."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


def to_epoch_ms(moment: datetime) -> int:
    # Naive datetimes are read as UTC: the metadata database stores UTC without a zone.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Integer arithmetic: float seconds would round some millisecond values down by one.
    return (moment - _EPOCH) // _ONE_MS


def from_epoch_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def check_aggregate_arguments(interval_seconds: int, agg: str) -> None:
    if agg not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {agg!r}; expected one of {sorted(AGGREGATIONS)}")
    if isinstance(interval_seconds, bool) or not isinstance(interval_seconds, int):
        raise ValueError("interval_seconds must be an integer")
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be positive")


def unique_series(series: Sequence[SeriesKey]) -> list[SeriesKey]:
    return list(dict.fromkeys((int(device_id), parameter) for device_id, parameter in series))


# How long a process trusts the coverage it read: coverage only grows between runs, so an
# older copy just sends a little more to raw points.
COVERAGE_TTL_SECONDS = 5.0

RollupSource = Literal["raw", "1m", "15m", "1h"]


class TimeSeriesStore(ABC):
    """One interface, one adapter per backend. Writes skip points whose value is not finite
    or whose parameter cannot be stored (see `line_protocol.is_storable_key`); callers that
    want to count those validate before writing.

    Every write also records which minutes of which devices it touched, and the rollup
    maintenance (`rollup_engine.refresh`) keeps 1-minute, 15-minute and hourly aggregates
    from those records; `aggregate` answers from them wherever they are complete."""

    def __init__(self) -> None:
        self._coverage_copies: dict[int, tuple[float, Coverage | None]] = {}

    @abstractmethod
    async def start(self) -> None:
        """Open connections. Must not fail when the backend is down: the ingester starts
        during outages and buffers until `write` succeeds."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections; the store may be started again afterwards."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        await self.close()

    @abstractmethod
    async def ping(self) -> None:
        """Return if the backend answers; raise `TimeSeriesUnavailable` otherwise."""

    @abstractmethod
    async def ensure_database(self) -> None:
        """Create the database or tables if missing."""

    @abstractmethod
    async def write(self, points: Sequence[Point]) -> None: ...

    @abstractmethod
    async def latest(
        self, factory_id: int, device_id: int, parameters: Sequence[str] | None = None
    ) -> dict[str, LatestValue]:
        """Last value and its own timestamp per parameter (all parameters when None)."""

    @abstractmethod
    async def latest_many(
        self, factory_id: int, device_ids: Sequence[int]
    ) -> dict[int, dict[str, LatestValue]]:
        """`latest` for several devices at once; every requested device is a key, with an
        empty dict when it has no data."""

    async def aggregate(
        self,
        factory_id: int,
        series: Sequence[SeriesKey],
        start: datetime,
        end: datetime,
        interval_seconds: int,
        agg: Aggregation,
    ) -> dict[SeriesKey, list[tuple[datetime, float]]]:
        """Windowed aggregate per series over [start, end). Buckets are aligned to multiples
        of the interval since the epoch and stamped with their start (the first one may
        start before `start`, but only holds points from `start` on); empty buckets are
        left out. Every requested series is a key, each list sorted by time.

        Whole buckets inside the rollup coverage come from the coarsest rollup level that
        tiles the interval (hours for 12 h, quarters for 15 min or 45 min, minutes for 5
        min); the buckets at either side of it from raw points."""
        check_aggregate_arguments(interval_seconds, agg)
        keys = unique_series(series)
        start_ms, end_ms = to_epoch_ms(start), to_epoch_ms(end)
        if not keys or start_ms >= end_ms:
            return {key: [] for key in keys}
        level, window = read_plan(start_ms, end_ms, interval_seconds,
                                  await self.cached_coverage(factory_id))
        if level is None or window is None:
            return await self.aggregate_raw(factory_id, keys, start, end, interval_seconds, agg)
        lo, hi = window
        parts = [self.aggregate_rollup(factory_id, level, keys, lo, hi, interval_seconds, agg)]
        if start_ms < lo:
            parts.append(self.aggregate_raw(factory_id, keys, start, from_epoch_ms(lo),
                                            interval_seconds, agg))
        if hi < end_ms:
            parts.append(self.aggregate_raw(factory_id, keys, from_epoch_ms(hi), end,
                                            interval_seconds, agg))
        answers = await asyncio.gather(*parts)
        merged: dict[SeriesKey, list[tuple[datetime, float]]] = {key: [] for key in keys}
        for answer in answers:
            for key, points in answer.items():
                merged[key].extend(points)
        if len(answers) > 1:
            for points in merged.values():
                points.sort(key=lambda point: point[0])
        return merged

    async def aggregate_raw(
        self,
        factory_id: int,
        series: Sequence[SeriesKey],
        start: datetime,
        end: datetime,
        interval_seconds: int,
        agg: Aggregation,
    ) -> dict[SeriesKey, list[tuple[datetime, float]]]:
        """`aggregate` computed from raw points only."""
        check_aggregate_arguments(interval_seconds, agg)
        keys = unique_series(series)
        found: dict[SeriesKey, list[tuple[datetime, float]]] = {key: [] for key in keys}
        start_ms, end_ms = to_epoch_ms(start), to_epoch_ms(end)
        if not keys or start_ms >= end_ms:
            return found
        await self._aggregate_raw_into(found, factory_id, start_ms, end_ms, interval_seconds,
                                       agg)
        return found

    @abstractmethod
    async def _aggregate_raw_into(
        self,
        found: dict[SeriesKey, list[tuple[datetime, float]]],
        factory_id: int,
        start_ms: int,
        end_ms: int,
        interval_seconds: int,
        agg: Aggregation,
    ) -> None:
        """Adds the buckets of [start_ms, end_ms) from raw points to `found`, which holds an
        empty list for each series asked (unique, at least one; a non-empty range), each list
        left in time order."""

    @abstractmethod
    async def aggregate_rollup(
        self,
        factory_id: int,
        level: int,
        series: Sequence[SeriesKey],
        start_ms: int,
        end_ms: int,
        interval_seconds: int,
        agg: Aggregation,
    ) -> dict[SeriesKey, list[tuple[datetime, float]]]:
        """`aggregate` from the rows of one rollup level; [start, end) and the interval are
        multiples of the level."""

    # --- rollup maintenance primitives (used by rollup_engine) ------------------------------
    @abstractmethod
    async def compute_rollup_rows(self, factory_id: int, level: int,
                                  devices: Sequence[int] | None, start_ms: int, end_ms: int
                                  ) -> list[RollupRow]:
        """Rows of `level` over [start, end) for the devices (None: every device of the
        factory), computed from the level below (minutes from raw points, without counter
        increase)."""

    @abstractmethod
    async def write_rollup_rows(self, factory_id: int, level: int,
                                rows: Sequence[RollupRow]) -> None:
        """Store rows of `level`, replacing rows of the same series and bucket."""

    @abstractmethod
    async def rollup_rows(self, factory_id: int, level: int, series: Sequence[SeriesKey],
                          start_ms: int, end_ms: int) -> list[RollupRow]:
        """Stored rows of `level` for the series over [start, end), in time order per
        series."""

    @abstractmethod
    async def readings_near(self, factory_id: int, series: Sequence[SeriesKey],
                            start_ms: int, end_ms: int, which: Literal["first", "last"]
                            ) -> dict[SeriesKey, tuple[int, float]]:
        """The first or last raw reading of each series in [start, end), where it has one."""

    @abstractmethod
    async def changes(self, factory_id: int, written_from_ms: int, written_until_ms: int
                      ) -> dict[int, set[int]]:
        """device → minute starts touched by writes recorded in [from, until) (write time)."""

    @abstractmethod
    async def coverage(self, factory_id: int) -> Coverage | None:
        """The saved rollup coverage, None before the first maintenance run."""

    @abstractmethod
    async def save_coverage(self, factory_id: int, coverage: Coverage) -> None: ...

    @abstractmethod
    async def oldest_raw_ms(self, factory_id: int, before_ms: int) -> int | None:
        """Time of the factory's oldest raw point before `before_ms`, if any."""

    @abstractmethod
    async def purge_before(self, factory_id: int, cutoffs: Mapping[RollupSource, int]
                           ) -> None:
        """Delete the factory's raw points, rollup rows (by level name) and change records
        older than each cutoff (epoch ms)."""

    @abstractmethod
    async def storage_use(self, factory_id: int, raw_from_ms: int, quarters_from_ms: int
                          ) -> StorageUse:
        """The factory's points and rows, counted from its hour rows: raw points and minute
        rows from `raw_from_ms` on, quarter rows from `quarters_from_ms` on."""

    # --- backup ----------------------------------------------------------------------------
    @abstractmethod
    async def backup_to(self, folder: Path) -> dict[str, Any]:
        """Write a consistent copy of the whole store into `folder` (which exists and is
        empty); returns what `restore_from` needs to know about it."""

    @abstractmethod
    async def restore_from(self, folder: Path, described: Mapping[str, Any]) -> None:
        """Fill this store, which must hold nothing yet, from a `backup_to` copy."""

    async def cached_coverage(self, factory_id: int) -> Coverage | None:
        now = time.monotonic()
        copy = self._coverage_copies.get(factory_id)
        if copy is not None and copy[0] > now:
            return copy[1]
        coverage = await self.coverage(factory_id)
        if len(self._coverage_copies) > 10_000:
            self._coverage_copies.clear()
        self._coverage_copies[factory_id] = (now + COVERAGE_TTL_SECONDS, coverage)
        return coverage

    def forget_coverage(self, factory_id: int) -> None:
        """Drop this process's copy (after a maintenance run or a restore)."""
        self._coverage_copies.pop(factory_id, None)

    async def raw(
        self,
        factory_id: int,
        series: Sequence[SeriesKey],
        start: datetime,
        end: datetime,
        chunk_size: int = 10_000,
    ) -> AsyncIterator[list[RawRow]]:
        """Every point of the series over [start, end) in time order, in lists of at most
        `chunk_size` rows, read page by page so that any range streams in bounded memory."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        keys = unique_series(series)
        start_ms, end_ms = to_epoch_ms(start), to_epoch_ms(end)
        if not keys or start_ms >= end_ms:
            return
        streams = self._raw_streams(factory_id, keys, start_ms, end_ms, chunk_size)
        async for chunk in merge_in_time_order(streams, chunk_size):
            yield chunk

    @abstractmethod
    def _raw_streams(self, factory_id: int, keys: list[SeriesKey], start_ms: int, end_ms: int,
                     chunk_size: int) -> list[AsyncIterator[list[RawRow]]]:
        """Page readers of [start_ms, end_ms) for unique series (at least one, a non-empty
        range), each in time order; `raw` merges them."""

    @abstractmethod
    async def delete_device(self, factory_id: int, device_id: int) -> None: ...
