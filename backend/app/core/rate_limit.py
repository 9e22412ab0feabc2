"""Login throttling on the `limits` library: Redis when configured (shared by every API
process), process memory on the single-process embedded default."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.config import Settings


class RateLimiter:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        if settings.redis_url:
            uri = "async+" + settings.redis_url
            return cls(storage_from_string(uri, implementation="redispy"))
        return cls(MemoryStorage())

    async def retry_after(self, rule: str, *key: str) -> int:
        """Seconds until one more hit would be allowed; 0 when allowed now."""
        item = parse(rule)
        if await self._limiter.test(item, *key):
            return 0
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, int(stats.reset_time - time.time()) + 1)

    async def hit(self, rule: str, *key: str) -> bool:
        return await self._limiter.hit(parse(rule), *key)

    async def clear(self, rule: str, *key: str) -> None:
        await self._limiter.clear(parse(rule), *key)
