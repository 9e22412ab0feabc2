from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.device import STATUS_DISABLED, Device
from app.models.device_parameter import DeviceParameter
from app.repositories.base import TenantRepository

# Sort key → columns; `id` last so that pages are stable when the sort key ties.
_DEVICE_ORDER = {
    "name": (Device.name,),
    "device_key": (Device.device_key,),
    "last_seen_at": (Device.last_seen_at,),
    "created_at": (Device.created_at,),
}
# Parameters as a user reads them: by display name, or by key where there is none, in the
# database's collation.
_READING_ORDER = (func.coalesce(DeviceParameter.display_name, DeviceParameter.parameter_key),
                  DeviceParameter.parameter_key, DeviceParameter.id)


@dataclass(frozen=True)
class DeviceFilters:
    q: str | None = None
    status: str | None = None
    type: str | None = None
    area: str | None = None
    # With `online`: a device counts as online when last seen at or after this moment.
    online: bool | None = None
    online_since: datetime | None = None


class DeviceSighting(NamedTuple):
    id: int
    last_seen_at: datetime | None


class ParameterRow(NamedTuple):
    id: int
    parameter_key: str
    display_name: str | None
    unit: str | None
    role: str | None
    is_kpi_selected: bool


class DeviceRepository(TenantRepository[Device]):
    model = Device

    async def exists(self, device_id: int) -> bool:
        result = await self.session.execute(self.select(Device.id).where(Device.id == device_id))
        return result.first() is not None

    async def sighting(self, device_id: int) -> DeviceSighting | None:
        """When the device last reported, without loading the whole row (live KPIs ask on
        every refresh)."""
        row = (await self.run(_SIGHTING, device_id=device_id)).first()
        return None if row is None else DeviceSighting(int(row[0]), row[1])

    def _filtered(self, filters: DeviceFilters) -> Select:
        stmt = self.select()
        if filters.q:
            # device_key is stored with a binary collation, so fold case on both sides.
            needle = filters.q.lower()
            stmt = stmt.where(or_(*(
                func.lower(column).contains(needle, autoescape=True)
                for column in (Device.name, Device.device_key, Device.location)
            )))
        if filters.status:
            stmt = stmt.where(Device.status == filters.status)
        if filters.type:
            stmt = stmt.where(Device.type == filters.type)
        if filters.area:
            stmt = stmt.where(Device.area == filters.area)
        if filters.online is not None:
            if filters.online_since is None:
                raise ValueError("the online filter needs online_since")
            if filters.online:
                stmt = stmt.where(Device.last_seen_at >= filters.online_since)
            else:
                stmt = stmt.where(or_(Device.last_seen_at.is_(None),
                                      Device.last_seen_at < filters.online_since))
        return stmt

    async def list_page(self, filters: DeviceFilters, sort: str, *, offset: int, limit: int
                        ) -> tuple[list[Device], int]:
        descending = sort.startswith("-")
        columns = _DEVICE_ORDER[sort.removeprefix("-")]
        order = [c.desc() if descending else c.asc() for c in columns]
        order.append(Device.id.desc() if descending else Device.id.asc())
        return await self.page(self._filtered(filters), offset=offset, limit=limit,
                               order_by=order)

    async def list_all(self) -> list[Device]:
        result = await self.session.execute(self.select().order_by(Device.name, Device.id))
        return list(result.scalars())

    async def get_by_key(self, device_key: str) -> Device | None:
        result = await self.session.execute(self.select().where(Device.device_key == device_key))
        return result.scalar_one_or_none()

    async def by_keys(self, device_keys: Sequence[str]) -> list[Device]:
        result = await self.session.execute(
            self.select().where(Device.device_key.in_(list(device_keys))))
        return list(result.scalars())

    async def with_broker_password(self) -> list[Device]:
        """Devices that may sign in to a broker reading a password file: enabled, with a
        token issued since broker hashes are kept."""
        result = await self.session.execute(
            self.select()
            .where(Device.is_active.is_(True), Device.status != STATUS_DISABLED,
                   Device.mosquitto_password_hash.is_not(None))
            .order_by(Device.device_key))
        return list(result.scalars())


