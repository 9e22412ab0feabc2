"""A version number per factory that every rule change bumps, so that rule-engine workers can
keep the active rules in memory and reload them only when they changed: one Redis round trip
per batch instead of a database query per batch.

Without Redis (the embedded default) there is nothing to share between the API and the
workers; `current` then answers None and the workers fall back to a short cache lifetime."""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as redis

from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger(__name__)


def _key(factory_id: int) -> str:
    return f"fo:rules:version:{factory_id}"


class RuleVersions:
    def __init__(self, url: str | None) -> None:
        self._client = (redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
                        if url else None)

    @classmethod
    def from_settings(cls, settings: Settings) -> RuleVersions:
        return cls(settings.redis_url)

    @property
    def shared(self) -> bool:
        return self._client is not None

    async def bump(self, factory_id: int) -> None:
        if self._client is None:
            return
        try:
            await self._client.incr(_key(factory_id))
        except Exception as exc:  # the workers' cache lifetime still bounds the staleness
            log.warning("rules.version_bump_failed", factory_id=factory_id,
                        error=str(exc)[:200])

    async def current(self, factory_ids: Sequence[int]) -> dict[int, int] | None:
        """Version per factory (0 before the first change); None when unknown."""
        if self._client is None or not factory_ids:
            return None if self._client is None else {}
        try:
            raw = await self._client.mget([_key(f) for f in factory_ids])
        except Exception as exc:
            log.warning("rules.version_read_failed", error=str(exc)[:200])
            return None
        return {f: int(v or 0) for f, v in zip(factory_ids, raw, strict=True)}

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def rule_versions_for(resources) -> RuleVersions:
    """The process's instance, kept with its other shared clients."""
    versions = resources.extras.get("rule_versions")
    if versions is None:
        versions = resources.extras["rule_versions"] = RuleVersions.from_settings(
            resources.settings)
    return versions
