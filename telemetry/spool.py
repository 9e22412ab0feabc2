"""Points the time-series store could not take yet, kept on disk so that a long outage or a
shutdown during one loses nothing. One file per batch, written atomically, replayed oldest
first."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from app.stores.timeseries import Point


class DiskSpool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._sequence = 0
        self.points = sum(self._count(path) for path in self.files())

    @staticmethod
    def _count(path: Path) -> int:
        # The point count is in the name so that start-up need not read every file.
        try:
            return int(path.stem.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            return 0

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.spool"))

    def put(self, points: Sequence[Point]) -> None:
        if not points:
            return
        self._sequence += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}-{len(points)}"
        tmp = self.directory / f"{name}.tmp"
        tmp.write_bytes(orjson.dumps([tuple(p) for p in points]))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        tmp.rename(self.directory / f"{name}.spool")
        self.points += len(points)

    def read(self, path: Path) -> list[Point]:
        return [Point(*row) for row in orjson.loads(path.read_bytes())]

    def remove(self, path: Path) -> None:
        count = self._count(path)
        path.unlink(missing_ok=True)
        self.points = max(0, self.points - count)
