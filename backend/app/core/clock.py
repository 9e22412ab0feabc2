"""Times of day as people write them ("HH:MM"), for rule schedules, shift calendars and
anything else a form validates before a service reads it, and moments shown in a factory's
time zone (rule schedules decide with them, alert messages print them). Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

END_OF_DAY = 24 * 60


def parse_clock(text: str, *, allow_end_of_day: bool = False) -> int:
    """Minutes since midnight of "HH:MM"; ValueError when malformed."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError("must be HH:MM")
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit() and hours.isascii() and minutes.isascii()):
        raise ValueError("must be HH:MM")
    value = int(hours) * 60 + int(minutes)
    if allow_end_of_day and value == END_OF_DAY:
        return value
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError("must be a time of day between 00:00 and 23:59"
                         + (" (or 24:00)" if allow_end_of_day else ""))
    return value


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


def format_local(moment: datetime, zone_name: str | None) -> str:
    """"2026-11-29 14:03:05 CET" in the factory's zone, for messages."""
    local = local_time(moment, zone_name)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".strip()
