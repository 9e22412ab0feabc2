"""Aggregates of the past that no longer change (history chart blocks, energy per complete
hour and day), kept so that charts, energy figures and the dashboard read them instead of
scanning the time series again: Redis when configured, shared by every API process and
worker; process memory on the embedded default. The cache is only ever a shortcut: a miss or
an unreachable Redis means computing from the store, never a wrong or failed answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence

import redis.asyncio as redis
from cachetools import TTLCache

from app.core.config import Settings
from app.core.logging import get_logger
from app.stores.resources import Resources

log = get_logger(__name__)

_EXTRAS_KEY = "aggregate_cache"
_MEMORY_ITEMS = 500_000
_MEMORY_TTL_SECONDS = 40 * 86_400
_KEYS_PER_READ = 10_000


class AggregateCache:
    def __init__(self, redis_url: str | None) -> None:
        self._redis_url = redis_url
        self._client: redis.Redis | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        # cachetools keeps one TTL for all entries: the longest any caller asks for.
        self._memory: TTLCache[str, bytes] | None = None
        if not redis_url:
            self._memory = TTLCache(_MEMORY_ITEMS, _MEMORY_TTL_SECONDS, timer=time.monotonic)

    @classmethod
    def from_settings(cls, settings: Settings) -> AggregateCache:
        return cls(settings.redis_url)

    def _redis(self) -> redis.Redis:
        # Connections belong to the event loop that opened them; workers that run each job
        # in a fresh loop get a fresh client.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            assert self._redis_url is not None
            self._client = redis.from_url(self._redis_url, socket_timeout=2,
                                          socket_connect_timeout=2)
            self._client_loop = loop
        return self._client

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        if self._memory is not None:
            return [self._memory.get(key) for key in keys]
        try:
            if len(keys) <= _KEYS_PER_READ:
                return list(await self._redis().mget(list(keys)))
            # A month of a factory's energy is 150,000 hours: read in slices, so that Redis
            # serves other clients between them and no reply is tens of megabytes.
            async with self._redis().pipeline(transaction=False) as pipe:
                for offset in range(0, len(keys), _KEYS_PER_READ):
                    pipe.mget(list(keys[offset:offset + _KEYS_PER_READ]))
                slices = await pipe.execute()
            return [value for values in slices for value in values]
        except (redis.RedisError, OSError) as exc:
            log.warning("aggregate_cache.read_failed", error=str(exc))
            return [None] * len(keys)

    async def set_many(self, items: Mapping[str, bytes], ttl_seconds: int) -> None:
        if not items:
            return
        if self._memory is not None:
            self._memory.update(items)
            return
        try:
            async with self._redis().pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(key, value, ex=ttl_seconds)
                await pipe.execute()
        except (redis.RedisError, OSError) as exc:
            log.warning("aggregate_cache.write_failed", error=str(exc))

    async def close(self) -> None:
        client, loop = self._client, self._client_loop
        self._client = self._client_loop = None
        if client is not None and loop is asyncio.get_running_loop():
            await client.aclose()


def aggregate_cache(resources: Resources) -> AggregateCache:
    """The cache of a process's shared resources, created on first use."""
    cache = resources.extras.get(_EXTRAS_KEY)
    if cache is None:
        cache = resources.extras[_EXTRAS_KEY] = AggregateCache.from_settings(resources.settings)
    return cache
