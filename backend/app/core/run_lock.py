"""One holder at a time for periodic work that must not overlap with itself (a rollup run
taking longer than its period, two workers picking up the same sweep): a Redis key when
Redis is configured (every process of every machine), else a file lock under the data
folder (the embedded default runs on one machine)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as redis

from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger(__name__)

# Deletes the key only if it still holds our token: a holder that outlived its expiry must
# not release the lock the next holder took.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@asynccontextmanager
async def exclusive_run(settings: Settings, name: str, ttl_seconds: int
                        ) -> AsyncIterator[bool]:
    """`async with exclusive_run(...) as acquired:` — False when someone else holds `name`.
    The Redis lock expires after `ttl_seconds` in case its holder dies."""
    if settings.redis_url:
        async with _redis_lock(settings.redis_url, name, ttl_seconds) as acquired:
            yield acquired
    else:
        async with _file_lock(settings, name) as acquired:
            yield acquired


@asynccontextmanager
async def _redis_lock(url: str, name: str, ttl_seconds: int) -> AsyncIterator[bool]:
    client = redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    key, token = f"fo:lock:{name}", secrets.token_hex(8)
    try:
        acquired = bool(await client.set(key, token, nx=True, ex=ttl_seconds))
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    await client.eval(_RELEASE, 1, key, token)
                except (redis.RedisError, OSError) as exc:  # it expires anyway
                    log.warning("run_lock.release_failed", lock=name, error=str(exc)[:200])
    finally:
        await client.aclose()


@asynccontextmanager
async def _file_lock(settings: Settings, name: str) -> AsyncIterator[bool]:
    folder = settings.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    descriptor = await asyncio.to_thread(os.open, folder / f"{safe}.lock",
                                         os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
