from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import AppResources, CurrentUser, DbSession
from app.api.openapi import errors
from app.api.v1.assets import MeterDep, NodeDep
from app.api.v1.devices import DeviceDep
from app.core.errors import not_found
from app.models.factory import Factory
from app.repositories.factory_repo import FactoryRepository
from app.schemas.common import Envelope
from app.schemas.energy import (
    BucketSize,
    DeviceEnergy,
    EnergyAnalysis,
    FactoryEnergy,
    MeterEnergy,
)
from app.schemas.job import MAX_ID
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.export import EXPORT_TYPES, export_analysis
from app.services.energy.service import EnergyService

router = APIRouter(tags=["energy"])


async def get_factory(user: CurrentUser, db: DbSession) -> Factory:
    factory = await FactoryRepository(db).get(user.factory_id)
    if factory is None:
        raise not_found("factory")
    return factory


CurrentFactory = Annotated[Factory, Depends(get_factory)]


async def get_energy_service(factory: CurrentFactory, db: DbSession, resources: AppResources
                             ) -> EnergyService:
    return EnergyService(db, factory, resources.timeseries, aggregate_cache(resources))


async def get_analysis_service(factory: CurrentFactory, db: DbSession,
                               resources: AppResources) -> EnergyAnalysisService:
    return EnergyAnalysisService(db, factory, resources.timeseries, aggregate_cache(resources))


Energy = Annotated[EnergyService, Depends(get_energy_service)]
Analysis = Annotated[EnergyAnalysisService, Depends(get_analysis_service)]
Start = Annotated[datetime | None, Query(description="ISO-8601; default: local midnight six "
                                                     "days ago (naive means UTC)")]
End = Annotated[datetime | None, Query(description="ISO-8601; default: the end of today")]
NodeScope = Annotated[int | None, Query(ge=1, le=MAX_ID, description="An asset node: its "
                                        "subtree instead of the whole factory")]


@router.get("/devices/{device_id}/energy", operation_id="energy_device",
            response_model=Envelope[DeviceEnergy],
            summary="Energy, cost, CO2, demand and power factor of a device per local bucket")
async def device_energy(device: DeviceDep, service: Energy, start: Start = None,
                        end: End = None, bucket: BucketSize = "day"):
    return {"data": await service.device_energy(device, start, end, bucket)}


@router.get("/energy", operation_id="energy_factory", response_model=Envelope[FactoryEnergy],
            summary="The factory's energy per local bucket, per device and its top consumers",
            description="Shared by the factory's users: the figures are computed once per "
                        "range and bucket and renewed at most every 15 seconds, so they can "
                        "be up to that old (plus one renewal).")
async def factory_energy(service: Energy, resources: AppResources, start: Start = None,
                         end: End = None, bucket: BucketSize = "day"):
    return {"data": await service.shared_factory_energy(resources, start, end, bucket)}


@router.get("/energy/analysis", operation_id="energy_analysis", responses=errors(404),
            response_model=Envelope[EnergyAnalysis],
            summary="The Energy page: a factory or node over a range, compared with the "
                    "previous period and last year, broken down, by tariff period, peaks")
async def energy_analysis(service: Analysis, start: Start = None, end: End = None,
                          bucket: BucketSize = "day", node_id: NodeScope = None):
    return {"data": await service.analysis(start, end, bucket, node_id)}


@router.get("/energy/analysis/export", operation_id="energy_analysis_export", responses=errors(404),
            response_class=Response,
            summary="The Energy page's figures as CSV (buckets) or an Excel workbook (all)")
async def export_energy_analysis(service: Analysis, format: Literal["csv", "xlsx"] = "csv",
                                 start: Start = None, end: End = None,
                                 bucket: BucketSize = "day", node_id: NodeScope = None):
    analysis = await service.analysis(start, end, bucket, node_id)
    name, content = await export_analysis(analysis, format)
    disposition = f'attachment; filename="{name}"; filename*=UTF-8\'\'{quote(name)}'
    return Response(content, media_type=EXPORT_TYPES[format],
                    headers={"Content-Disposition": disposition})


@router.get("/virtual-meters/{meter_id}/energy", operation_id="energy_virtual_meter",
            response_model=Envelope[MeterEnergy],
            summary="A virtual meter's energy per local bucket, like a device's")
async def virtual_meter_energy(meter: MeterDep, service: Analysis, start: Start = None,
                               end: End = None, bucket: BucketSize = "day"):
    return {"data": await service.virtual_meter_energy(meter, start, end, bucket)}


@router.get("/assets/nodes/{node_id}/energy", operation_id="energy_node",
            response_model=Envelope[MeterEnergy],
            summary="A node's energy (its devices and virtual meters and everything below)")
async def node_energy(node: NodeDep, service: Analysis, start: Start = None,
                      end: End = None, bucket: BucketSize = "day"):
    return {"data": await service.node_energy(node, start, end, bucket)}
