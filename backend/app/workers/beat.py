"""celery beat with a heartbeat. A beat process can be alive yet schedule nothing (a hung
broker connection, a blocked loop), and it answers no `inspect ping`: so every pass of its
scheduling loop touches `<schedule file>.heartbeat`, and the container's health check is
`python -m app.workers.beat <heartbeat file> <max age seconds>`.

Run it as `celery -A app.workers.celery_app beat -S app.workers.beat:HeartbeatScheduler`.
The loop wakes at least every `beat_max_loop_interval` (300 s) and, with entries due every
minute, every minute."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from celery.beat import PersistentScheduler

HEARTBEAT_SUFFIX = ".heartbeat"


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        Path(self.schedule_filename + HEARTBEAT_SUFFIX).touch()
        return super().tick(*args, **kwargs)


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last pass of the loop, None before the first."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - modified


def main(argv: list[str]) -> int:
    """Exit 0 when the heartbeat is younger than the allowed age, else 1."""
    if len(argv) != 2:
        print("usage: python -m app.workers.beat <heartbeat file> <max age seconds>",
              file=sys.stderr)
        return 2
    age = heartbeat_age(Path(argv[0]))
    if age is None or age > float(argv[1]):
        print(f"beat heartbeat {'missing' if age is None else f'{age:.0f} s old'}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
