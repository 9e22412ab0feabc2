"""When a report schedule runs and which period it covers, in the factory's time zone: daily
at 06:00 for yesterday, weekly on Monday 06:00 for the previous Monday-to-Sunday week,
monthly on the 1st at 06:00 for the previous calendar month. Pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RUN_AT = time(6, 0)


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # fold=0: a wall time the clocks skip resolves to the first instant after the jump
    # for midnight, which is where that local day starts.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _first_of_month(day: date, months_ahead: int = 0) -> date:
    month_index = day.year * 12 + day.month - 1 + months_ahead
    return date(month_index // 12, month_index % 12 + 1, 1)


def next_run(cadence: str, zone: ZoneInfo, after: datetime) -> datetime:
    """The first run strictly after `after` (UTC)."""
    local_day = after.astimezone(zone).date()
    if cadence == "daily":
        candidates = (local_day, local_day + timedelta(days=1))
    elif cadence == "weekly":
        monday = local_day + timedelta(days=(7 - local_day.weekday()) % 7)
        candidates = (monday, monday + timedelta(days=7))
    elif cadence == "monthly":
        candidates = (_first_of_month(local_day) if local_day.day == 1
                      else _first_of_month(local_day, 1), _first_of_month(local_day, 1))
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    for day in candidates:
        moment = _instant(day, RUN_AT, zone)
        if moment > after:
            return moment
    # Only reached for a monthly schedule on the 1st after 06:00.
    return _instant(_first_of_month(local_day, 1), RUN_AT, zone)


def latest_due(cadence: str, zone: ZoneInfo, due: datetime, now: datetime) -> datetime:
    """The last run at or before `now`, starting from a run that was due at `due`: after
    downtime a schedule reports its most recent period once, not every missed one."""
    current = due
    while (following := next_run(cadence, zone, current)) <= now:
        current = following
    return current


def period_before(cadence: str, zone: ZoneInfo, run: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the period a run at `run` reports: the local day, week or
    month before the run's local date."""
    local_day = run.astimezone(zone).date()
    if cadence == "daily":
        first, after_last = local_day - timedelta(days=1), local_day
    elif cadence == "weekly":
        this_monday = local_day - timedelta(days=local_day.weekday())
        first, after_last = this_monday - timedelta(days=7), this_monday
    elif cadence == "monthly":
        first, after_last = _first_of_month(local_day, -1), _first_of_month(local_day)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    return _instant(first, time(0), zone), _instant(after_last, time(0), zone)
