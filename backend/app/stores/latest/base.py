"""Latest value per (device, parameter): what live KPIs, rule evaluation and the parameter
list read. Kept current by the ingester on every flush so that reading it is a lookup, never
a scan of the time series."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from app.stores.timeseries.base import LatestValue

# (factory_id, device_id) → {parameter: (ts_ms, value)}
LatestUpdates = Mapping[tuple[int, int], Mapping[str, tuple[int, float]]]


class LatestValuesStore(ABC):
    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        return None

    @abstractmethod
    async def put_many(self, updates: LatestUpdates) -> None:
        """Record values; a value older than the one already held for its parameter loses."""

    @abstractmethod
    async def get(self, factory_id: int, device_id: int) -> dict[str, LatestValue]: ...

    @abstractmethod
    async def get_many(self, factory_id: int, device_ids: Sequence[int]
                       ) -> dict[int, dict[str, LatestValue]]:
        """Every requested device is a key (empty dict when nothing is known)."""

    async def forget_device(self, factory_id: int, device_id: int) -> None:
        return None
