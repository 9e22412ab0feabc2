"""Batched time-series writes that survive outages.

Points accumulate in `pending`; every flush writes them in batches. When the store is down a
batch joins the in-memory backlog (bounded), the oldest backlog batches spill to the disk
spool beyond that bound, and both are retried with backoff until written. On shutdown what
cannot be written in time goes to the spool and is replayed at the next start."""

from __future__ import annotations

import asyncio
import time
from collections import deque

from app.core.logging import get_logger
from app.stores.timeseries import Point, TimeSeriesStore, TimeSeriesUnavailable
from app.stores.timeseries.base import TimeSeriesQueryError
from telemetry.metrics import IngestStats
from telemetry.spool import DiskSpool

log = get_logger("telemetry.writer")

MAX_BACKOFF_SECONDS = 10.0


class PointWriter:
    def __init__(self, store: TimeSeriesStore, spool: DiskSpool, stats: IngestStats, *,
                 batch_points: int, max_buffer_points: int) -> None:
        self.store = store
        self.spool = spool
        self.stats = stats
        self.batch_points = batch_points
        self.max_buffer_points = max_buffer_points
        self.pending: list[Point] = []
        self.backlog: deque[list[Point]] = deque()
        self.backlog_points = 0
        self._retry_at = 0.0
        self._backoff = 0.5
        self._lock = asyncio.Lock()
        stats.spool_points = spool.points

    # -- called from the message handler ---------------------------------------------------
    def add(self, points: list[Point]) -> None:
        self.pending.extend(points)

    @property
    def pending_points(self) -> int:
        return len(self.pending)

    @property
    def healthy(self) -> bool:
        return not self.backlog and self.spool.points == 0 and self._retry_at == 0.0

    # -- flushing --------------------------------------------------------------------------
    async def flush(self) -> None:
        """Write what is pending, then whatever waits from earlier failures when due."""
        async with self._lock:
            started = time.perf_counter()
            batch, self.pending = self.pending, []
            for i in range(0, len(batch), self.batch_points):
                chunk = batch[i:i + self.batch_points]
                if self._retry_at and time.monotonic() < self._retry_at:
                    self._hold(chunk)  # the store is down: don't hammer it
                elif not await self._write(chunk):
                    self._hold(chunk)
            if (self.backlog or self.spool.points) and time.monotonic() >= self._retry_at:
                await self._drain()
            self._update_gauges()
            if batch:
                self.stats.flushes += 1
                self.stats.flush_seconds_total += time.perf_counter() - started

    async def _write(self, points: list[Point]) -> bool:
        started = time.perf_counter()
        try:
            await self.store.write(points)
        except TimeSeriesUnavailable as exc:
            self.stats.write_errors += 1
            self._retry_at = time.monotonic() + self._backoff
            log.warning("telemetry.write_failed", error=str(exc)[:200], points=len(points),
                        retry_in_s=self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)
            return False
        except TimeSeriesQueryError as exc:
            # The store refused these points as invalid; retrying would fail forever.
            # Keep them on disk under another name for inspection.
            self.stats.points_failed += len(points)
            log.error("telemetry.write_refused", error=str(exc)[:300], points=len(points))
            return True
        self.stats.observe_write(time.perf_counter() - started)
        self.stats.points_written += len(points)
        self._retry_at = 0.0
        self._backoff = 0.5
        return True

    def _hold(self, points: list[Point]) -> None:
        self.backlog.append(points)
        self.backlog_points += len(points)
        while self.backlog_points > self.max_buffer_points and self.backlog:
            oldest = self.backlog.popleft()
            self.backlog_points -= len(oldest)
            self.spool.put(oldest)

    async def _drain(self) -> None:
        while self.backlog:
            batch = self.backlog[0]
            if not await self._write(batch):
                return
            self.backlog.popleft()
            self.backlog_points -= len(batch)
        for path in self.spool.files():
            try:
                points = self.spool.read(path)
            except (OSError, ValueError) as exc:
                log.error("telemetry.spool_unreadable", path=str(path), error=str(exc))
                path.rename(path.with_suffix(".bad"))
                continue
            for i in range(0, len(points), self.batch_points):
                if not await self._write(points[i:i + self.batch_points]):
                    # Part of the file may be written already: rewriting it is harmless,
                    # a point with the same series and time replaces itself.
                    return
            self.spool.remove(path)
            log.info("telemetry.spool_replayed", points=len(points))

    def _update_gauges(self) -> None:
        self.stats.buffer_points = self.backlog_points + len(self.pending)
        self.stats.spool_points = self.spool.points

    async def close(self, deadline_seconds: float = 10.0) -> None:
        """Final flush: write what can be written before the deadline, spool the rest."""
        self._retry_at = 0.0
        try:
            await asyncio.wait_for(self.flush(), deadline_seconds)
        except TimeoutError:
            log.warning("telemetry.final_flush_timeout")
        async with self._lock:
            leftovers = [*self.backlog, self.pending] if self.pending else list(self.backlog)
            self.pending = []
            self.backlog.clear()
            self.backlog_points = 0
            for batch in leftovers:
                self.spool.put(batch)
            self._update_gauges()
        if self.spool.points:
            log.warning("telemetry.spooled_for_next_start", points=self.spool.points)
