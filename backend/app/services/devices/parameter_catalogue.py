"""What a device measures, as live KPIs and charts describe it: every parameter's key, name,
unit, role and KPI selection. Read on every KPI and chart request and changed only when a
user edits the device or its parameters, so each process keeps a copy per device while the
device's epoch is current (app.core.cache_epochs).

Parameters the ingester discovers are added without touching the epoch: they start
unselected, so live KPIs are unchanged, and a chart asking for a key the copy lacks reads the
database (app.services.energy.kpis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cache_epochs import EpochCache, cache_epochs
from app.core.database import session_scope
from app.models.cache_keys import device_epoch
from app.repositories.device_repo import (
    DeviceParameterRepository,
    DeviceRepository,
    ParameterRow,
)


@dataclass(frozen=True, slots=True)
class ParameterCatalogue:
    device_id: int
    # In reading order: by display name, or by key where there is none.
    parameters: tuple[ParameterRow, ...]
    by_key: Mapping[str, ParameterRow] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {p.parameter_key: p for p in self.parameters})

    @property
    def kpi_selected(self) -> list[ParameterRow]:
        return [p for p in self.parameters if p.is_kpi_selected]


_catalogues: EpochCache[ParameterCatalogue] = EpochCache(maxsize=50_000, ttl_seconds=300)


async def parameter_catalogue(session: AsyncSession, redis_url: str | None, factory_id: int,
                              device_id: int) -> ParameterCatalogue | None:
    """The device's catalogue; None when the factory has no such device."""
    epochs = cache_epochs(redis_url)
    if epochs is None:
        return await _load(session, factory_id, device_id)

    async def load_in_own_session() -> ParameterCatalogue | None:
        # Its own transaction, begun after the epoch was read (see EpochCache.get).
        async with session_scope() as own:
            return await _load(own, factory_id, device_id)

    return await _catalogues.get(epochs, device_epoch(factory_id, device_id),
                                 load_in_own_session)


async def _load(session: AsyncSession, factory_id: int, device_id: int
                ) -> ParameterCatalogue | None:
    if not await DeviceRepository(session, factory_id).exists(device_id):
        return None
    rows = await DeviceParameterRepository(session, factory_id).descriptions(device_id)
    return ParameterCatalogue(device_id, tuple(rows))
