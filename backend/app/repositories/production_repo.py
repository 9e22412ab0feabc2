from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.models.production import EnergyBaseline, ProductionEntry
from app.repositories.base import TenantRepository


class ProductionEntryRepository(TenantRepository[ProductionEntry]):
    model = ProductionEntry

    async def between(self, node_ids: Sequence[int] | None, first: date, last: date
                      ) -> list[ProductionEntry]:
        """Entries of local days [first, last], for some nodes or all of them."""
        stmt = self.select().where(ProductionEntry.day >= first, ProductionEntry.day <= last)
        if node_ids is not None:
            if not node_ids:
                return []
            stmt = stmt.where(ProductionEntry.node_id.in_(list(node_ids)))
        result = await self.session.execute(
            stmt.order_by(ProductionEntry.day, ProductionEntry.node_id))
        return list(result.scalars())

    async def for_keys(self, keys: Sequence[tuple[int, date]]) -> list[ProductionEntry]:
        """The entries of these (node, day) pairs that exist."""
        if not keys:
            return []
        nodes = sorted({node for node, _ in keys})
        days = sorted({day for _, day in keys})
        result = await self.session.execute(self.select().where(
            ProductionEntry.node_id.in_(nodes), ProductionEntry.day.in_(days)))
        wanted = set(keys)
        return [e for e in result.scalars() if (e.node_id, e.day) in wanted]


class BaselineRepository(TenantRepository[EnergyBaseline]):
    model = EnergyBaseline

    async def list_all(self, node_id: int | None = None) -> list[EnergyBaseline]:
        stmt = self.select()
        if node_id is not None:
            stmt = stmt.where(EnergyBaseline.node_id == node_id)
        result = await self.session.execute(
            stmt.order_by(EnergyBaseline.node_id, EnergyBaseline.name, EnergyBaseline.id))
        return list(result.scalars())
