"""What the ingester has acknowledged to the broker but not yet written to the time-series
store, kept on disk: a message is acknowledged only once its points are in the store or in
a spool file flushed to disk, so a crash at any moment loses nothing.

Two kinds of file, one per batch, written atomically (temporary file, fsync, rename, fsync
of the folder) and replayed oldest first:
  *.spool  points the store could not take (it was down, or too slow)
  *.held   raw messages whose device could not be looked up before a shutdown; they are
           handled again, lookups and all, at the next start
The folder belongs to one ingester instance (see telemetry.instance) and is bounded in bytes:
a full spool, like a full disk, raises `SpoolFull`, and the caller keeps the data in memory
unacknowledged, which stops intake once the high-water mark is reached."""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from app.core.logging import get_logger
from app.stores.timeseries import Point

log = get_logger("telemetry.spool")

POINTS_SUFFIX = ".spool"
HELD_SUFFIX = ".held"
_HELD_MAGIC = b"FOH1"
# slug length, key length, payload length, receive time (ms)
_HELD_RECORD = struct.Struct(">HHIq")

HeldMessage = tuple[str, str, bytes, int]
"""(factory slug, device key, payload, receive time in ms)."""


class SpoolFull(Exception):
    """The spool's byte budget or the disk is exhausted; nothing was written."""


class DiskSpool:
    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.directory.mkdir(parents=True, exist_ok=True)
        for leftover in self.directory.glob("*.tmp"):  # a write a crash interrupted
            leftover.unlink(missing_ok=True)
        self._last_stamp = 0
        self.points = 0
        self.bytes = 0
        for path in self.files():
            self.bytes += path.stat().st_size
            if path.suffix == POINTS_SUFFIX:
                self.points += self._count(path)
            # A clock set back since the last run must not file new batches before old ones.
            self._last_stamp = max(self._last_stamp, self._stamp(path))

    @staticmethod
    def _count(path: Path) -> int:
        # The point count is in the name so that start-up need not read every file.
        try:
            return int(path.stem.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            return 0

    @staticmethod
    def _stamp(path: Path) -> int:
        try:
            return int(path.name.split("-", 1)[0])
        except ValueError:
            return 0

    def files(self) -> list[Path]:
        """Every spool file, oldest first (names start with a strictly increasing stamp)."""
        return sorted(p for p in self.directory.iterdir()
                      if p.suffix in (POINTS_SUFFIX, HELD_SUFFIX))

    def point_files(self) -> list[Path]:
        return [p for p in self.files() if p.suffix == POINTS_SUFFIX]

    def held_files(self) -> list[Path]:
        return [p for p in self.files() if p.suffix == HELD_SUFFIX]

    @property
    def free_bytes(self) -> int:
        return max(0, self.max_bytes - self.bytes)

    # -- writing ------------------------------------------------------------------------
    def put_points(self, points: Sequence[Point]) -> None:
        if points:
            data = orjson.dumps([tuple(p) for p in points])
            self._put(data, f"{len(points)}{POINTS_SUFFIX}")
            self.points += len(points)

    def put_held(self, messages: Sequence[HeldMessage]) -> None:
        if messages:
            parts = [_HELD_MAGIC]
            for slug, key, payload, received_ms in messages:
                slug_raw, key_raw = slug.encode(), key.encode()
                parts.append(_HELD_RECORD.pack(len(slug_raw), len(key_raw), len(payload),
                                               received_ms))
                parts += (slug_raw, key_raw, payload)
            self._put(b"".join(parts), f"{len(messages)}{HELD_SUFFIX}")

    def _put(self, data: bytes, tail: str) -> None:
        if self.bytes + len(data) > self.max_bytes:
            raise SpoolFull(f"spool holds {self.bytes} of {self.max_bytes} bytes")
        # Wall-clock nanoseconds keep names in order across restarts; never equal or
        # smaller than the previous one, even if the clock steps back.
        self._last_stamp = max(time.time_ns(), self._last_stamp + 1)
        name = f"{self._last_stamp:020d}-{tail}"
        tmp = self.directory / f"{name}.tmp"
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.rename(self.directory / name)
            self._sync_directory()
        except OSError as exc:  # disk full, read-only, gone: the data stays with the caller
            tmp.unlink(missing_ok=True)
            raise SpoolFull(f"spool write failed: {exc}") from exc
        self.bytes += len(data)

    def _sync_directory(self) -> None:
        # The rename is durable only once the folder itself is on disk.
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- reading ------------------------------------------------------------------------
    def read_points(self, path: Path) -> list[Point]:
        return [Point(*row) for row in orjson.loads(path.read_bytes())]

    def read_held(self, path: Path) -> list[HeldMessage]:
        data = path.read_bytes()
        if not data.startswith(_HELD_MAGIC):
            raise ValueError("not a held-messages file")
        out: list[HeldMessage] = []
        index = len(_HELD_MAGIC)
        size = _HELD_RECORD.size
        while index < len(data):
            slug_len, key_len, payload_len, received_ms = _HELD_RECORD.unpack_from(data, index)
            index += size
            slug = data[index:index + slug_len].decode()
            index += slug_len
            key = data[index:index + key_len].decode()
            index += key_len
            payload = data[index:index + payload_len]
            index += payload_len
            if len(payload) != payload_len:
                raise ValueError("truncated held-messages file")
            out.append((slug, key, payload, received_ms))
        return out

    def remove(self, path: Path) -> None:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        path.unlink(missing_ok=True)
        self.bytes = max(0, self.bytes - size)
        if path.suffix == POINTS_SUFFIX:
            self.points = max(0, self.points - self._count(path))

    def quarantine(self, path: Path) -> None:
        """Set an unreadable file aside (kept for inspection, no longer replayed)."""
        size = path.stat().st_size
        path.rename(path.with_suffix(".bad"))
        self.bytes = max(0, self.bytes - size)
        if path.suffix == POINTS_SUFFIX:
            self.points = max(0, self.points - self._count(path))
