"""Rollups: the time series pre-aggregated into 1-minute, 15-minute and 1-hour buckets, and
the arithmetic both adapters share to build, combine and read them. Pure: no I/O.

A rollup row holds, for one series and one epoch-aligned bucket, the count, sum, mean, min,
max, first and last of the raw values in it; energy counters also get `increase`, the
energy the counter gained in the bucket. Coarser rows are built from the finer level (15
minutes from minutes, hours from quarters), so every level agrees with the raw points.

Counter increase follows the energy calculator: each reading adds its step from the reading
before it (found up to a day back); a drop means the meter restarted from zero, so the new
reading itself is the step. A step belongs to the bucket of the later reading, so the
increases of consecutive buckets add up to the increase over their union.

Coverage says which span of time the rollups answer exactly: every point written before the
last maintenance run and stamped inside [start, end) is folded in. Reads use rollups only
inside it and raw points elsewhere, so a store whose rollups lag (or were never built) still
answers exactly, only slower."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

SeriesKey = tuple[int, str]
"""(device_id, parameter), as in app.stores.timeseries.base (which builds on this module)."""


MINUTE_MS = 60_000
QUARTER_MS = 900_000
HOUR_MS = 3_600_000

LEVEL_MINUTE = 60
LEVEL_QUARTER = 900
LEVEL_HOUR = 3600
# Finest first; each level is built from the one before it (the minute level from raw).
LEVELS = (LEVEL_MINUTE, LEVEL_QUARTER, LEVEL_HOUR)
LEVEL_NAMES = {LEVEL_MINUTE: "1m", LEVEL_QUARTER: "15m", LEVEL_HOUR: "1h"}
LEVEL_MEASUREMENTS = {LEVEL_MINUTE: "telemetry_1m", LEVEL_QUARTER: "telemetry_15m",
                      LEVEL_HOUR: "telemetry_1h"}
SOURCE_OF = {LEVEL_MINUTE: None, LEVEL_QUARTER: LEVEL_MINUTE, LEVEL_HOUR: LEVEL_QUARTER}
LEVEL_BY_NAME = {name: level for level, name in LEVEL_NAMES.items()}
# Bookkeeping beside the data: which minutes each write touched, and the coverage.
CHANGES_MEASUREMENT = "rollup_changes"
COVERAGE_MEASUREMENT = "rollup_coverage"
# Change records and old coverage records are kept this long after they were read.
BOOKKEEPING_KEEP_MS = 86_400_000

# How far back a counter's previous reading is looked for (the energy calculator's reach).
COUNTER_REACH_MS = 86_400_000
# Points normally reach the store within this time of their timestamp (ingester batches,
# retries): the newest minutes are read raw and rolled up only once they are this old.
SETTLE_MS = 2 * MINUTE_MS
# Change records written up to this long before the previous run are read again, for
# writes that were in flight (or stamped by a clock slightly behind) during that run.
CHANGES_OVERLAP_MS = 5 * MINUTE_MS
# Minutes of one device closer than this are recomputed as one span.
SPAN_JOIN_MS = 10 * MINUTE_MS


def floor_to(ms: int, step: int) -> int:
    return ms - ms % step


def ceil_to(ms: int, step: int) -> int:
    return -((-ms) // step) * step


class RollupRow(NamedTuple):
    device_id: int
    parameter: str
    ts_ms: int
    count: int
    sum: float
    min: float
    max: float
    first: float
    last: float
    increase: float | None = None
    # Minute buckets with data inside this row (1 for a minute row), and quarter buckets
    # (hour rows only): storage use is counted from the hour rows.
    minutes: int = 1
    quarters: int = 0

    @property
    def mean(self) -> float:
        return self.sum / self.count

    @property
    def key(self) -> SeriesKey:
        return (self.device_id, self.parameter)


@dataclass(frozen=True)
class Coverage:
    """[start_ms, end_ms): where the rollups hold every point written before the last run.
    `changes_until` is the write time up to which change records have been read;
    `backfilled` says the start reaches the oldest raw point, so older data needs no work."""

    start_ms: int
    end_ms: int
    changes_until: int
    backfilled: bool = False

    def window(self, start_ms: int, end_ms: int, step_ms: int) -> tuple[int, int] | None:
        """Whole `step` buckets of [start, end) that lie inside the coverage, or None."""
        lo = ceil_to(max(start_ms, self.start_ms), step_ms)
        hi = floor_to(min(end_ms, self.end_ms), step_ms)
        return (lo, hi) if hi > lo else None


@dataclass
class StorageUse:
    """One factory's share of the time-series store, counted from its hour rollups (raw points
    and rows not yet rolled up are not counted)."""

    series: int = 0
    raw_points: int = 0
    minute_rows: int = 0
    quarter_rows: int = 0
    hour_rows: int = 0
    oldest_ms: int | None = None


@dataclass
class RefreshReport:
    """What one maintenance run did for one factory."""

    factory_id: int
    spans: int = 0
    rows_written: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    backfilled_to_ms: int | None = None
    coverage: Coverage | None = None


def level_for(interval_seconds: int) -> int | None:
    """The coarsest rollup level whose buckets tile buckets of `interval_seconds` exactly."""
    for level in reversed(LEVELS):
        if interval_seconds % level == 0:
            return level
    return None


# --- building rows ------------------------------------------------------------------------
def counter_step(previous: float | None, value: float) -> float:
    """The energy a reading adds after `previous` (none: nothing known before it)."""
    if previous is None:
        return 0.0
    step = value - previous if value >= previous else value
    return max(step, 0.0)


def bucket_increases(readings: Iterable[tuple[int, float]], previous: float | None,
                     step_ms: int) -> dict[int, float]:
    """Counter increase per bucket from time-ordered raw readings, `previous` being the last
    reading before them (None when none is known within reach)."""
    increases: dict[int, float] = {}
    for ts_ms, value in readings:
        bucket = floor_to(ts_ms, step_ms)
        increases[bucket] = increases.get(bucket, 0.0) + counter_step(previous, value)
        previous = value
    return increases


def fold_points(points: Iterable[tuple[int, str, int, float]], step_ms: int
                ) -> list[RollupRow]:
    """Rows of `step` buckets from raw points (device, parameter, ts, value), which must be in
    time order within each series. Increase is left empty."""
    acc: dict[tuple[int, str, int], list] = {}
    for device_id, parameter, ts_ms, value in points:
        key = (device_id, parameter, floor_to(ts_ms, step_ms))
        row = acc.get(key)
        if row is None:
            acc[key] = [1, value, value, value, value, value]
        else:
            row[0] += 1
            row[1] += value
            if value < row[2]:
                row[2] = value
            if value > row[3]:
                row[3] = value
            row[5] = value
    return [RollupRow(d, p, t, c, s, lo, hi, first, last)
            for (d, p, t), (c, s, lo, hi, first, last) in acc.items()]


def fold_rows(rows: Iterable[RollupRow], step_ms: int) -> list[RollupRow]:
    """Coarser rows from finer ones (in time order within each series). Hour rows count the
    quarter rows they are made of."""
    acc: dict[tuple[int, str, int], list] = {}
    counts_quarters = step_ms == HOUR_MS
    for row in rows:
        key = (row.device_id, row.parameter, floor_to(row.ts_ms, step_ms))
        into = acc.get(key)
        if into is None:
            acc[key] = [row.count, row.sum, row.min, row.max, row.first, row.last,
                        row.increase, row.minutes, 1]
            continue
        into[0] += row.count
        into[1] += row.sum
        into[2] = min(into[2], row.min)
        into[3] = max(into[3], row.max)
        into[5] = row.last
        if row.increase is not None:
            into[6] = row.increase if into[6] is None else into[6] + row.increase
        into[7] += row.minutes
        into[8] += 1
    return [RollupRow(d, p, t, c, s, lo, hi, first, last, inc, minutes,
                      quarters if counts_quarters else 0)
            for (d, p, t), (c, s, lo, hi, first, last, inc, minutes, quarters) in acc.items()]


def with_increases(rows: Sequence[RollupRow],
                   increases: Mapping[SeriesKey, Mapping[int, float]]) -> list[RollupRow]:
    if not increases:
        return list(rows)
    out = []
    for row in rows:
        found = increases.get(row.key)
        if found is not None:
            row = row._replace(increase=found.get(row.ts_ms, 0.0))
        out.append(row)
    return out


def is_finite_row(row: RollupRow) -> bool:
    return all(math.isfinite(v) for v in (row.sum, row.min, row.max, row.first, row.last))


# --- what to recompute --------------------------------------------------------------------
def minute_spans(minutes: Iterable[int], join_ms: int = SPAN_JOIN_MS) -> list[tuple[int, int]]:
    """[start, end) spans in ms covering the given minute starts, joining neighbours closer
    than `join_ms`."""
    spans: list[tuple[int, int]] = []
    for minute in sorted(set(minutes)):
        if spans and minute - spans[-1][1] < join_ms:
            spans[-1] = (spans[-1][0], minute + MINUTE_MS)
        else:
            spans.append((minute, minute + MINUTE_MS))
    return spans


def group_devices_by_spans(touched: Mapping[int, Iterable[int]]
                           ) -> dict[tuple[int, int], list[int]]:
    """Device ids per [start, end) span, so devices that changed over the same minutes share
    one round of queries."""
    groups: dict[tuple[int, int], list[int]] = {}
    for device_id, minutes in touched.items():
        for span in minute_spans(minutes):
            groups.setdefault(span, []).append(device_id)
    return dict(sorted(groups.items()))


def touched_minutes(points: Iterable[tuple[int, int, str, int, float]]
                    ) -> dict[int, dict[int, set[int]]]:
    """factory → device → minute starts touched by a batch of points. Points of one message
    share device and time, so consecutive repeats are skipped cheaply."""
    touched: dict[int, dict[int, set[int]]] = {}
    last_factory = last_device = last_minute = None
    for factory_id, device_id, _parameter, ts_ms, _value in points:
        minute = ts_ms - ts_ms % MINUTE_MS
        if minute == last_minute and device_id == last_device and factory_id == last_factory:
            continue
        last_factory, last_device, last_minute = factory_id, device_id, minute
        devices = touched.get(factory_id)
        if devices is None:
            devices = touched[factory_id] = {}
        minutes = devices.get(device_id)
        if minutes is None:
            minutes = devices[device_id] = set()
        minutes.add(minute)
    return touched


def encode_touched(devices: Mapping[int, Iterable[int]]) -> str:
    """`device:first-last,minute;device:...` in minute numbers since the epoch: a compact text
    for one change record."""
    parts = []
    for device_id in sorted(devices):
        runs = []
        for start, end in minute_spans(devices[device_id], join_ms=1):
            first, last = start // MINUTE_MS, end // MINUTE_MS - 1
            runs.append(str(first) if first == last else f"{first}-{last}")
        parts.append(f"{int(device_id)}:{','.join(runs)}")
    return ";".join(parts)


def decode_touched(text: str, into: dict[int, set[int]]) -> None:
    for part in text.split(";"):
        if not part:
            continue
        device, _, runs = part.partition(":")
        minutes = into.setdefault(int(device), set())
        for run in runs.split(","):
            first, _, last = run.partition("-")
            for minute in range(int(first), int(last or first) + 1):
                minutes.add(minute * MINUTE_MS)


# --- reading ------------------------------------------------------------------------------
def read_plan(start_ms: int, end_ms: int, interval_seconds: int, coverage: Coverage | None
              ) -> tuple[int | None, tuple[int, int] | None]:
    """(level, [lo, hi)) of the part of an aggregate the rollups answer; the rest of
    [start, end) is read raw. Buckets never straddle the two parts."""
    level = level_for(interval_seconds)
    if level is None or coverage is None:
        return None, None
    window = coverage.window(start_ms, end_ms, interval_seconds * 1000)
    return (level, window) if window else (None, None)
