"""Shared, stale-while-revalidate renewal of expensive energy figures."""

from __future__ import annotations

import asyncio

import pytest

from app.services.energy.shared_refresh import SharedRefresh


async def test_concurrent_callers_share_one_computation():
    calls = 0

    async def compute():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return calls

    refresh = SharedRefresh(ttl_seconds=60)
    results = await asyncio.gather(*(refresh.get("f1", compute) for _ in range(10)))
    assert results == [1] * 10 and calls == 1
    assert await refresh.get("f1", compute) == 1
    assert await refresh.get("f2", compute) == 2


async def test_an_expired_result_is_served_while_it_is_renewed():
    values = iter([1, 2])
    release = asyncio.Event()

    async def compute():
        value = next(values)
        if value == 2:
            await release.wait()
        return value

    refresh = SharedRefresh(ttl_seconds=0)
    assert await refresh.get("f", compute) == 1
    # Expired: the old figures come back at once while the renewal waits.
    assert await refresh.get("f", compute) == 1
    release.set()
    await asyncio.sleep(0.01)
    assert await refresh.get("f", compute) == 2


async def test_a_failed_first_computation_is_raised_and_retried():
    attempts = 0

    async def compute():
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RuntimeError("store down")
        return "ok"

    refresh = SharedRefresh(ttl_seconds=60)
    with pytest.raises(RuntimeError):
        await refresh.get("f", compute)
    assert await refresh.get("f", compute) == "ok"


async def test_a_failed_renewal_keeps_the_last_figures():
    attempts = 0

    async def compute():
        nonlocal attempts
        attempts += 1
        if attempts == 2:
            raise RuntimeError("store down")
        return attempts

    refresh = SharedRefresh(ttl_seconds=0)
    assert await refresh.get("f", compute) == 1
    assert await refresh.get("f", compute) == 1
    await asyncio.sleep(0.01)
    assert await refresh.get("f", compute) == 1
    await asyncio.sleep(0.01)
    assert await refresh.get("f", compute) == 3


async def test_the_least_recently_asked_keys_are_forgotten_beyond_the_limit():
    calls: list[str] = []

    def computing(key: str):
        async def compute():
            calls.append(key)
            return key
        return compute

    refresh = SharedRefresh(ttl_seconds=60, max_keys=2)
    for key in ("a", "b", "a", "c"):
        assert await refresh.get(key, computing(key)) == key
    # "b" was asked least recently when "c" came: it is computed again, "a" is not.
    assert await refresh.get("a", computing("a")) == "a"
    assert await refresh.get("b", computing("b")) == "b"
    assert calls == ["a", "b", "c", "b"]
