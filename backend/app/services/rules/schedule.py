"""When a rule is active: `{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}` read in the
factory's time zone, Monday = 0. `end` may be "24:00". A window whose start is later than
its end crosses midnight: it opens on a listed day and closes the next morning."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.clock import parse_clock


@lru_cache(maxsize=256)
def factory_zone(name: str | None) -> ZoneInfo:
    """The factory's zone; UTC when unset or unknown, so a typo never stops alerting."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(moment: datetime, zone_name: str | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(factory_zone(zone_name))


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


def format_local(moment: datetime, zone_name: str | None) -> str:
    """"2026-11-29 14:03:05 CET" in the factory's zone, for messages."""
    local = local_time(moment, zone_name)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".strip()

