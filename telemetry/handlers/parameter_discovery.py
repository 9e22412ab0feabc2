"""New parameter keys and last-seen times, written to the metadata database in batches.

The message handler only records what it saw in memory; `sync()` (called every second or
so) turns that into a few statements per factory. When the database is down the work stays
queued and is retried, so discovery is late, never lost."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime

from app.core.database import session_scope
from app.core.logging import get_logger
from app.repositories.telemetry_repo import TelemetryRepository
from telemetry.metrics import IngestStats

log = get_logger("telemetry.discovery")

# Parameter last-seen times matter for "is this sensor still reporting", not to the
# second: refresh them this often, and device last-seen times every sync.
PARAMETER_TOUCH_SECONDS = 60.0


class ParameterDiscovery:
    def __init__(self, stats: IngestStats) -> None:
        self.stats = stats
        # (factory_id, device_id) -> keys not yet in the database
        self.new_keys: dict[tuple[int, int], set[str]] = defaultdict(set)
        # (factory_id, device_id) -> newest message time (ms)
        self.device_seen: dict[tuple[int, int], int] = {}
        # (factory_id, device_id) -> keys seen since the last parameter touch
        self.parameters_seen: dict[tuple[int, int], set[str]] = defaultdict(set)
        self._last_parameter_touch = time.monotonic()

    def discovered(self, factory_id: int, device_id: int, keys: set[str]) -> None:
        self.new_keys[(factory_id, device_id)] |= keys

    def seen(self, factory_id: int, device_id: int, ts_ms: int, keys) -> None:
        key = (factory_id, device_id)
        if ts_ms > self.device_seen.get(key, 0):
            self.device_seen[key] = ts_ms
        self.parameters_seen[key].update(keys)

    async def sync(self, *, force: bool = False) -> None:
        new_keys, self.new_keys = self.new_keys, defaultdict(set)
        device_seen, self.device_seen = self.device_seen, {}
        touch_parameters = force or (
            time.monotonic() - self._last_parameter_touch >= PARAMETER_TOUCH_SECONDS)
        parameters_seen: dict[tuple[int, int], set[str]] = {}
        if touch_parameters:
            parameters_seen, self.parameters_seen = self.parameters_seen, defaultdict(set)
        if not (new_keys or device_seen or parameters_seen):
            return
        try:
            await self._write(new_keys, device_seen, parameters_seen)
        except Exception as exc:  # the database is down or refused: keep the work, retry
            log.warning("telemetry.metadata_sync_failed", error=str(exc)[:300])
            for key, keys in new_keys.items():
                self.new_keys[key] |= keys
            for key, ts in device_seen.items():
                self.device_seen[key] = max(ts, self.device_seen.get(key, 0))
            for key, keys in parameters_seen.items():
                self.parameters_seen[key] |= keys
            return
        if touch_parameters:
            self._last_parameter_touch = time.monotonic()

    async def _write(self, new_keys, device_seen, parameters_seen) -> None:
        now = datetime.now(UTC)
        by_factory: dict[int, dict[str, dict]] = defaultdict(
            lambda: {"new": {}, "seen": {}, "params": {}})
        for (factory_id, device_id), keys in new_keys.items():
            by_factory[factory_id]["new"][device_id] = keys
        for (factory_id, device_id), ts_ms in device_seen.items():
            by_factory[factory_id]["seen"][device_id] = datetime.fromtimestamp(ts_ms / 1000,
                                                                               UTC)
        for (factory_id, device_id), keys in parameters_seen.items():
            by_factory[factory_id]["params"][device_id] = keys
        async with session_scope() as session:
            for factory_id, work in by_factory.items():
                repo = TelemetryRepository(session, factory_id)
                for device_id, keys in work["new"].items():
                    await repo.add_parameters(device_id, keys, now)
                    self.stats.parameters_discovered += len(keys)
                    log.info("telemetry.parameters_discovered", factory_id=factory_id,
                             device_id=device_id, parameters=sorted(keys)[:20],
                             count=len(keys))
                await repo.touch_devices(work["seen"])
                for device_id, keys in work["params"].items():
                    await repo.touch_parameters(device_id, keys, now)
            await session.commit()
