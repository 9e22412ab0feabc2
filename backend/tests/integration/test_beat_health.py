"""The beat container's health check tells a scheduling beat from a stuck one: a real `celery
beat` process (embedded SQLite broker) keeps its heartbeat fresh, and once the process is
frozen (SIGSTOP) the check fails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.workers.beat import HEARTBEAT_SUFFIX

BACKEND = Path(__file__).resolve().parents[2]


def check(heartbeat: Path, max_age: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.workers.beat", str(heartbeat),
                           str(max_age)], cwd=BACKEND, capture_output=True, text=True)


def test_health_check_follows_the_scheduling_loop(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    heartbeat = Path(str(schedule) + HEARTBEAT_SUFFIX)
    assert check(heartbeat, 5).returncode == 1  # no beat yet
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CELERY_", "REDIS_", "DATABASE_"))}
    env.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING")
    with (tmp_path / "beat.log").open("w") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "beat",
             "-S", "app.workers.beat:HeartbeatScheduler", "-s", str(schedule),
             "--max-interval", "1", "--loglevel", "WARNING"],
            cwd=BACKEND, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while check(heartbeat, 3).returncode != 0:
            assert beat.poll() is None, (tmp_path / "beat.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "beat.log").read_text()
            time.sleep(0.5)
        first = heartbeat.stat().st_mtime
        time.sleep(2.5)
        assert heartbeat.stat().st_mtime > first  # every pass of the loop, not once

        beat.send_signal(signal.SIGSTOP)
        time.sleep(4)
        stuck = check(heartbeat, 3)
        assert stuck.returncode == 1 and "s old" in stuck.stderr
    finally:
        beat.send_signal(signal.SIGCONT)
        beat.terminate()
        beat.wait(20)
