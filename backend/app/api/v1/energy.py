from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import AppResources, CurrentUser, DbSession
from app.api.v1.devices import DeviceDep
from app.core.errors import not_found
from app.repositories.factory_repo import FactoryRepository
from app.schemas.common import Envelope
from app.schemas.energy import BucketSize, DeviceEnergy, FactoryEnergy
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.service import EnergyService

router = APIRouter(tags=["energy"])


async def get_energy_service(user: CurrentUser, db: DbSession, resources: AppResources
                             ) -> EnergyService:
    factory = await FactoryRepository(db).get(user.factory_id)
    if factory is None:
        raise not_found("factory")
    return EnergyService(db, factory, resources.timeseries, aggregate_cache(resources))


Energy = Annotated[EnergyService, Depends(get_energy_service)]
Start = Annotated[datetime | None, Query(description="ISO-8601; default: local midnight six "
                                                     "days ago (naive means UTC)")]
End = Annotated[datetime | None, Query(description="ISO-8601; default: the end of today")]


@router.get("/devices/{device_id}/energy", response_model=Envelope[DeviceEnergy],
            summary="Energy, cost, CO2, demand and power factor of a device per local bucket")
async def device_energy(device: DeviceDep, service: Energy, start: Start = None,
                        end: End = None, bucket: BucketSize = "day"):
    return {"data": await service.device_energy(device, start, end, bucket)}


@router.get("/energy", response_model=Envelope[FactoryEnergy],
            summary="The factory's energy per local bucket, per device and its top consumers")
async def factory_energy(service: Energy, start: Start = None, end: End = None,
                         bucket: BucketSize = "day"):
    return {"data": await service.factory_energy(start, end, bucket)}