_devices = Device.__table__.c
_SIGHTING = DeviceRepository.template(_devices.id, _devices.last_seen_at).where(
    _devices.id == bindparam("device_id"))


class DeviceParameterRepository(TenantRepository[DeviceParameter]):
    model = DeviceParameter

    async def counts_by_device(self, device_ids: Sequence[int]) -> dict[int, int]:
        if not device_ids:
            return {}
        stmt = (self.select(DeviceParameter.device_id, func.count())
                .where(DeviceParameter.device_id.in_(list(device_ids)))
                .group_by(DeviceParameter.device_id))
        rows = await self.session.execute(stmt)
        return {int(device_id): int(count) for device_id, count in rows}

    async def list_for_device(self, device_id: int, *, offset: int, limit: int
                              ) -> tuple[list[DeviceParameter], int]:
        stmt = self.select().where(DeviceParameter.device_id == device_id)
        return await self.page(stmt, offset=offset, limit=limit,
                               order_by=(DeviceParameter.parameter_key, DeviceParameter.id))

    async def get_for_device(self, device_id: int, parameter_id: int) -> DeviceParameter | None:
        result = await self.session.execute(self.select().where(
            DeviceParameter.id == parameter_id, DeviceParameter.device_id == device_id))
        return result.scalar_one_or_none()

    async def get_many_for_device(self, device_id: int, parameter_ids: Sequence[int]
                                  ) -> list[DeviceParameter]:
        if not parameter_ids:
            return []
        result = await self.session.execute(self.select().where(
            DeviceParameter.device_id == device_id,
            DeviceParameter.id.in_(list(parameter_ids)),
        ).order_by(DeviceParameter.parameter_key, DeviceParameter.id))
        return list(result.scalars())

    async def delete_for_device(self, device_id: int) -> None:
        await self.session.execute(
            self.delete_stmt().where(DeviceParameter.device_id == device_id))

    async def all_for_device(self, device_id: int) -> list[DeviceParameter]:
        result = await self.session.execute(self.select().where(
            DeviceParameter.device_id == device_id
        ).order_by(DeviceParameter.parameter_key, DeviceParameter.id))
        return list(result.scalars())

    async def descriptions(self, device_id: int) -> list[ParameterRow]:
        """What charts and KPIs show of every parameter of the device, in reading order."""
        rows = await self.session.execute(self.select(
            DeviceParameter.id, DeviceParameter.parameter_key, DeviceParameter.display_name,
            DeviceParameter.unit, DeviceParameter.role, DeviceParameter.is_kpi_selected,
        ).where(DeviceParameter.device_id == device_id).order_by(*_READING_ORDER))
        return [ParameterRow(int(i), key, name, unit, role, bool(selected))
                for i, key, name, unit, role, selected in rows]

    async def with_roles(self, roles: Sequence[str], device_ids: Sequence[int] | None = None
                         ) -> list[tuple[int, str, str]]:
        """(device_id, role, parameter_key) of every parameter holding one of `roles`, for
        the given devices or the whole factory, in one query."""
        stmt = self.select(DeviceParameter.device_id, DeviceParameter.role,
                           DeviceParameter.parameter_key).where(
            DeviceParameter.role.in_(list(roles)))
        if device_ids is not None:
            if not device_ids:
                return []
            stmt = stmt.where(DeviceParameter.device_id.in_(list(device_ids)))
        rows = await self.session.execute(stmt.order_by(DeviceParameter.id))
        return [(int(device_id), role, key) for device_id, role, key in rows]


async def device_by_token_hash(session: AsyncSession, token_hash: str) -> Device | None:
    """The device a token was issued to, in whichever factory: a device presenting its token
    over HTTP names neither, and token hashes are unique across the table."""
    result = await session.execute(
        select(Device).where(Device.token_hash == token_hash)
        # Deliberately across factories: the token identifies the device (and so its
        # factory); everything after this lookup is scoped to that factory.
        .execution_options(cross_tenant=True))
    return result.scalar_one_or_none()
