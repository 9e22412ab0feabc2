"""What the ingester reads and writes in the metadata database: device resolution,
auto-registration, parameter discovery and last-seen times."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update

from app.core.cache_epochs import remember_stale_epochs
from app.models.cache_keys import device_epoch, device_seen_epoch
from app.models.device import STATUS_DISCOVERED, Device
from app.models.device_parameter import DeviceParameter
from app.repositories.base import TenantRepository
from app.repositories.upsert import insert_ignoring_duplicates


class TelemetryRepository(TenantRepository[Device]):
    model = Device

    async def device_by_key(self, device_key: str) -> Device | None:
        result = await self.session.execute(self.select().where(Device.device_key == device_key))
        return result.scalar_one_or_none()

    async def register_discovered(self, device_key: str) -> Device:
        """The device with this key, created as *discovered* when missing. Safe when several
        ingesters see the same new device at once."""
        now = datetime.now(UTC)
        await insert_ignoring_duplicates(self.session, Device.__table__, [{
            "factory_id": self.factory_id, "device_key": device_key,
            "name": device_key[:200], "status": STATUS_DISCOVERED, "is_active": True,
            "metadata": {}, "created_at": now, "updated_at": now,
        }])
        device = await self.device_by_key(device_key)
        assert device is not None
        return device

    async def parameter_keys(self, device_id: int) -> set[str]:
        stmt = select(DeviceParameter.parameter_key).where(
            DeviceParameter.factory_id == self.factory_id,
            DeviceParameter.device_id == device_id)
        return set((await self.session.execute(stmt)).scalars())

    async def add_parameters(self, device_id: int, keys: Iterable[str], seen_at: datetime
                             ) -> None:
        rows = [{
            "factory_id": self.factory_id, "device_id": device_id, "parameter_key": key,
            "is_kpi_selected": False, "first_seen_at": seen_at, "last_seen_at": seen_at,
        } for key in sorted(set(keys))]
        await insert_ignoring_duplicates(self.session, DeviceParameter.__table__, rows)
        remember_stale_epochs(self.session, [device_epoch(self.factory_id, device_id)])

    async def touch_devices(self, seen: Mapping[int, datetime]) -> None:
        if not seen:
            return
        table = Device.__table__
        stmt = (update(table)
                .where(table.c.factory_id == self.factory_id, table.c.id == bindparam("b_id"))
                .values(last_seen_at=bindparam("b_seen")))
        await self.session.execute(stmt, [{"b_id": device_id, "b_seen": ts}
                                          for device_id, ts in seen.items()])
        remember_stale_epochs(self.session, (device_seen_epoch(self.factory_id, device_id)
                                             for device_id in seen))

    async def touch_parameters(self, device_id: int, keys: Iterable[str], seen_at: datetime
                               ) -> None:
        keys = list(keys)
        if not keys:
            return
        await self.session.execute(
            update(DeviceParameter)
            .where(DeviceParameter.factory_id == self.factory_id,
                   DeviceParameter.device_id == device_id,
                   DeviceParameter.parameter_key.in_(keys))
            .values(last_seen_at=seen_at))
