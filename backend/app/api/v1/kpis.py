from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path, Query, Response

from app.api.deps import AppResources, CurrentPrincipal, DbSession
from app.api.v1.devices import MAX_ID
from app.repositories.device_repo import DeviceSighting
from app.schemas.common import Envelope
from app.schemas.kpi import HistoryAggregation, KpiHistory, LiveKpis
from app.services.devices.parameter_catalogue import ParameterCatalogue
from app.services.energy.kpis import HistoryQuery, KpiService

router = APIRouter(prefix="/devices", tags=["kpis"])


async def get_kpi_service(principal: CurrentPrincipal, db: DbSession, resources: AppResources
                          ) -> KpiService:
    return KpiService(db, resources, principal.factory_id)


Kpis = Annotated[KpiService, Depends(get_kpi_service)]
DeviceId = Annotated[int, Path(ge=1, le=MAX_ID)]


# These routes run on every dashboard refresh: each loads only what it shows of the device
# (DeviceDep would load the whole row).
async def load_sighting(device_id: DeviceId, service: Kpis) -> DeviceSighting:
    return await service.sighting(device_id)


async def load_catalogue(device_id: DeviceId, service: Kpis) -> ParameterCatalogue:
    return await service.catalogue(device_id)


SightingDep = Annotated[DeviceSighting, Depends(load_sighting)]
CatalogueDep = Annotated[ParameterCatalogue, Depends(load_catalogue)]


@router.get("/{device_id}/kpis/live", operation_id="kpis_live", response_model=Envelope[LiveKpis],
            summary="Latest values of the device's selected KPI parameters")
async def live_kpis(device: SightingDep, service: Kpis):
    return {"data": await service.live(device)}


@router.get("/{device_id}/kpis/history", operation_id="kpis_history",
            response_model=Envelope[KpiHistory],
            summary="Windowed aggregates of parameters over a range, ready for a chart")
async def kpi_history(
    catalogue: CatalogueDep,
    service: Kpis,
    parameters: Annotated[list[str] | None, Query(
        max_length=50, description="Parameter keys (repeat the parameter); default: the "
                                   "KPI-selected ones")] = None,
    start: Annotated[datetime | None, Query(description="ISO-8601; default end - 24 h; "
                                                        "naive means UTC")] = None,
    end: Annotated[datetime | None, Query(description="ISO-8601; default now")] = None,
    interval: Annotated[str, Query(max_length=16, description="`auto` (at most ~1000 points "
                                                              "per series) or e.g. 30s, 5m, "
                                                              "1h, 1d")] = "auto",
    agg: HistoryAggregation = "mean",
):
    query = HistoryQuery(parameters=parameters, start=start, end=end, interval=interval, agg=agg)
    history = await service.history(catalogue, query)
    # Thousands of points: serialised directly, the shape is KpiHistory by construction.
    return Response(orjson.dumps({"data": history}, option=orjson.OPT_UTC_Z),
                    media_type="application/json")
