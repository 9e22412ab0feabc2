"""Figures that many requests share and that may be a few seconds old: the dashboard's
energy part and the factory's energy over a range. Summing every device of a factory costs
far more than serving the answer, and a plant manager's page needs it no fresher than its
telemetry arrives, so each process keeps one result per key for ENERGY_FRESH_SECONDS and
renews it in the background while the previous one is served."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.core.logging import get_logger
from app.stores.resources import Resources

ENERGY_FRESH_SECONDS = 15.0
# Keys are ranges as well as factories: keep the newest few hundred per process.
_MAX_KEYS = 512

log = get_logger(__name__)


@dataclass
class _Entry:
    value: Any = None
    has_value: bool = False
    fresh_until: float = 0.0
    task: asyncio.Task | None = None


class SharedRefresh:
    """Per-key results kept for `ttl` seconds. One computation per key runs at a time and
    every caller shares it; once a result exists, callers get it at once even when it is
    due for renewal, and the renewal runs in the background (stale-while-revalidate)."""

    def __init__(self, ttl_seconds: float, max_keys: int = _MAX_KEYS) -> None:
        self.ttl = ttl_seconds
        self.max_keys = max_keys
        # In order of last use, so that the least recently asked keys are dropped first.
        self._entries: OrderedDict[Any, _Entry] = OrderedDict()

    async def get(self, key: Any, compute: Callable[[], Awaitable[Any]]) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
            self._forget_oldest()
        else:
            self._entries.move_to_end(key)
        if entry.has_value and time.monotonic() < entry.fresh_until:
            return entry.value
        if entry.task is None:
            # A task, not a coroutine: a caller that disconnects cancels nobody's work.
            entry.task = asyncio.ensure_future(self._renew(entry, compute))
        if entry.has_value:
            return entry.value
        return await asyncio.shield(entry.task)

    async def _renew(self, entry: _Entry, compute: Callable[[], Awaitable[Any]]) -> Any:
        try:
            value = await compute()
        except Exception as exc:
            if not entry.has_value:
                raise
            # Keep serving what was last known; the next request tries again.
            log.warning("energy.shared_refresh_failed", error=str(exc))
            return entry.value
        else:
            entry.value, entry.has_value = value, True
            entry.fresh_until = time.monotonic() + self.ttl
            return value
        finally:
            entry.task = None

    def _forget_oldest(self) -> None:
        # An entry being computed stays: its callers are waiting on it.
        for key in list(self._entries):
            if len(self._entries) <= self.max_keys:
                return
            if self._entries[key].task is None:
                del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


def shared_refresh(resources: Resources, name: str, ttl_seconds: float) -> SharedRefresh:
    """The process's SharedRefresh called `name`, created on first use."""
    refresh = resources.extras.get(name)
    if refresh is None:
        refresh = resources.extras[name] = SharedRefresh(ttl_seconds)
    return refresh
