"""Times of day as people write them ("HH:MM"), for rule schedules, shift calendars and
anything else a form validates before a service reads it. Pure."""

from __future__ import annotations

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
