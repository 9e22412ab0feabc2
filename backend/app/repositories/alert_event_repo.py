"""Alert timelines and maintenance windows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from app.models.alert import AlertEvent, MaintenanceWindow
from app.repositories.base import TenantRepository


class AlertEventRepository(TenantRepository[AlertEvent]):
    model = AlertEvent

    async def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Events of one transaction, in order: (alert_id, kind, at, actor_id?, details?)."""
        if not rows:
            return
        await self.session.execute(insert(AlertEvent.__table__), [{
            "factory_id": self.factory_id, "actor_id": None, "details": {}, **row}
            for row in rows])

    async def for_alert(self, alert_id: int) -> list[AlertEvent]:
        stmt = (self.select().where(AlertEvent.alert_id == alert_id)
                .order_by(AlertEvent.id))
        return list((await self.session.execute(stmt)).scalars())

    async def after(self, last_id: int, limit: int) -> list[AlertEvent]:
        """The factory's events after `last_id`, oldest first: the event stream."""
        stmt = (self.select().where(AlertEvent.id > last_id).order_by(AlertEvent.id)
                .limit(limit))
        return list((await self.session.execute(stmt)).scalars())

    async def last_id(self) -> int:
        stmt = self.select(AlertEvent.id).order_by(AlertEvent.id.desc()).limit(1)
        return int((await self.session.execute(stmt)).scalar_one_or_none() or 0)


class MaintenanceRepository(TenantRepository[MaintenanceWindow]):
    model = MaintenanceWindow

    async def for_device(self, device_id: int) -> list[MaintenanceWindow]:
        stmt = (self.select().where(MaintenanceWindow.device_id == device_id)
                .order_by(MaintenanceWindow.starts_at.desc(), MaintenanceWindow.id.desc()))
        return list((await self.session.execute(stmt)).scalars())

    async def covering(self, device_ids: Sequence[int], since: datetime, until: datetime
                       ) -> list[tuple[int, datetime, datetime]]:
        """(device, start, end) of the windows of these devices overlapping [since, until]."""
        if not device_ids:
            return []
        stmt = self.select(MaintenanceWindow.device_id, MaintenanceWindow.starts_at,
                           MaintenanceWindow.ends_at).where(
            MaintenanceWindow.device_id.in_(list(device_ids)),
            MaintenanceWindow.starts_at <= until, MaintenanceWindow.ends_at > since)
        return [(int(d), s, e) for d, s, e in await self.session.execute(stmt)]
