"""Conditions about time rather than values, decided on a clock: "no data from the device for
N seconds" `{"silent_for_seconds": N}` and "parameter not reported for N seconds"
`{"parameter": key, "stale_for_seconds": N}`. A meter that goes silent sends nothing to
evaluate, so the rule engine's tick (beat, every RULE_CLOCK_SECONDS) asks these of every
device in scope; a message from the device answers them too, which resolves the alarm.

Such a condition is a whole rule's condition, never part of a group: "silent and power above
100" has no moment at which both could be read. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SILENT = "silent_for_seconds"
STALE = "stale_for_seconds"
CLOCK_MIN_SECONDS = 1
CLOCK_MAX_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ClockCondition:
    seconds: int
    parameter: str | None = None  # None: any data from the device

    def describe(self) -> str:
        if self.parameter is None:
            return f"no data for {_duration(self.seconds)}"
        return f"{self.parameter} not reported for {_duration(self.seconds)}"

    def age(self, seen: Mapping[str, datetime], now: datetime) -> float | None:
        """Seconds since the device (or the parameter) last reported; None when it never
        did: a device not commissioned yet is not a silent one."""
        if self.parameter is None:
            last = max(seen.values(), default=None)
        else:
            last = seen.get(self.parameter)
        return None if last is None else (now - last).total_seconds()

    def holds(self, seen: Mapping[str, datetime], now: datetime) -> bool:
        age = self.age(seen, now)
        return age is not None and age >= self.seconds


def is_clock_condition(tree: Any) -> bool:
    return isinstance(tree, dict) and (SILENT in tree or STALE in tree)


def clock_condition(tree: Any) -> ClockCondition | None:
    """The clock condition of a stored rule; None for a value condition or anything
    unreadable (the engine must keep going on rows edited by hand)."""
    if not is_clock_condition(tree):
        return None
    seconds = tree.get(SILENT, tree.get(STALE))
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
        return None
    if SILENT in tree:
        return ClockCondition(seconds)
    parameter = tree.get("parameter")
    return ClockCondition(seconds, parameter) if isinstance(parameter, str) else None


def clock_problem(tree: dict) -> tuple[str, str] | None:
    """(path, reason) when a clock condition is malformed, None when it is fine."""
    keys = set(tree)
    if SILENT in keys:
        allowed, key = {SILENT}, SILENT
    else:
        allowed, key = {STALE, "parameter"}, STALE
        if not isinstance(tree.get("parameter"), str):
            return "/parameter", "a stale-parameter condition names its parameter"
    unknown = sorted(keys - allowed)
    if unknown:
        return "/", (f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
                     f"{', '.join(sorted(allowed))}")
    seconds = tree[key]
    if (isinstance(seconds, bool) or not isinstance(seconds, int)
            or not CLOCK_MIN_SECONDS <= seconds <= CLOCK_MAX_SECONDS):
        return f"/{key}", (f"must be a whole number of seconds between {CLOCK_MIN_SECONDS} "
                           f"and {CLOCK_MAX_SECONDS}")
    return None


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
