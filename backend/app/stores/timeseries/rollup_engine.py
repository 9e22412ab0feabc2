"""One maintenance run of a factory's rollups, shared by both adapters through the primitives
every `TimeSeriesStore` implements (compute rows of a level, write them, read change
records, coverage).

Why a platform run rather than the store's own mechanism: InfluxDB 1.x continuous queries
only ever compute the interval that just ended, so a point arriving late (a gateway emptying
its buffer after an outage) would never reach the buckets it belongs to; 2.x replaced them
with tasks and 3.x has neither, and SQLite has nothing. Instead every write also records
which minutes of which devices it touched, and each run recomputes exactly those minutes and
the quarters and hours around them, late or not.

A run:
1. reads the change records written since the previous run (and a few minutes before it,
   for writes in flight then), skipping minutes older than the raw retention;
2. per group of devices that changed over the same span: minute rows from raw points (with
   counter increases from raw readings), then quarter rows from minute rows, then hour rows
   from quarter rows; a counter's next reading after a changed span has its step recomputed
   too, since its predecessor may have changed;
3. extends the coverage backwards over data written before rollups existed, newest first,
   within a time budget; once the oldest raw point is reached the coverage starts at the
   epoch (`backfilled`), since anything written before it from then on is a change;
4. saves the coverage: up to SETTLE_MS before the run started."""

from __future__ import annotations

import time
from collections.abc import Collection

from app.stores.timeseries.base import TimeSeriesStore, from_epoch_ms, to_epoch_ms
from app.stores.timeseries.rollups import (
    CHANGES_OVERLAP_MS,
    COUNTER_REACH_MS,
    HOUR_MS,
    LEVEL_HOUR,
    LEVEL_MINUTE,
    LEVEL_QUARTER,
    MINUTE_MS,
    QUARTER_MS,
    SETTLE_MS,
    Coverage,
    RefreshReport,
    SeriesKey,
    bucket_increases,
    ceil_to,
    floor_to,
    group_devices_by_spans,
    with_increases,
)

# Backfill steps aim at about this many minute rows per query; the first step of a run is
# an hour, later ones are sized by the rows the previous one produced.
BACKFILL_TARGET_ROWS = 60_000
BACKFILL_MIN_MS = 15 * MINUTE_MS
BACKFILL_MAX_MS = 7 * 86_400_000


async def recompute_span(store: TimeSeriesStore, factory_id: int, devices: list[int] | None,
                         start_ms: int, end_ms: int, counters: Collection[SeriesKey],
                         report: RefreshReport) -> int:
    """Recompute every level over [start, end) (minute aligned) for `devices` (None: all of
    the factory's). Returns the minute rows written."""
    wanted = set(devices) if devices is not None else None
    counter_series = sorted(s for s in counters if wanted is None or s[0] in wanted)
    minute_rows = await store.compute_rollup_rows(factory_id, LEVEL_MINUTE, devices,
                                                  start_ms, end_ms)
    if counter_series:
        increases = await _counter_increases(store, factory_id, counter_series, start_ms,
                                             end_ms)
        minute_rows = with_increases(minute_rows, increases)
    await store.write_rollup_rows(factory_id, LEVEL_MINUTE, minute_rows)
    report.rows_written[LEVEL_MINUTE] += len(minute_rows)
    for level, step in ((LEVEL_QUARTER, QUARTER_MS), (LEVEL_HOUR, HOUR_MS)):
        rows = await store.compute_rollup_rows(factory_id, level, devices,
                                               floor_to(start_ms, step), ceil_to(end_ms, step))
        await store.write_rollup_rows(factory_id, level, rows)
        report.rows_written[level] += len(rows)
    report.spans += 1
    return len(minute_rows)


async def _counter_increases(store: TimeSeriesStore, factory_id: int,
                             series: list[SeriesKey], start_ms: int, end_ms: int
                             ) -> dict[SeriesKey, dict[int, float]]:
    before = await store.readings_near(factory_id, series, start_ms - COUNTER_REACH_MS,
                                       start_ms, "last")
    readings: dict[SeriesKey, list[tuple[int, float]]] = {key: [] for key in series}
    async for chunk in store.raw(factory_id, series, from_epoch_ms(start_ms),
                                 from_epoch_ms(end_ms)):
        for device_id, parameter, ts, value in chunk:
            readings[(device_id, parameter)].append((to_epoch_ms(ts), value))
    return {key: bucket_increases(points, before[key][1] if key in before else None,
                                  MINUTE_MS)
            for key, points in readings.items()}


