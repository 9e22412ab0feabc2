"""Copies of database rows that a process may keep between requests, and how every process
learns at once that its copy is out of date.

Each cached row has an *epoch* in Redis: a random token, replaced after every commit that
changes the row. A process keeps its copy together with the epoch it read *before* loading
it, and on each use reads the current epoch (one Redis command, far cheaper than the
query): another token means the copy is stale. Because the epoch is read first, a change
committed while a copy is being loaded costs one extra load later, never a stale answer. A
missing key (expired, evicted, a flushed or restarted Redis) is given a fresh random token,
which no copy taken before can match. Without Redis, or while it does not answer, nothing is
served from a copy: every read goes to the database.

Epochs are renewed by the session (`EpochSession.commit`): every committed ORM change to a
watched row renews its epoch before `commit()` returns, whichever service made it, so the
next request in any process sees the change."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import redis.asyncio as redis
from cachetools import TTLCache
from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.core.logging import get_logger

log = get_logger(__name__)

V = TypeVar("V")

# Long enough that a key outlives any copy of it; an expired key only costs one reload.
EPOCH_TTL_SECONDS = 30 * 86_400
# While Redis is down every request would say so: once in this long is enough.
_WARN_EVERY_SECONDS = 10.0
_STALE_EPOCHS = "stale_epochs"



class CacheEpochs:
    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self._client: redis.Redis | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._warned_at = float("-inf")

    def _redis(self) -> redis.Redis:
        # Connections belong to the event loop that opened them; code that runs each job in
        # a fresh loop (workers) gets a fresh client.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = redis.from_url(self.redis_url, socket_timeout=2,
                                          socket_connect_timeout=2)
            self._client_loop = loop
        return self._client

    async def current(self, key: str) -> bytes | None:
        """The key's epoch (created when missing); None when Redis does not answer."""
        fresh = secrets.token_hex(8)
        try:
            held = await self._redis().set(key, fresh, nx=True, get=True,
                                           ex=EPOCH_TTL_SECONDS)
        except (redis.RedisError, OSError) as exc:
            if time.monotonic() - self._warned_at >= _WARN_EVERY_SECONDS:
                self._warned_at = time.monotonic()
                log.warning("cache_epochs.read_failed", error=str(exc))
            return None
        return held if held is not None else fresh.encode()

    async def renew(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        async with self._redis().pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, secrets.token_hex(8), ex=EPOCH_TTL_SECONDS)
            await pipe.execute()

    async def close(self) -> None:
        client, loop = self._client, self._client_loop
        self._client = self._client_loop = None
        if client is not None and loop is asyncio.get_running_loop():
            await client.aclose()


_stores: dict[str, CacheEpochs] = {}


def cache_epochs(redis_url: str | None) -> CacheEpochs | None:
    """The process's epochs in this Redis; None without Redis (then nothing is cached)."""
    if not redis_url:
        return None
    store = _stores.get(redis_url)
    if store is None:
        store = _stores[redis_url] = CacheEpochs(redis_url)
    return store


async def renew_epochs(keys: Iterable[str]) -> None:
    """Renew in the configured Redis and in every Redis this process reads epochs from."""
    keys = sorted(set(keys))
    stores = dict(_stores)
    configured = cache_epochs(get_settings().redis_url)
    if configured is not None:
        stores.setdefault(configured.redis_url, configured)
    for store in stores.values():
        for attempt in range(2):
            try:
                await store.renew(keys)
                break
            except (redis.RedisError, OSError) as exc:
                if attempt:
                    # Copies elsewhere now live until their TTL: say so loudly.
                    log.error("cache_epochs.renew_failed", error=str(exc), keys=keys[:20])


class EpochCache(Generic[V]):
    """Per-process copies, each served while its epoch is unchanged. The TTL bounds how long
    a copy could outlive a change whose epoch renewal failed (Redis down at that moment)."""

    def __init__(self, maxsize: int, ttl_seconds: float) -> None:
        self._copies: TTLCache[str, tuple[bytes, Any]] = TTLCache(
            maxsize=maxsize, ttl=ttl_seconds, timer=time.monotonic)

    async def get(self, epochs: CacheEpochs | None, key: str,
                  load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The copy under `key`, or `load()`'s answer (kept unless None). `load` must read in
        a transaction of its own, begun after this call: a snapshot older than the epoch
        read here could hold data that epoch already superseded."""
        epoch = await epochs.current(key) if epochs is not None else None
        if epoch is None:
            return await load()
        held = self._copies.get(key)
        if held is not None and held[0] == epoch:
            return held[1]
        value = await load()
        if value is not None:
            self._copies[key] = (epoch, value)
        return value


# --- renewing on commit ----------------------------------------------------------------------
def changed(obj: Any, ignore: frozenset[str] = frozenset(),
             only: Iterable[str] | None = None) -> bool:
    state = inspect(obj)
    names = only if only is not None else (a.key for a in state.attrs if a.key not in ignore)
    return any(state.attrs[name].history.has_changes() for name in names)


_stale_key_sources: list[Callable[[Any, bool, bool], Iterable[str]]] = []


def watch_stale_keys(source: Callable[[Any, bool, bool], Iterable[str]]) -> None:
    """Register `source(obj, created, deleted)`, which names the epochs a flushed ORM object
    makes stale. The models that are copied between requests register theirs
    (app.models.cache_keys), so this module needs to know no model."""
    if source not in _stale_key_sources:
        _stale_key_sources.append(source)


def _stale_epochs_of(obj: Any, created: bool, deleted: bool) -> Iterator[str]:
    for source in _stale_key_sources:
        yield from source(obj, created, deleted)


def remember_stale_epochs(session: AsyncSession | Session, keys: Iterable[str]) -> None:
    """For statements the unit of work does not see (bulk UPDATEs): renew these epochs when
    the session commits."""
    session.info.setdefault(_STALE_EPOCHS, set()).update(keys)


@event.listens_for(Session, "after_flush")
def _remember_flushed_changes(session: Session, _flush_context) -> None:
    # After a flush the session still lists what it flushed, with each attribute's history.
    stale = {key
             for group, created, deleted in ((session.new, True, False),
                                             (session.dirty, False, False),
                                             (session.deleted, False, True))
             for obj in group
             for key in _stale_epochs_of(obj, created, deleted)}
    if stale:
        remember_stale_epochs(session, stale)


class EpochSession(AsyncSession):
    """The application's session: renews the epochs of the rows a commit changed."""

    async def commit(self) -> None:
        await super().commit()
        stale = self.sync_session.info.pop(_STALE_EPOCHS, None)
        if stale:
            await renew_epochs(stale)
