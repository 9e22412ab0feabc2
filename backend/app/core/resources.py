"""Long-lived clients shared by a process (API, worker, ingester), built once from settings
and closed on shutdown. Stores are added here as their adapters land."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Awaitable, Callable
from typing import Any

from app.core.config import Settings
from app.core.rate_limit import RateLimiter


@dataclass
class Resources:
    settings: Settings
    limiter: RateLimiter
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Resources:
        return cls(settings=settings, limiter=RateLimiter.from_settings(settings))

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def health_checks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """Name → probe for each configured backing service besides the database."""
        return {}
