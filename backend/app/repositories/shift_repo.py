from __future__ import annotations

from app.models.shift import Shift
from app.repositories.base import TenantRepository


class ShiftRepository(TenantRepository[Shift]):
    model = Shift

    async def list_all(self) -> list[Shift]:
        result = await self.session.execute(
            self.select().order_by(Shift.start_time, Shift.position, Shift.id))
        return list(result.scalars())
