"""When shifts happen, as pure functions: each shift of the calendar works on some weekdays
from a local start to a local end on quarter hours; a shift whose end is at or before its
start runs past midnight and belongs to the day it starts (Sunday's night shift is Sunday's
even though most of it falls on Monday). Occurrences are quarter-aligned instants, so the
energy of a shift is a sum of whole quarters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.clock import parse_clock

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class ShiftSpec:
    id: int
    name: str
    start: str      # "HH:MM"
    end: str        # "HH:MM"; at or before start: the next day
    days: tuple[int, ...]

    @property
    def start_minute(self) -> int:
        return parse_clock(self.start)

    @property
    def end_minute(self) -> int:
        return parse_clock(self.end, allow_end_of_day=True)

    @property
    def crosses_midnight(self) -> bool:
        return self.end_minute <= self.start_minute

    @property
    def minutes(self) -> int:
        length = self.end_minute - self.start_minute
        return length + DAY_MINUTES if length <= 0 else length


@dataclass(frozen=True)
class Occurrence:
    shift_id: int
    name: str
    day: date            # the local day it starts on
    start_ms: int
    end_ms: int


def check_clock(text: str, *, end: bool = False) -> int:
    """Minutes of a shift boundary; ValueError unless HH:MM on a quarter hour."""
    minutes = parse_clock(text, allow_end_of_day=end)
    if minutes % 15:
        raise ValueError("must be on a quarter hour (:00, :15, :30 or :45)")
    return minutes


def _instant_ms(day: date, minute: int, zone: ZoneInfo) -> int:
    # Wall-clock time: a shift starts at 06:00 local even on the day the clocks change.
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    return int(local.timestamp() * 1000)


def occurrences(shifts: Sequence[ShiftSpec], first: date, last: date, zone: ZoneInfo
                ) -> list[Occurrence]:
    """Every shift worked on the local days [first, last], in time order."""
    found: list[Occurrence] = []
    day = first
    while day <= last:
        for shift in shifts:
            if day.weekday() not in shift.days:
                continue
            start = _instant_ms(day, shift.start_minute, zone)
            end_day = day + timedelta(days=1) if shift.crosses_midnight else day
            end_minute = shift.end_minute
            if end_minute == DAY_MINUTES:
                end_day, end_minute = day + timedelta(days=1), 0
            end = _instant_ms(end_day, end_minute, zone)
            found.append(Occurrence(shift.id, shift.name, day, start, end))
        day += timedelta(days=1)
    found.sort(key=lambda o: (o.start_ms, o.shift_id))
    return found


def _weekly_minutes(shift: ShiftSpec) -> list[tuple[int, int]]:
    """The shift's working minutes of a week (Monday 00:00 = 0) as [start, end) spans,
    wrapping Sunday night into Monday morning."""
    week = 7 * DAY_MINUTES
    spans = []
    for weekday in shift.days:
        start = weekday * DAY_MINUTES + shift.start_minute
        end = start + shift.minutes
        if end <= week:
            spans.append((start, end))
        else:
            spans += [(start, week), (0, end - week)]
    return spans


def overlapping(shifts: Sequence[ShiftSpec]) -> tuple[ShiftSpec, ShiftSpec] | None:
    """Two shifts of the calendar that work at the same time on some weekday, if any: the
    same quarter must never count for two shifts."""
    for i, first in enumerate(shifts):
        for second in shifts[i + 1:]:
            for a_start, a_end in _weekly_minutes(first):
                for b_start, b_end in _weekly_minutes(second):
                    if a_start < b_end and b_start < a_end:
                        return first, second
    return None
