"""Which ingester instance this process is, so that its MQTT client id and its spool folder
stay the same across restarts and container re-creation.

Replicas share one spool volume. Each claims the lowest free slot under it with an exclusive
lock (`instance-<n>/.lock`, held for the life of the process): a re-created container finds
its predecessor's slot free and takes over its broker session (the messages queued for it)
and its spool; two live replicas never share a folder. `INGEST_INSTANCE` names the instance
explicitly instead (e.g. one per host when replicas do not share a volume).

The folder also keeps a heartbeat, whose age at start-up tells how long the instance was
away: devices' rate quotas are credited for that time (their backlog queued in the broker
arrives at once and is not a burst)."""

from __future__ import annotations

import fcntl
import os
import re
import time
from pathlib import Path

from app.core.config import Settings

HEARTBEAT = ".alive"
LOCK = ".lock"
# Longest absence credited at start-up: beyond it a device's queue was probably not kept.
MAX_CREDITED_ABSENCE_SECONDS = 24 * 3600.0
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


class NoFreeInstanceSlot(RuntimeError):
    pass


class Instance:
    def __init__(self, name: str, folder: Path, lock_fd: int) -> None:
        self.name = name
        self.folder = folder
        self._lock_fd = lock_fd
        self.absent_seconds = self._read_absence()
        self.beat()

    @classmethod
    def claim(cls, settings: Settings) -> Instance:
        root = settings.spool_dir
        root.mkdir(parents=True, exist_ok=True)
        names = ([_SAFE_NAME.sub("_", settings.ingest_instance)] if settings.ingest_instance
                 else [str(n) for n in range(settings.ingest_instance_slots)])
        for name in names:
            folder = root / f"instance-{name}"
            folder.mkdir(exist_ok=True)
            fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            instance = cls(name, folder, fd)
            instance._adopt_loose_files(root)
            return instance
        raise NoFreeInstanceSlot(
            f"all {len(names)} ingester instance slots under {root} are taken "
            "(raise INGEST_INSTANCE_SLOTS or set INGEST_INSTANCE)")

    def client_id(self, settings: Settings) -> str:
        """Fixed per instance, so the broker keeps the session (and queues for it) across
        restarts. Ingesters sharing a subscription need distinct ids: the instance name."""
        if settings.mqtt_shared_group:
            return f"{settings.mqtt_client_id}-{self.name}"[:64]
        return settings.mqtt_client_id

    def beat(self) -> None:
        path = self.folder / HEARTBEAT
        path.touch()

    def release(self) -> None:
        if self._lock_fd >= 0:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = -1

    def _read_absence(self) -> float:
        try:
            last = (self.folder / HEARTBEAT).stat().st_mtime
        except FileNotFoundError:
            return 0.0
        return min(max(0.0, time.time() - last), MAX_CREDITED_ABSENCE_SECONDS)

    def _adopt_loose_files(self, root: Path) -> None:
        """Spool files of the layout before instance folders (directly in the spool root)
        are taken over by the first instance to start."""
        for path in sorted(root.glob("*.spool")):
            path.rename(self.folder / path.name)
