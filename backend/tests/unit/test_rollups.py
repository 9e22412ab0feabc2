"""The rollup arithmetic that both adapters share, without a store."""

from __future__ import annotations

import pytest

from app.stores.timeseries.line_protocol import encode_rollup_rows
from app.stores.timeseries.rollups import (
    HOUR_MS,
    MINUTE_MS,
    QUARTER_MS,
    Coverage,
    RollupRow,
    bucket_increases,
    counter_step,
    decode_touched,
    encode_touched,
    fold_points,
    fold_rows,
    level_for,
    minute_spans,
    read_plan,
    touched_minutes,
)


def test_counter_steps_follow_the_energy_calculator():
    assert counter_step(None, 5.0) == 0.0
    assert counter_step(5.0, 7.5) == 2.5
    assert counter_step(900.0, 3.0) == 3.0  # restarted from zero
    assert counter_step(900.0, -1.0) == 0.0


def test_increases_land_in_the_bucket_of_the_later_reading():
    readings = [(10_000, 101.0), (70_000, 103.0), (80_000, 1.0), (200_000, 2.0)]
    assert bucket_increases(readings, 100.0, MINUTE_MS) == {
        0: 1.0, 60_000: 3.0, 180_000: 1.0}


def test_folding_points_then_rows_equals_folding_points_directly():
    points = [(1, "p", ts, float(v)) for ts, v in
              ((0, 4), (30_000, 1), (61_000, 9), (15 * 60_000, 2), (16 * 60_000 + 5, 7))]
    minutes = fold_points(points, MINUTE_MS)
    assert [(r.ts_ms, r.count, r.first, r.last) for r in minutes][:2] == [
        (0, 2, 4.0, 1.0), (60_000, 1, 9.0, 9.0)]
    hour_from_rows = fold_rows(fold_rows(minutes, QUARTER_MS), HOUR_MS)
    [direct] = fold_points(points, HOUR_MS)
    [folded] = hour_from_rows
    assert (folded.count, folded.sum, folded.min, folded.max, folded.first, folded.last) == (
        direct.count, direct.sum, direct.min, direct.max, direct.first, direct.last)
    assert (folded.minutes, folded.quarters) == (4, 2)


def test_fold_rows_sums_increases_where_present():
    rows = [RollupRow(1, "e", 0, 1, 1.0, 1, 1, 1, 1, increase=2.0),
            RollupRow(1, "e", 60_000, 1, 1.0, 1, 1, 1, 1, increase=None),
            RollupRow(1, "e", 120_000, 1, 1.0, 1, 1, 1, 1, increase=0.5)]
    [quarter] = fold_rows(rows, QUARTER_MS)
    assert quarter.increase == 2.5


def test_touched_minutes_survive_their_text_form():
    points = [(7, 1, "a", 0, 1.0), (7, 1, "b", 59_999, 1.0), (7, 1, "a", 60_000, 1.0),
              (7, 1, "a", 180_000, 1.0), (7, 2, "a", 120_000, 1.0), (8, 1, "a", 0, 1.0)]
    touched = touched_minutes(points)
    assert touched == {7: {1: {0, 60_000, 180_000}, 2: {120_000}}, 8: {1: {0}}}
    text = encode_touched(touched[7])
    assert text == "1:0-1,3;2:2"
    decoded: dict[int, set[int]] = {}
    decode_touched(text, decoded)
    assert decoded == touched[7]


def test_minute_spans_join_close_minutes():
    minutes = [0, MINUTE_MS, 5 * MINUTE_MS, 40 * MINUTE_MS]
    assert minute_spans(minutes) == [(0, 6 * MINUTE_MS), (40 * MINUTE_MS, 41 * MINUTE_MS)]


@pytest.mark.parametrize(("interval", "level"), [
    (60, 60), (300, 60), (900, 900), (2700, 900), (3600, 3600), (43_200, 3600),
    (86_400, 3600), (90, None), (30, None)])
def test_level_is_the_coarsest_that_tiles_the_interval(interval, level):
    assert level_for(interval) == level


def test_read_plan_keeps_whole_buckets_inside_the_coverage():
    coverage = Coverage(start_ms=HOUR_MS + 5 * MINUTE_MS, end_ms=10 * HOUR_MS + 1,
                        changes_until=0)
    assert read_plan(0, 12 * HOUR_MS, 3600, coverage) == (3600, (2 * HOUR_MS, 10 * HOUR_MS))
    assert read_plan(0, 12 * HOUR_MS, 90, coverage) == (None, None)
    assert read_plan(0, 12 * HOUR_MS, 3600, None) == (None, None)
    assert read_plan(0, 12 * HOUR_MS, 43_200, coverage) == (None, None)


def test_rollup_lines_carry_integer_counts_and_optional_fields():
    row = RollupRow(3, "power factor", 60_000, 4, 2.0, 0.25, 1.0, 0.5, 0.25,
                    increase=1.5, minutes=15, quarters=1)
    line = encode_rollup_rows(9, "telemetry_1h", [row], with_minutes=True,
                              with_quarters=True).decode()
    assert line == ("telemetry_1h,device_id=3,factory_id=9,parameter=power\\ factor "
                    "count=4i,sum=2.0,mean=0.5,min=0.25,max=1.0,first=0.5,last=0.25,"
                    "increase=1.5,minutes=15i,quarters=1i 60000")
