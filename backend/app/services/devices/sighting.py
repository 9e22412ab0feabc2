"""When a device last reported, as live KPIs show it on every refresh. The ingester moves it
once a second at most (its metadata sync) and renews the device's last-seen epoch when it
does, so each process keeps a copy per device while that epoch holds (app.core.cache_epochs):
under a busy dashboard most refreshes skip the database, and none shows an older time than
the database holds."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cache_epochs import EpochCache, cache_epochs
from app.core.database import session_scope
from app.models.cache_keys import device_seen_epoch
from app.repositories.device_repo import DeviceRepository, DeviceSighting

# Short: should the ingester fail to renew an epoch (Redis unreachable at that moment), a
# copy shows an old last-seen time for this long at most.
SIGHTING_COPY_SECONDS = 10

_sightings: EpochCache[DeviceSighting] = EpochCache(maxsize=50_000,
                                                    ttl_seconds=SIGHTING_COPY_SECONDS)


async def device_sighting(session: AsyncSession, redis_url: str | None, factory_id: int,
                          device_id: int) -> DeviceSighting | None:
    """The device with its last-seen time; None when the factory has no such device."""
    epochs = cache_epochs(redis_url)
    if epochs is None:
        return await DeviceRepository(session, factory_id).sighting(device_id)

    async def load_in_own_session() -> DeviceSighting | None:
        # Its own transaction, begun after the epoch was read (see EpochCache.get).
        async with session_scope() as own:
            return await DeviceRepository(own, factory_id).sighting(device_id)

    return await _sightings.get(epochs, device_seen_epoch(factory_id, device_id),
                                load_in_own_session)
