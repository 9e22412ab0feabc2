"""Rule schedules in the factory's time zone, including windows across midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.rules.schedule import format_local, is_active_at, parse_clock

WEEKDAYS = [0, 1, 2, 3, 4]  # Monday to Friday


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("schedule", "moment", "zone", "expected"), [
    (None, utc(2026, 11, 29, 3, 0), "UTC", True),
    # 2026-11-30 is a Monday.
    ({"days": WEEKDAYS, "start": "08:00", "end": "17:00"}, utc(2026, 11, 30, 8, 0), "UTC",
     True),
    ({"days": WEEKDAYS, "start": "08:00", "end": "17:00"}, utc(2026, 11, 30, 16, 59), "UTC",
     True),
    ({"days": WEEKDAYS, "start": "08:00", "end": "17:00"}, utc(2026, 11, 30, 17, 0), "UTC",
     False),
    ({"days": WEEKDAYS, "start": "08:00", "end": "17:00"}, utc(2026, 11, 30, 7, 59), "UTC",
     False),
    # Sunday is not listed.
    ({"days": WEEKDAYS, "start": "08:00", "end": "17:00"}, utc(2026, 11, 29, 12, 0), "UTC",
     False),
    # In the factory's zone: 07:30 UTC is 08:30 in Berlin (CET) and 13:00 in Kolkata.
    ({"days": WEEKDAYS, "start": "08:00", "end": "09:00"}, utc(2026, 11, 30, 7, 30),
     "Europe/Berlin", True),
    ({"days": WEEKDAYS, "start": "08:00", "end": "09:00"}, utc(2026, 11, 30, 7, 30),
     "Asia/Kolkata", False),
    # Summer time: 06:30 UTC is 08:30 in Berlin (CEST).
    ({"days": [2], "start": "08:00", "end": "09:00"}, utc(2026, 7, 1, 6, 30), "Europe/Berlin",
     True),
    # The local date decides the day: Monday 23:30 UTC is Tuesday 05:00 in Kolkata.
    ({"days": [1], "start": "04:00", "end": "06:00"}, utc(2026, 11, 30, 23, 30),
     "Asia/Kolkata", True),
    ({"days": [0], "start": "00:00", "end": "24:00"}, utc(2026, 11, 30, 23, 59), "UTC", True),
    ({"days": [0], "start": "00:00", "end": "24:00"}, utc(2026, 12, 1, 0, 0), "UTC", False),
    # Across midnight: Friday 22:00 to Saturday 06:00.
    ({"days": [4], "start": "22:00", "end": "06:00"}, utc(2026, 12, 4, 23, 0), "UTC", True),
    ({"days": [4], "start": "22:00", "end": "06:00"}, utc(2026, 12, 5, 5, 59), "UTC", True),
    ({"days": [4], "start": "22:00", "end": "06:00"}, utc(2026, 12, 5, 6, 0), "UTC", False),
    ({"days": [4], "start": "22:00", "end": "06:00"}, utc(2026, 12, 4, 5, 0), "UTC", False),
    ({"days": [4], "start": "22:00", "end": "06:00"}, utc(2026, 12, 5, 23, 0), "UTC", False),
    # Sunday night into Monday morning wraps the week.
    ({"days": [6], "start": "22:00", "end": "06:00"}, utc(2026, 11, 30, 1, 0), "UTC", True),
    # Unknown zones fall back to UTC; unreadable schedules never silence a rule.
    ({"days": [0], "start": "08:00", "end": "09:00"}, utc(2026, 11, 30, 8, 30), "Mars/Base",
     True),
    ({"days": "weekdays"}, utc(2026, 11, 30, 8, 30), "UTC", True),
])
def test_is_active_at(schedule, moment, zone, expected):
    assert is_active_at(schedule, moment, zone) is expected


@pytest.mark.parametrize("text", ["8:00", "24:01", "12:60", "ab:cd", "１２:００", "", None])
def test_parse_clock_refuses_malformed_times(text):
    with pytest.raises(ValueError):
        parse_clock(text, allow_end_of_day=True)


def test_end_of_day_only_where_allowed():
    assert parse_clock("24:00", allow_end_of_day=True) == 1440
    with pytest.raises(ValueError):
        parse_clock("24:00")


def test_format_local_shows_the_zone():
    assert format_local(utc(2026, 11, 30, 7, 30), "Europe/Berlin") == "2026-11-30 08:30:00 CET"
