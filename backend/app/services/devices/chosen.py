"""Devices a request names by id (a report, an analytics job, a schedule, an asset node): all
of them must belong to the factory, or the request is refused naming the ones that do not."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed
from app.models.device import Device
from app.repositories.device_repo import DeviceRepository


async def chosen_devices(session: AsyncSession, factory_id: int, device_ids: Sequence[int]
                         ) -> list[Device]:
    """The devices in the order asked; 422 UNKNOWN_DEVICES when the factory lacks any."""
    found = {d.id: d for d in await DeviceRepository(session, factory_id)
             .get_many(list(device_ids))}
    missing = [i for i in device_ids if i not in found]
    if missing:
        raise ValidationFailed(
            f"Unknown device{'s' if len(missing) > 1 else ''}: "
            f"{', '.join(map(str, missing))}.", code="UNKNOWN_DEVICES",
            details={"device_ids": missing})
    return [found[i] for i in device_ids]
