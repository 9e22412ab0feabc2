"""Backpressure: when points waiting to be written, unacknowledged messages or bytes of
messages waiting for a device lookup reach a high-water mark, the ingester stops reading the
broker's socket. The broker keeps the messages in the persistent session (TCP flow control
first, then its queue), and intake resumes once every level is below its low-water mark
(half the high one). Memory stays bounded however slow the store or the metadata database.

The connection is paused through a `Valve` (the MQTT client: remove the socket's reader from
the event loop, add it back). While paused no PINGRESP is read either: a pause longer than
about twice the keep-alive ends in a reconnect, after which the broker redelivers what was
not acknowledged."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from app.core.config import Settings
from app.core.logging import get_logger
from telemetry.metrics import IngestStats

log = get_logger("telemetry.backpressure")


class Valve(Protocol):
    def pause_reading(self) -> None: ...
    def resume_reading(self) -> None: ...


class Backpressure:
    def __init__(self, settings: Settings, stats: IngestStats, *, buffered_points,
                 on_absence) -> None:
        self.high_points = settings.ingest_high_water_points
        self.high_messages = settings.ingest_high_water_messages
        self.high_held_bytes = settings.ingest_high_water_held_bytes
        self.stats = stats
        self._buffered_points = buffered_points
        self._on_absence = on_absence
        self._valve: Valve | None = None
        self._paused_at = 0.0
        self._open = asyncio.Event()
        self._open.set()

    @property
    def paused(self) -> bool:
        return not self._open.is_set()

    def attach(self, valve: Valve | None) -> None:
        """The connection to pause from now on (None once it is gone)."""
        self._valve = valve
        if valve is not None and not self._open.is_set():
            valve.pause_reading()

    def _over_high(self) -> bool:
        s = self.stats
        return (self._buffered_points() >= self.high_points
                or s.unacked_messages >= self.high_messages
                or s.held_bytes >= self.high_held_bytes)

    def _under_low(self) -> bool:
        s = self.stats
        return (self._buffered_points() < self.high_points // 2
                and s.unacked_messages < self.high_messages // 2
                and s.held_bytes < self.high_held_bytes // 2)

    def check(self) -> bool:
        """After each piece of intake: True when reading must stop now."""
        if self._open.is_set() and self._over_high():
            self.pause()
        return not self._open.is_set()

    def pause(self) -> None:
        if not self._open.is_set():
            return
        self._open.clear()
        self._paused_at = time.monotonic()
        self.stats.intake_paused = 1
        self.stats.intake_pauses += 1
        if self._valve is not None:
            self._valve.pause_reading()
        log.info("telemetry.intake_paused", buffered_points=self._buffered_points(),
                 unacked_messages=self.stats.unacked_messages,
                 held_bytes=self.stats.held_bytes)

    def relieve(self) -> None:
        """After anything that lowers the levels (a flush, a lookup): resume when all are
        under their low-water marks."""
        if self._open.is_set() or not self._under_low():
            return
        self.resume()

    def resume(self) -> None:
        if self._open.is_set():
            return
        paused_for = time.monotonic() - self._paused_at
        self._open.set()
        self.stats.intake_paused = 0
        self.stats.intake_paused_seconds += paused_for
        self._on_absence(paused_for)
        if self._valve is not None:
            self._valve.resume_reading()
        log.info("telemetry.intake_resumed", paused_s=round(paused_for, 3))

    async def wait_open(self) -> None:
        await self._open.wait()
