"""Latest values in Redis: one hash per device, field = parameter, value = "ts_ms value".
Shared by every ingester, API and worker process."""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as redis

from app.stores.latest.base import LatestUpdates, LatestValuesStore
from app.stores.timeseries.base import LatestValue, from_epoch_ms

# Newer-wins per field, atomically: a late, older message must not replace a fresher value
# written by another ingester.
_PUT_NEWER = """
for i = 1, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  local ts = tonumber(ARGV[i + 1])
  if (not current) or tonumber(string.match(current, '^(%S+)')) <= ts then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ' ' .. ARGV[i + 2])
  end
end
return 1
"""


def _key(factory_id: int, device_id: int) -> str:
    return f"fo:latest:{factory_id}:{device_id}"


def _decode(raw: dict) -> dict[str, LatestValue]:
    values = {}
    for field, packed in raw.items():
        ts_ms, value = packed.split(b" ", 1)
        values[field.decode()] = LatestValue(from_epoch_ms(int(ts_ms)), float(value))
    return values


class RedisLatestValues(LatestValuesStore):
    def __init__(self, url: str) -> None:
        self._client = redis.from_url(url, decode_responses=False,
                                      socket_timeout=5, socket_connect_timeout=3)
        self._put = self._client.register_script(_PUT_NEWER)

    async def close(self) -> None:
        await self._client.aclose()

    async def ping(self) -> None:
        await self._client.ping()

    async def put_many(self, updates: LatestUpdates) -> None:
        async with self._client.pipeline(transaction=False) as pipe:
            for (factory_id, device_id), values in updates.items():
                args: list = []
                for parameter, (ts_ms, value) in values.items():
                    args += [parameter, ts_ms, repr(float(value))]
                if args:
                    await self._put(keys=[_key(factory_id, device_id)], args=args, client=pipe)
            await pipe.execute()

    async def get(self, factory_id: int, device_id: int) -> dict[str, LatestValue]:
        return _decode(await self._client.hgetall(_key(factory_id, device_id)))

    async def get_many(self, factory_id: int, device_ids: Sequence[int]
                       ) -> dict[int, dict[str, LatestValue]]:
        ids = list(dict.fromkeys(int(d) for d in device_ids))
        if not ids:
            return {}
        async with self._client.pipeline(transaction=False) as pipe:
            for device_id in ids:
                pipe.hgetall(_key(factory_id, device_id))
            rows = await pipe.execute()
        return {device_id: _decode(raw) for device_id, raw in zip(ids, rows, strict=True)}

    async def forget_device(self, factory_id: int, device_id: int) -> None:
        await self._client.delete(_key(factory_id, device_id))
