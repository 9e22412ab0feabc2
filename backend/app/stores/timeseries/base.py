"""The time-series store contract shared by the API, the workers and the ingester.

Data model ("tall"): one measurement, one float field, and three tags — the factory, the
device's numeric id and the parameter key. Timestamps are epoch milliseconds; writing the
same series and timestamp twice keeps the last value, as InfluxDB does.

Every read takes a factory id and filters by it, so two factories that happen to use the
same device ids and parameter keys never see each other's data."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple, Self, get_args

MEASUREMENT = "telemetry"
VALUE_FIELD = "value"

Aggregation = Literal["mean", "min", "max", "last", "first", "sum", "count"]
AGGREGATIONS: frozenset[str] = frozenset(get_args(Aggregation))

SeriesKey = tuple[int, str]
"""(device_id, parameter)."""

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


class TimeSeriesStore(ABC):
    """One interface, one adapter per backend. Writes skip points whose value is not finite
    or whose parameter cannot be stored (see `line_protocol.is_storable_key`); callers that
    want to count those validate before writing."""

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

    @abstractmethod
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
        left out. Every requested series is a key, each list sorted by time."""

    @abstractmethod
    def raw(
        self,
        factory_id: int,
        series: Sequence[SeriesKey],
        start: datetime,
        end: datetime,
        chunk_size: int = 10_000,
    ) -> AsyncIterator[list[RawRow]]:
        """Every point of the series over [start, end) in time order, in lists of at most
        `chunk_size` rows, read page by page so that any range streams in bounded memory."""

    @abstractmethod
    async def delete_device(self, factory_id: int, device_id: int) -> None: ...
