"""Latest values read straight from the time-series store, for set-ups without Redis (the
embedded SQLite store keeps its own latest table, so this is a lookup there too)."""

from __future__ import annotations

from collections.abc import Sequence

from app.stores.latest.base import LatestUpdates, LatestValuesStore
from app.stores.timeseries.base import LatestValue, TimeSeriesStore


class TimeSeriesLatestValues(LatestValuesStore):
    def __init__(self, timeseries: TimeSeriesStore) -> None:
        self._ts = timeseries

    async def put_many(self, updates: LatestUpdates) -> None:
        return None  # the time-series write itself is the record

    async def get(self, factory_id: int, device_id: int) -> dict[str, LatestValue]:
        return await self._ts.latest(factory_id, device_id)

    async def get_many(self, factory_id: int, device_ids: Sequence[int]
                       ) -> dict[int, dict[str, LatestValue]]:
        return await self._ts.latest_many(factory_id, device_ids)
