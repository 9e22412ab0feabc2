from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.services.reports.calendar import latest_due, next_run, period_before

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("cadence", "after", "expected_local"), [
    ("daily", utc(2026, 1, 14, 4, 59), datetime(2026, 1, 14, 6, 0)),
    ("daily", utc(2026, 1, 14, 5, 0), datetime(2026, 1, 15, 6, 0)),
    # 29 March 2026: Berlin springs forward at 02:00; 06:00 is then UTC+2.
    ("daily", utc(2026, 3, 28, 12), datetime(2026, 3, 29, 6, 0)),
    ("weekly", utc(2026, 1, 14, 12), datetime(2026, 1, 19, 6, 0)),   # Wednesday → Monday
    ("weekly", utc(2026, 1, 19, 4, 59), datetime(2026, 1, 19, 6, 0)),
    ("weekly", utc(2026, 1, 19, 5, 0), datetime(2026, 1, 26, 6, 0)),
    ("monthly", utc(2026, 1, 14, 12), datetime(2026, 2, 1, 6, 0)),
    ("monthly", utc(2026, 12, 1, 4), datetime(2026, 12, 1, 6, 0)),
    ("monthly", utc(2026, 12, 1, 6), datetime(2027, 1, 1, 6, 0)),
])
def test_next_run_is_six_in_the_morning_local(cadence, after, expected_local):
    run = next_run(cadence, BERLIN, after)
    assert run.tzinfo is not None and run > after
    assert run.astimezone(BERLIN).replace(tzinfo=None) == expected_local


def test_next_run_follows_daylight_saving():
    before = next_run("daily", BERLIN, utc(2026, 3, 28, 12))
    after = next_run("daily", BERLIN, before)
    assert before == utc(2026, 3, 29, 4)           # CEST, UTC+2
    assert after == utc(2026, 3, 30, 4)
    autumn = next_run("daily", NEW_YORK, utc(2026, 10, 31, 12))
    assert autumn == utc(2026, 11, 1, 11)          # EST from 1 November, UTC-5
    assert next_run("daily", NEW_YORK, utc(2026, 10, 30, 12)) == utc(2026, 10, 31, 10)


def test_periods_are_the_previous_local_day_week_and_month():
    run = utc(2026, 3, 30, 4)  # Monday 06:00 CEST, the week Berlin changed clocks
    assert period_before("daily", BERLIN, run) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    week = period_before("weekly", BERLIN, run)
    assert week == (utc(2026, 3, 22, 23), utc(2026, 3, 29, 22))
    assert (week[1] - week[0]).total_seconds() == (7 * 24 - 1) * 3600
    assert period_before("monthly", BERLIN, utc(2026, 4, 1, 4)) == (
        utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))
    assert period_before("monthly", BERLIN, utc(2026, 1, 1, 5)) == (
        utc(2025, 11, 30, 23), utc(2025, 12, 31, 23))


def test_latest_due_skips_runs_missed_while_down():
    due = utc(2026, 1, 10, 5)
    assert latest_due("daily", BERLIN, due, utc(2026, 1, 14, 12)) == utc(2026, 1, 14, 5)
    assert latest_due("daily", BERLIN, due, utc(2026, 1, 10, 5, 30)) == due
    assert latest_due("monthly", BERLIN, utc(2026, 1, 1, 5), utc(2026, 3, 15)) == utc(
        2026, 3, 1, 5)
