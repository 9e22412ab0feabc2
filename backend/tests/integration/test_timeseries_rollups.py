"""Rollups on both adapters (real influxd, real SQLite file): every level against aggregates
of the raw points, late points, counter resets, the read plan, retention and tenancy.

Each test writes under factory ids of its own. Points are stamped in January 2026, so a
maintenance run with `now` shortly after them sees them as settled."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.stores.timeseries import Point
from app.stores.timeseries.base import from_epoch_ms, to_epoch_ms
from app.stores.timeseries.rollup_engine import refresh
from app.stores.timeseries.rollups import (
    HOUR_MS,
    LEVEL_HOUR,
    LEVEL_MINUTE,
    LEVEL_QUARTER,
    MINUTE_MS,
    QUARTER_MS,
)
from tests.integration import test_timeseries_store as contract

# The contract suite's fixtures: each test runs on InfluxDB and on SQLite.
store, sqlite_path, factory_id = contract.store, contract.sqlite_path, contract.factory_id
new_factory_id = contract.new_factory_id

T0 = datetime(2026, 1, 5, tzinfo=UTC)
T0_MS = to_epoch_ms(T0)
AGGS = ("mean", "min", "max", "first", "last", "sum", "count")


def at(ms: int) -> datetime:
    return from_epoch_ms(ms)


def noisy_points(factory_id: int, devices, parameters, start_ms: int, end_ms: int,
                 seed: int) -> list[Point]:
    """Irregular times (2-20 s apart) and values, so that buckets hold uneven counts."""
    rng = random.Random(seed)
    points = []
    for device_id in devices:
        for parameter in parameters:
            ts = start_ms + rng.randint(0, 5_000)
            while ts < end_ms:
                points.append(Point(factory_id, device_id, parameter, ts,
                                    round(rng.uniform(-50, 250), 3)))
                ts += rng.randint(2_000, 20_000)
    return points


async def assert_levels_match_raw(store, factory_id, series, start_ms, end_ms):
    """Every level at its own interval and at a coarser multiple equals the raw aggregate."""
    for level, interval in ((LEVEL_MINUTE, 60), (LEVEL_MINUTE, 300), (LEVEL_QUARTER, 900),
                            (LEVEL_QUARTER, 2700), (LEVEL_HOUR, 3600), (LEVEL_HOUR, 7200)):
        for agg in AGGS:
            rolled = await store.aggregate_rollup(factory_id, level, series, start_ms, end_ms,
                                                  interval, agg)
            raw = await store.aggregate_raw(factory_id, series, at(start_ms), at(end_ms),
                                            interval, agg)
            for key in series:
                assert [t for t, _ in rolled[key]] == [t for t, _ in raw[key]], (level, agg)
                assert [v for _, v in rolled[key]] == pytest.approx(
                    [v for _, v in raw[key]], rel=1e-9, abs=1e-9), (level, interval, agg)


async def test_every_level_matches_raw_aggregates(store, factory_id):
    series = [(1, "power"), (1, "voltage L1"), (2, "power")]
    start, end = T0_MS, T0_MS + 3 * HOUR_MS
    await store.write(noisy_points(factory_id, (1, 2), ("power", "voltage L1"), start, end, 7))
    report = await refresh(store, factory_id, [], end + HOUR_MS)
    assert report.coverage.backfilled
    assert report.coverage.start_ms <= start and report.coverage.end_ms >= end
    # (2, "voltage L1") was written too: every series of the factory is rolled up.
    await assert_levels_match_raw(store, factory_id, [*series, (2, "voltage L1")], start, end)


async def test_rows_carry_counts_of_finer_rows(store, factory_id):
    # One point in each of minutes 0, 1 and 20 of an hour.
    await store.write([Point(factory_id, 1, "p", T0_MS + m * MINUTE_MS + 500, float(m))
                       for m in (0, 1, 20)])
    await refresh(store, factory_id, [], T0_MS + 2 * HOUR_MS)
    [hour] = await store.rollup_rows(factory_id, LEVEL_HOUR, [(1, "p")], T0_MS,
                                     T0_MS + HOUR_MS)
    assert (hour.count, hour.minutes, hour.quarters) == (3, 3, 2)
    assert (hour.first, hour.last, hour.min, hour.max, hour.mean) == (0, 20, 0, 20, 7)
    quarters = await store.rollup_rows(factory_id, LEVEL_QUARTER, [(1, "p")], T0_MS,
                                       T0_MS + HOUR_MS)
    assert [(q.ts_ms - T0_MS, q.count, q.minutes) for q in quarters] == [
        (0, 2, 2), (QUARTER_MS, 1, 1)]


async def test_late_point_is_folded_into_closed_buckets(store, factory_id):
    key = (1, "temp")
    start, end = T0_MS, T0_MS + 2 * HOUR_MS
    await store.write(noisy_points(factory_id, (1,), ("temp",), start, end, 11))
    now = end + 10 * MINUTE_MS
    await refresh(store, factory_id, [], now)
    # An hour later a gateway delivers a point from the first hour: a new maximum, and the
    # new first point of its minute.
    late_ts = start + 17 * MINUTE_MS + 1
    await store.write([Point(factory_id, 1, "temp", late_ts, 10_000.0)])
    report = await refresh(store, factory_id, [], now + HOUR_MS)
    assert report.spans >= 1
    for level, size in ((LEVEL_MINUTE, MINUTE_MS), (LEVEL_QUARTER, QUARTER_MS),
                        (LEVEL_HOUR, HOUR_MS)):
        [row] = await store.rollup_rows(factory_id, level, [key], late_ts - late_ts % size,
                                        late_ts - late_ts % size + size)
        assert row.max == 10_000.0
    await assert_levels_match_raw(store, factory_id, [key], start, end)


async def test_counter_increase_handles_a_reset_inside_a_bucket(store, factory_id):
    key = (3, "energy")
    readings = [  # (seconds after T0, kWh)
        (-300, 500.0),   # the reading before the range, in an earlier minute
        (10, 501.0), (20, 503.5), (30, 504.0),
        (40, 2.0),       # the meter restarted: 2 kWh since zero
        (50, 3.0),
        (70, 3.5),       # next minute
        (905, 10.0),     # next quarter
    ]
    await store.write([Point(factory_id, 3, "energy", T0_MS + s * 1000, v)
                       for s, v in readings])
    await refresh(store, factory_id, [key], T0_MS + 2 * HOUR_MS)
    minutes = await store.rollup_rows(factory_id, LEVEL_MINUTE, [key], T0_MS - HOUR_MS,
                                      T0_MS + HOUR_MS)
    by_start = {row.ts_ms - T0_MS: row.increase for row in minutes}
    # 1 + 2.5 + 0.5 + 2 (reset: the reading itself) + 1
    assert by_start[0] == pytest.approx(7.0)
    assert by_start[MINUTE_MS] == pytest.approx(0.5)
    assert by_start[15 * MINUTE_MS] == pytest.approx(6.5)
    assert by_start[-5 * MINUTE_MS] == 0.0  # nothing known before the first reading
    [first_quarter] = await store.rollup_rows(factory_id, LEVEL_QUARTER, [key], T0_MS,
                                              T0_MS + QUARTER_MS)
    assert first_quarter.increase == pytest.approx(7.5)
    [hour] = await store.rollup_rows(factory_id, LEVEL_HOUR, [key], T0_MS, T0_MS + HOUR_MS)
    assert hour.increase == pytest.approx(14.0)
    # Not a counter: no increase.
    await store.write([Point(factory_id, 3, "power", T0_MS + 10_000, 1.0)])
    await refresh(store, factory_id, [key], T0_MS + 3 * HOUR_MS)
    [power] = await store.rollup_rows(factory_id, LEVEL_MINUTE, [(3, "power")], T0_MS,
                                      T0_MS + MINUTE_MS)
    assert power.increase is None


async def test_late_counter_reading_moves_the_next_readings_step(store, factory_id):
    key = (4, "energy")
    await store.write([Point(factory_id, 4, "energy", T0_MS + s * 1000, v)
                       for s, v in ((0, 100.0), (600, 110.0))])
    await refresh(store, factory_id, [key], T0_MS + HOUR_MS)
    [row] = await store.rollup_rows(factory_id, LEVEL_MINUTE, [key], T0_MS + 10 * MINUTE_MS,
                                    T0_MS + 11 * MINUTE_MS)
    assert row.increase == pytest.approx(10.0)
    # A reading between them arrives late: the step splits between its minute and the next.
    await store.write([Point(factory_id, 4, "energy", T0_MS + 300_000, 104.0)])
    await refresh(store, factory_id, [key], T0_MS + 2 * HOUR_MS)
    rows = await store.rollup_rows(factory_id, LEVEL_MINUTE, [key], T0_MS, T0_MS + HOUR_MS)
    assert {r.ts_ms - T0_MS: r.increase for r in rows} == {
        0: 0.0, 5 * MINUTE_MS: pytest.approx(4.0), 10 * MINUTE_MS: pytest.approx(6.0)}
    [hour] = await store.rollup_rows(factory_id, LEVEL_HOUR, [key], T0_MS, T0_MS + HOUR_MS)
    assert hour.increase == pytest.approx(10.0)


async def test_aggregate_reads_rollups_inside_coverage_and_raw_outside(store, factory_id):
    key = (1, "p")
    start, end = T0_MS, T0_MS + 6 * HOUR_MS
    await store.write(noisy_points(factory_id, (1,), ("p",), start, end, 3))
    await refresh(store, factory_id, [], end + HOUR_MS)
    expected = await store.aggregate_raw(factory_id, [key], at(start), at(end), 3600, "mean")
    # Tamper with one stored hour row: answers that use it show the tampered value, which
    # proves where they come from.
    [row] = await store.rollup_rows(factory_id, LEVEL_HOUR, [key], start + 2 * HOUR_MS,
                                    start + 3 * HOUR_MS)
    await store.write_rollup_rows(factory_id, LEVEL_HOUR,
                                  [row._replace(sum=row.count * -1.0)])
    store.forget_coverage(factory_id)
    answer = await store.aggregate(factory_id, [key], at(start), at(end), 3600, "mean")
    values = [v for _, v in answer[key]]
    assert values[2] == -1.0
    assert values[:2] + values[3:] == pytest.approx(
        [v for _, v in expected[key]][:2] + [v for _, v in expected[key]][3:])
    # A range starting mid-bucket reads that bucket raw; 90 s buckets have no level.
    partial = await store.aggregate(factory_id, [key], at(start + 2 * HOUR_MS + 1),
                                    at(start + 3 * HOUR_MS), 3600, "mean")
    assert partial[key][0][1] != -1.0
    odd = await store.aggregate(factory_id, [key], at(start), at(end), 90, "mean")
    raw_odd = await store.aggregate_raw(factory_id, [key], at(start), at(end), 90, "mean")
    assert odd == raw_odd


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kathmandu"])
async def test_local_days_across_a_clock_change_read_from_rollups_as_from_raw(store, factory_id,
                                                                           zone):
    """What energy figures ask for: 15-minute aggregates over a local day, here the 23-hour
    day of Europe's spring change and a day of a zone 5:45 off UTC. Answered from the rollups
    alone (raw points purged after the run), they equal the raw answers."""
    tz = ZoneInfo(zone)
    day_start = to_epoch_ms(datetime(2026, 3, 29, tzinfo=tz))
    day_end = to_epoch_ms(datetime(2026, 3, 30, tzinfo=tz))
    counter, power = (4, "kWh"), (4, "P")
    rng = random.Random(zone)
    reading, points = 1000.0, []
    for ts in range(day_start - 2 * HOUR_MS, day_end + 2 * HOUR_MS, 20_000):
        # The meter restarts from zero once, mid-morning.
        reading = 0.5 if ts == day_start + 10 * HOUR_MS else reading + rng.uniform(0, 0.2)
        points.append(Point(factory_id, *counter, ts + rng.randint(0, 3_000), reading))
        points.append(Point(factory_id, *power, ts, round(rng.uniform(10, 90), 3)))
    await store.write(points)
    series = [counter, power]
    # Hours tile the local day only where the offset is whole hours.
    intervals = (900, 3600) if zone == "Europe/Berlin" else (900,)
    wanted = [(agg, interval) for agg in ("last", "mean", "sum", "count", "max")
              for interval in intervals]
    raw = {w: await store.aggregate_raw(factory_id, series, at(day_start), at(day_end), *w[::-1])
           for w in wanted}
    await refresh(store, factory_id, [counter], day_end + 3 * HOUR_MS)
    await store.purge_before(factory_id, {"raw": day_end + 3 * HOUR_MS})
    store.forget_coverage(factory_id)
    assert await store.aggregate_raw(factory_id, series, at(day_start), at(day_end), 900,
                                     "count") == {counter: [], power: []}
    for (agg, interval), expected in raw.items():
        rolled = await store.aggregate(factory_id, series, at(day_start), at(day_end),
                                       interval, agg)
        for key in series:
            assert [t for t, _ in rolled[key]] == [t for t, _ in expected[key]], (agg, interval)
            assert [v for _, v in rolled[key]] == pytest.approx(
                [v for _, v in expected[key]], rel=1e-9, abs=1e-9), (agg, interval)
    quarters = len(raw[("last", 900)][counter])
    assert quarters == (92 if zone == "Europe/Berlin" else 96)
    # The restart is inside a quarter of the day: the day's increase counts it as 0.5 kWh
    # gained from zero, never as a drop.
    rows = await store.rollup_rows(factory_id, LEVEL_QUARTER, [counter], day_start, day_end)
    assert len(rows) == quarters and all(row.increase >= 0 for row in rows)


async def test_nothing_is_read_from_rollups_before_the_first_run(store, factory_id):
    key = (1, "p")
    await store.write([Point(factory_id, 1, "p", T0_MS + 1000, 5.0)])
    assert await store.coverage(factory_id) is None
    await store.write_rollup_rows(factory_id, LEVEL_HOUR, [
        (await store.compute_rollup_rows(factory_id, LEVEL_MINUTE, None, T0_MS,
                                         T0_MS + MINUTE_MS))[0]._replace(sum=-9.0)])
    answer = await store.aggregate(factory_id, [key], T0, at(T0_MS + HOUR_MS), 3600, "sum")
    assert answer[key] == [(T0, 5.0)]


async def test_refresh_and_purge_touch_only_their_factory(store):
    mine, theirs = new_factory_id(), new_factory_id()
    for factory in (mine, theirs):
        await store.write(noisy_points(factory, (1,), ("p",), T0_MS, T0_MS + 2 * HOUR_MS, 5))
    await refresh(store, mine, [], T0_MS + 3 * HOUR_MS)
    assert await store.coverage(theirs) is None
    assert await store.rollup_rows(theirs, LEVEL_HOUR, [(1, "p")], T0_MS,
                                   T0_MS + 2 * HOUR_MS) == []
    await refresh(store, theirs, [], T0_MS + 3 * HOUR_MS)

    cutoff = T0_MS + HOUR_MS
    await store.purge_before(mine, {"raw": cutoff, "1m": cutoff, "15m": cutoff})
    for factory, kept_from in ((mine, cutoff), (theirs, T0_MS)):
        _, rows = await collect(store, factory, [(1, "p")], T0_MS, T0_MS + 2 * HOUR_MS)
        assert rows and min(to_epoch_ms(r[2]) for r in rows) >= kept_from
        assert min(to_epoch_ms(r[2]) for r in rows) < kept_from + MINUTE_MS
        for level in (LEVEL_MINUTE, LEVEL_QUARTER):
            found = await store.rollup_rows(factory, level, [(1, "p")], T0_MS,
                                            T0_MS + 2 * HOUR_MS)
            assert min(r.ts_ms for r in found) == kept_from
        hours = await store.rollup_rows(factory, LEVEL_HOUR, [(1, "p")], T0_MS,
                                        T0_MS + 2 * HOUR_MS)
        assert [r.ts_ms for r in hours] == [T0_MS, T0_MS + HOUR_MS]


async def collect(store, factory_id, series, start_ms, end_ms):
    chunks = [c async for c in store.raw(factory_id, series, at(start_ms), at(end_ms))]
    return chunks, [row for chunk in chunks for row in chunk]


async def test_storage_use_counts_from_hour_rows(store, factory_id):
    points = noisy_points(factory_id, (1, 2), ("p",), T0_MS, T0_MS + 2 * HOUR_MS, 9)
    await store.write(points)
    await refresh(store, factory_id, [], T0_MS + 3 * HOUR_MS)
    use = await store.storage_use(factory_id, T0_MS, T0_MS)
    minutes = {(p.device_id, p.ts_ms // MINUTE_MS) for p in points}
    quarters = {(p.device_id, p.ts_ms // QUARTER_MS) for p in points}
    assert (use.series, use.raw_points, use.minute_rows, use.quarter_rows, use.hour_rows) == (
        2, len(points), len(minutes), len(quarters), 4)
    assert use.oldest_ms == T0_MS
    later = await store.storage_use(factory_id, T0_MS + HOUR_MS, T0_MS + 2 * HOUR_MS)
    assert later.raw_points == sum(1 for p in points if p.ts_ms >= T0_MS + HOUR_MS)
    assert later.quarter_rows == 0


async def test_backfill_spans_long_gaps_within_its_budget(store, factory_id):
    # Two points a year apart: the backfill walks the empty months in week-long steps.
    key = (1, "p")
    first, second = T0_MS - 365 * 86_400_000, T0_MS
    await store.write([Point(factory_id, 1, "p", first, 1.0),
                       Point(factory_id, 1, "p", second, 3.0)])
    report = await refresh(store, factory_id, [], T0_MS + HOUR_MS)
    assert report.coverage.backfilled and report.coverage.start_ms <= first
    answer = await store.aggregate(factory_id, [key], at(first), at(second + HOUR_MS),
                                   86_400, "sum")
    assert [v for _, v in answer[key]] == [1.0, 3.0]
