"""Batched time-series writes, and the acknowledgements that wait for them.

Points accumulate in `pending`, the acknowledgements of their messages in `acks`. A flush
makes the batch durable chunk by chunk, each written to the store or, when the store is down
or backing off, put in the disk spool, and acknowledges the messages of each chunk as soon
as it is durable. Only when the spool cannot take a chunk either (its byte budget or the
disk is full) does the rest of the batch stay in memory, still unacknowledged, in
`backlog`; intake stops at the high-water mark meanwhile (see telemetry.backpressure), so
memory stays bounded however long that lasts.

A chunk the store refuses as invalid (4xx) is split in halves until the offending points are
isolated: only those are dropped, counted by reason, never the rest of the batch (which
mixes factories and devices). Spooled points are replayed, oldest first, whenever the store
takes writes again."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from app.core.logging import get_logger
from app.stores.timeseries import Point, TimeSeriesStore, TimeSeriesUnavailable
from app.stores.timeseries.base import TimeSeriesQueryError
from telemetry.acks import AckLedger
from telemetry.metrics import IngestStats
from telemetry.spool import DiskSpool, SpoolFull

log = get_logger("telemetry.writer")

MAX_BACKOFF_SECONDS = 10.0
# Writes a refused chunk may cost while isolating its bad points. Beyond it (a store refusing
# most of what it gets) the remaining refused parts are set aside on disk for inspection
# rather than split further.
ISOLATION_WRITE_BUDGET = 400
# Never flush more often than this, however fast points arrive.
MIN_FLUSH_SECONDS = 0.02


def refusal_reason(error: TimeSeriesQueryError) -> str:
    """A stable reason for points the store refused, from its error text."""
    text = str(error).lower()
    if "retention" in text:
        return "beyond_retention"
    if "field type conflict" in text:
        return "field_type_conflict"
    if "max-values-per-tag" in text or "max-series" in text:
        return "series_limit"
    if "unable to parse" in text or "invalid" in text:
        return "unparsable"
    return "refused"


@dataclass
class Batch:
    points: list[Point]
    acks: AckLedger = field(default_factory=AckLedger)
    # Points of the batch already durable (written or spooled; `points` keeps the rest).
    durable: int = 0


class PointWriter:
    def __init__(self, store: TimeSeriesStore, spool: DiskSpool, stats: IngestStats, *,
                 batch_points: int) -> None:
        self.store = store
        self.spool = spool
        self.stats = stats
        self.batch_points = batch_points
        self.pending: list[Point] = []
        self.acks = AckLedger()
        self.backlog: deque[Batch] = deque()
        self.backlog_points = 0
        # Set when enough points wait for a write that the flush loop should not sleep on.
        self.due = asyncio.Event()
        self._retry_at = 0.0
        self._backoff = 0.5
        self._lock = asyncio.Lock()
        # Called after each chunk made durable (backpressure may lift mid-flush).
        self.on_durable = lambda: None
        self._update_gauges()

    # -- called from the message handler ---------------------------------------------------
    def add(self, points: list[Point]) -> None:
        pending = self.pending
        pending.extend(points)
        if len(pending) >= self.batch_points:
            self.due.set()

    @property
    def buffered_points(self) -> int:
        """Points in memory not yet durable: pending, or in the backlog (being flushed)."""
        return len(self.pending) + self.backlog_points

    @property
    def healthy(self) -> bool:
        return not self.backlog and self.spool.points == 0 and self._retry_at == 0.0

    # -- flushing --------------------------------------------------------------------------
    async def flush(self) -> None:
        """Make what is pending durable and acknowledge it; retry what waits from earlier
        failures; replay the spool when the store takes writes. Cancelling it (a deadline
        at shutdown) loses nothing: unfinished batches stay in the backlog."""
        async with self._lock:
            started = time.perf_counter()
            had_points = bool(self.pending)
            if self.pending or self.acks.count:
                self.backlog.append(Batch(self.pending, self.acks))
                self.backlog_points += len(self.pending)
                self.pending, self.acks = [], AckLedger()
            # Oldest batches first: their messages have waited longest.
            while self.backlog:
                if not await self._make_durable(self.backlog[0]):
                    break
                self.backlog.popleft()
            if not self.backlog:
                self.stats.spool_full = 0
            if self.spool.points and not self._backing_off():
                await self._replay_spool()
            self._update_gauges()
            if had_points:
                self.stats.flushes += 1
                self.stats.flush_seconds_total += time.perf_counter() - started

    def _backing_off(self) -> bool:
        return bool(self._retry_at) and time.monotonic() < self._retry_at

    async def _make_durable(self, batch: Batch) -> bool:
        """Write or spool every chunk of a backlog batch, then acknowledge it. False (the
        batch keeps what is left) when neither the store nor the spool can take a chunk."""
        points = batch.points
        while points:
            chunk = points[:self.batch_points]
            if self._backing_off() or not await self._write(chunk):
                try:
                    self.spool.put_points(chunk)
                except SpoolFull as exc:
                    self._note_spool_full(exc, len(chunk))
                    return False
                self.stats.points_spooled += len(chunk)
            del points[:len(chunk)]
            self.backlog_points -= len(chunk)
            batch.durable += len(chunk)
            batch.acks.send_through(batch.durable, self.stats)
            self.on_durable()
        batch.acks.send(self.stats)
        return True

    def _note_spool_full(self, exc: SpoolFull, points: int) -> None:
        if not self.stats.spool_full:
            log.error("telemetry.spool_full", error=str(exc)[:200], points=points,
                      spool_bytes=self.spool.bytes, spool_max_bytes=self.spool.max_bytes)
        self.stats.spool_full = 1

    async def _write(self, points: list[Point]) -> bool:
        """True once the store holds the points (less any it refused as invalid, which are
        counted); False when it is unavailable (retry later, after a backoff)."""
        started = time.perf_counter()
        try:
            await self.store.write(points)
        except TimeSeriesUnavailable as exc:
            self._unavailable(exc, len(points))
            return False
        except TimeSeriesQueryError as exc:
            return await self._isolate_refused(points, exc)
        self._written(points, started)
        return True

    def _written(self, points: list[Point], started: float) -> None:
        self.stats.observe_write(time.perf_counter() - started)
        self.stats.points_written += len(points)
        self._retry_at = 0.0
        self._backoff = 0.5

    def _unavailable(self, exc: TimeSeriesUnavailable, points: int) -> None:
        self.stats.write_errors += 1
        self._retry_at = time.monotonic() + self._backoff
        log.warning("telemetry.write_failed", error=str(exc)[:200], points=points,
                    retry_in_s=self._backoff)
        self._backoff = min(self._backoff * 2, MAX_BACKOFF_SECONDS)

    async def _isolate_refused(self, points: list[Point], first: TimeSeriesQueryError) -> bool:
        """Split a refused chunk in halves, recursively, writing every part the store takes;
        the single points it still refuses are dropped and counted by reason. False if the
        store became unavailable meanwhile (the whole chunk is then retried or spooled:
        rewriting points already written is harmless)."""
        budget = ISOLATION_WRITE_BUDGET
        refused: dict[str, int] = {}
        set_aside: list[Point] = []
        stack: list[tuple[list[Point], TimeSeriesQueryError]] = [(points, first)]
        while stack:
            part, error = stack.pop()
            if len(part) == 1:
                reason = refusal_reason(error)
                refused[reason] = refused.get(reason, 0) + 1
                continue
            if budget <= 0:
                set_aside.extend(part)
                continue
            middle = len(part) // 2
            for half in (part[middle:], part[:middle]):  # popped left half first
                budget -= 1
                started = time.perf_counter()
                try:
                    await self.store.write(half)
                except TimeSeriesUnavailable as exc:
                    self._unavailable(exc, len(half))
                    return False
                except TimeSeriesQueryError as exc:
                    stack.append((half, exc))
                else:
                    self._written(half, started)
        for reason, count in refused.items():
            self.stats.points_refused[reason] += count
        log.warning("telemetry.points_refused", reasons=refused, batch_points=len(points),
                    error=str(first)[:300])
        if set_aside:
            self._set_aside(set_aside, first)
        return True

    def _set_aside(self, points: list[Point], error: TimeSeriesQueryError) -> None:
        self.stats.points_refused["set_aside"] += len(points)
        try:
            self.spool.put_points(points)
            newest = self.spool.point_files()[-1]
            self.spool.quarantine(newest)
            log.error("telemetry.points_set_aside", points=len(points), file=str(newest),
                      error=str(error)[:300])
        except (SpoolFull, OSError, IndexError) as exc:
            log.error("telemetry.points_set_aside_failed", points=len(points), error=str(exc))

    async def _replay_spool(self) -> None:
        for path in self.spool.point_files():
            try:
                points = self.spool.read_points(path)
            except (OSError, ValueError) as exc:
                log.error("telemetry.spool_unreadable", path=str(path), error=str(exc))
                self.spool.quarantine(path)
                continue
            for i in range(0, len(points), self.batch_points):
                if not await self._write(points[i:i + self.batch_points]):
                    # Part of the file may be written already: rewriting it is harmless,
                    # a point with the same series and time replaces itself.
                    return
            self.spool.remove(path)
            self.stats.points_replayed += len(points)
            log.info("telemetry.spool_replayed", points=len(points))

    def _update_gauges(self) -> None:
        self.stats.buffer_points = self.buffered_points
        self.stats.spool_points = self.spool.points
        self.stats.spool_bytes = self.spool.bytes

    async def close(self, deadline_seconds: float = 10.0) -> None:
        """Final flush at shutdown: write what the store takes before the deadline, spool
        the rest, acknowledge what is durable. What neither takes stays unacknowledged, and
        the broker delivers it again after the restart."""
        self._retry_at = 0.0
        try:
            await asyncio.wait_for(self.flush(), deadline_seconds)
        except TimeoutError:
            log.warning("telemetry.final_flush_timeout")
        # Whatever is left goes to the spool: no more waiting for the store.
        self._retry_at = time.monotonic() + MAX_BACKOFF_SECONDS
        await self.flush()
        if self.backlog:
            log.error("telemetry.unacknowledged_at_exit", points=self.backlog_points,
                      messages=sum(batch.acks.count for batch in self.backlog))
        if self.spool.points:
            log.warning("telemetry.spooled_for_next_start", points=self.spool.points)
