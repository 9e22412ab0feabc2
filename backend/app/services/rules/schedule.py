"""When a rule is active: `{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}` read in the
factory's time zone, Monday = 0. `end` may be "24:00". A window whose start is later than
its end crosses midnight: it opens on a listed day and closes the next morning."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.clock import format_local, local_time, parse_clock

__all__ = ["format_local", "is_active_at", "local_time"]


def is_active_at(schedule: dict[str, Any] | None, moment: datetime,
                 zone_name: str | None) -> bool:
    """Whether a rule with this schedule is active at `moment`; always, without one. A
    schedule that cannot be read counts as always active: better an alert than silence."""
    if not schedule:
        return True
    try:
        days = {int(d) for d in schedule["days"]}
        start = parse_clock(schedule["start"])
        end = parse_clock(schedule["end"], allow_end_of_day=True)
    except (KeyError, TypeError, ValueError):
        return True
    local = local_time(moment, zone_name)
    minute = local.hour * 60 + local.minute
    weekday = local.weekday()
    if start < end:
        return weekday in days and start <= minute < end
    # Crossing midnight: the evening part belongs to the listed day, the morning part to the
    # day before it.
    return (weekday in days and minute >= start) or ((weekday - 1) % 7 in days
                                                     and minute < end)
