"""Shift occurrences in the factory's time zone, midnight and clock changes included."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.services.energy.shift_calendar import (
    ShiftSpec,
    check_clock,
    occurrences,
    overlapping,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = (0, 1, 2, 3, 4)


def local(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, BERLIN).strftime("%a %d %H:%M")


def test_a_night_shift_belongs_to_the_day_it_starts():
    night = ShiftSpec(3, "Night", "22:00", "06:00", WEEKDAYS)
    found = occurrences([night], date(2026, 1, 16), date(2026, 1, 18), BERLIN)
    # Friday's night shift ends on Saturday; there is none on Saturday or Sunday.
    assert [(o.day, local(o.start_ms), local(o.end_ms)) for o in found] == [
        (date(2026, 1, 16), "Fri 16 22:00", "Sat 17 06:00")]
    assert found[0].end_ms - found[0].start_ms == 8 * 3_600_000


def test_the_night_the_clocks_go_forward_is_an_hour_shorter():
    night = ShiftSpec(3, "Night", "22:00", "06:00", (5,))
    [saturday] = occurrences([night], date(2026, 3, 28), date(2026, 3, 28), BERLIN)
    assert saturday.end_ms - saturday.start_ms == 7 * 3_600_000


def test_three_shifts_in_order_and_an_end_of_day():
    shifts = [ShiftSpec(2, "Late", "14:00", "22:00", WEEKDAYS),
              ShiftSpec(1, "Early", "06:00", "14:00", WEEKDAYS),
              ShiftSpec(3, "Night", "22:00", "24:00", WEEKDAYS)]
    found = occurrences(shifts, date(2026, 1, 14), date(2026, 1, 14), BERLIN)
    assert [(o.name, local(o.start_ms), local(o.end_ms)) for o in found] == [
        ("Early", "Wed 14 06:00", "Wed 14 14:00"), ("Late", "Wed 14 14:00", "Wed 14 22:00"),
        ("Night", "Wed 14 22:00", "Thu 15 00:00")]


def test_overlaps_are_found_across_midnight_and_the_week_end():
    night = ShiftSpec(1, "Night", "22:00", "06:00", (6,))          # Sunday → Monday 06:00
    early = ShiftSpec(2, "Early", "05:00", "13:00", (0,))          # Monday 05:00
    assert overlapping([night, early]) == (night, early)
    later = ShiftSpec(2, "Early", "06:00", "14:00", (0,))
    assert overlapping([night, later]) is None


def test_boundaries_are_quarter_hours():
    assert check_clock("06:15") == 375
    assert check_clock("24:00", end=True) == 1440
    with pytest.raises(ValueError, match="quarter"):
        check_clock("06:10")
    with pytest.raises(ValueError):
        check_clock("24:00")
