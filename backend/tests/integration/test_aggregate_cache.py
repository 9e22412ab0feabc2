"""The cache of past aggregates on the real Redis: large reads come back whole and in order."""

from __future__ import annotations

import secrets

from app.services.energy.aggregate_cache import AggregateCache


async def test_a_read_of_more_keys_than_one_slice_keeps_their_order(app):
    cache = AggregateCache(app.state.resources.settings.redis_url)
    prefix = f"fo:test:{secrets.token_hex(4)}:"
    try:
        items = {f"{prefix}{n}": n.to_bytes(4, "big") for n in range(25_000) if n % 7}
        await cache.set_many(items, 60)
        keys = [f"{prefix}{n}" for n in range(25_000)]
        values = await cache.get_many(keys)
        assert values == [items.get(key) for key in keys]
        assert values.count(None) == len([n for n in range(25_000) if n % 7 == 0])
    finally:
        await cache.close()
