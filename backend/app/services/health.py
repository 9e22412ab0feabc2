"""Readiness: each configured backing service is asked, concurrently and with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from app.core.database import get_database
from app.stores.resources import Resources

CHECK_TIMEOUT_SECONDS = 2.0


async def _database() -> None:
    async with get_database().engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _timed(check: Callable[[], Awaitable[None]]) -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        status, error = "ok", None
    except TimeoutError:
        status, error = "down", "timed out"
    except Exception as exc:  # any failure of a dependency is "down", with its reason
        status, error = "down", f"{type(exc).__name__}: {exc}"[:200]
    result = {"status": status, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    if error:
        result["error"] = error
    return result


async def readiness(resources: Resources) -> tuple[bool, dict[str, dict]]:
    checks: dict[str, Callable[[], Awaitable[None]]] = {"database": _database}
    checks.update(resources.health_checks())
    results = await asyncio.gather(*(_timed(check) for check in checks.values()))
    services = dict(zip(checks, results, strict=True))
    return all(r["status"] == "ok" for r in services.values()), services
