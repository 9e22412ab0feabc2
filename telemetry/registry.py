"""Which factory and device a topic names, and the quota its device gets, cached so that the
database is asked once per device (and again only when the cache entry ages out), never per
message. A refreshed entry keeps the device's rate bucket and known parameters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.core.config import Settings
from app.core.database import session_scope
from app.models.device import STATUS_DISABLED
from app.repositories.factory_repo import FactoryRepository
from app.repositories.retired_device_key_repo import RetiredDeviceKeyRepository
from app.repositories.telemetry_repo import TelemetryRepository
from app.services.ingest.quotas import DeviceQuota, TokenBucket

UNKNOWN_FACTORY = "unknown_factory"
UNKNOWN_DEVICE = "unknown_device"
DEVICE_DISABLED = "device_disabled"
# Deleted within DEVICE_REREGISTER_GRACE_SECONDS: not auto-registered again yet.
DEVICE_DELETED = "device_deleted"


@dataclass(slots=True)
class DeviceEntry:
    factory_id: int
    device_id: int
    factory_slug: str
    device_key: str
    # None when the device may publish; else the rejection reason.
    refusal: str | None
    quota: DeviceQuota
    bucket: TokenBucket
    known_parameters: set[str] = field(default_factory=set)
    expires_at: float = 0.0
    # The ingester's absence total (seconds not reading) already credited to the bucket.
    absence_credited: float = 0.0


@dataclass(slots=True)
class Refusal:
    reason: str
    factory_id: int | None
    expires_at: float


class DeviceRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ttl = settings.ingest_cache_ttl_seconds
        self.entries: dict[tuple[str, str], DeviceEntry | Refusal] = {}

    def cached(self, slug: str, key: str) -> DeviceEntry | Refusal | None:
        """The entry for a topic, even when stale (the caller refreshes stale entries in the
        background and keeps using the old answer meanwhile)."""
        return self.entries.get((slug, key))

    @staticmethod
    def is_stale(entry: DeviceEntry | Refusal) -> bool:
        return entry.expires_at < time.monotonic()

    async def resolve(self, slug: str, key: str) -> DeviceEntry | Refusal:
        """Ask the database, registering the device when its factory allows it."""
        previous = self.entries.get((slug, key))
        expires = time.monotonic() + self.ttl
        async with session_scope() as session:
            factory = await FactoryRepository(session).get_by_slug(slug)
            if factory is None:
                entry: DeviceEntry | Refusal = Refusal(UNKNOWN_FACTORY, None, expires)
            else:
                repo = TelemetryRepository(session, factory.id)
                device = await repo.device_by_key(key)
                deleted = False
                if device is None and (factory.settings or {}).get("allow_auto_register", True):
                    deleted = await self._recently_deleted(session, factory.id, key)
                    if not deleted:
                        device = await repo.register_discovered(key)
                        await session.commit()
                if device is None:
                    entry = Refusal(DEVICE_DELETED if deleted else UNKNOWN_DEVICE, factory.id,
                                    expires)
                else:
                    same = (isinstance(previous, DeviceEntry)
                            and previous.device_id == device.id)
                    known = (previous.known_parameters if same
                             else await repo.parameter_keys(device.id))
                    refusal = DEVICE_DISABLED if device.status == STATUS_DISABLED else None
                    quota = DeviceQuota.for_factory(self.settings, factory.settings)
                    if same:
                        bucket = previous.bucket
                        bucket.retune(quota.messages_per_second, quota.burst_messages)
                    else:
                        bucket = quota.bucket(time.time())
                    entry = DeviceEntry(factory.id, device.id, slug, key, refusal, quota,
                                        bucket, known, expires,
                                        previous.absence_credited if same else 0.0)
        self.entries[(slug, key)] = entry
        return entry

    async def _recently_deleted(self, session, factory_id: int, key: str) -> bool:
        grace = timedelta(seconds=self.settings.device_reregister_grace_seconds)
        return await RetiredDeviceKeyRepository(session, factory_id).retired_since(
            key, datetime.now(UTC) - grace)