async def _follow_ups(store: TimeSeriesStore, factory_id: int,
                      touched: dict[int, set[int]], counters: Collection[SeriesKey]
                      ) -> dict[int, set[int]]:
    """The minute of each counter's next reading after a changed span, where that minute did
    not change itself: its step from the previous reading may have."""
    extra: dict[int, set[int]] = {}
    groups = group_devices_by_spans(touched)
    for (_start_ms, end_ms), devices in groups.items():
        wanted = set(devices)
        series = [s for s in counters if s[0] in wanted]
        if not series:
            continue
        following = await store.readings_near(factory_id, series, end_ms,
                                              end_ms + COUNTER_REACH_MS, "first")
        for (device_id, _parameter), (ts_ms, _value) in following.items():
            minute = floor_to(ts_ms, MINUTE_MS)
            if minute not in touched.get(device_id, ()):
                extra.setdefault(device_id, set()).add(minute)
    return extra


async def refresh(store: TimeSeriesStore, factory_id: int, counters: Collection[SeriesKey],
                  now_ms: int | None = None, *, keep_from_ms: int | None = None,
                  budget_seconds: float = 20.0) -> RefreshReport:
    """Bring one factory's rollups up to date; see the module doc. `now_ms` (the wall clock
    by default) decides what is settled; change records are always read by the wall clock,
    which stamps them."""
    began = time.monotonic()
    written_until = int(time.time() * 1000)
    if now_ms is None:
        now_ms = written_until
    report = RefreshReport(factory_id)
    settled = floor_to(now_ms - SETTLE_MS, MINUTE_MS)
    # A late point older than the raw retention joins a minute whose other points are gone:
    # recomputing it would replace a whole row with a partial one.
    floor_ms = ceil_to(keep_from_ms, HOUR_MS) if keep_from_ms is not None else None
    coverage = await store.coverage(factory_id)
    if coverage is None:
        # Nothing rolled up yet: what is already stored is backfilled below, newest first.
        coverage = Coverage(start_ms=settled, end_ms=settled, changes_until=written_until)
    else:
        touched = await store.changes(factory_id, coverage.changes_until - CHANGES_OVERLAP_MS,
                                      written_until)
        if floor_ms is not None:
            touched = {d: {m for m in minutes if m >= floor_ms}
                       for d, minutes in touched.items()}
        touched = {d: minutes for d, minutes in touched.items() if minutes}
        follow = await _follow_ups(store, factory_id, touched, counters)
        for groups in (group_devices_by_spans(touched), group_devices_by_spans(follow)):
            for (start_ms, end_ms), devices in groups.items():
                await recompute_span(store, factory_id, devices, start_ms, end_ms, counters,
                                     report)
        coverage = Coverage(start_ms=coverage.start_ms, end_ms=max(coverage.end_ms, settled),
                            changes_until=written_until, backfilled=coverage.backfilled)
    coverage = await _backfill(store, factory_id, coverage, counters, began, budget_seconds,
                               report)
    await store.save_coverage(factory_id, coverage)
    report.coverage = coverage
    return report


async def _backfill(store: TimeSeriesStore, factory_id: int, coverage: Coverage,
                    counters: Collection[SeriesKey], began: float, budget_seconds: float,
                    report: RefreshReport) -> Coverage:
    """Everything stored, however old: raw points are purged only where rollups hold them,
    so this is what keeps a factory's history when its raw retention first applies."""
    if coverage.backfilled:
        return coverage
    start_ms = coverage.start_ms
    oldest = await store.oldest_raw_ms(factory_id, start_ms)
    step_ms = HOUR_MS
    while oldest is not None and start_ms > oldest:
        if time.monotonic() - began >= budget_seconds:
            return Coverage(start_ms=start_ms, end_ms=coverage.end_ms,
                            changes_until=coverage.changes_until, backfilled=False)
        # Chunks end on the coverage start and begin on an hour, so hour rows inside the
        # coverage are whole.
        chunk_start = floor_to(max(start_ms - step_ms, oldest), HOUR_MS)
        rows = await recompute_span(store, factory_id, None, chunk_start, start_ms, counters,
                                    report)
        per_ms = rows / (start_ms - chunk_start)
        start_ms = chunk_start
        report.backfilled_to_ms = start_ms
        step_ms = int(BACKFILL_TARGET_ROWS / per_ms) if per_ms else BACKFILL_MAX_MS
        step_ms = ceil_to(min(max(step_ms, BACKFILL_MIN_MS), BACKFILL_MAX_MS), HOUR_MS)
    # Nothing is stored before this point, so whatever is written there later is recorded
    # as a change and rolled up like any late point: the coverage reaches back to the epoch.
    return Coverage(start_ms=0, end_ms=coverage.end_ms, changes_until=coverage.changes_until,
                    backfilled=True)
