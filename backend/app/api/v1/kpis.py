from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Response

from app.api.v1.devices import DeviceDep
from app.core.dependencies import AppResources, CurrentUser, DbSession
from app.schemas.common import Envelope
from app.schemas.kpi import HistoryAggregation, KpiHistory, LiveKpis
from app.services.kpi_service import HistoryQuery, KpiService

router = APIRouter(prefix="/devices", tags=["kpis"])


async def get_kpi_service(user: CurrentUser, db: DbSession, resources: AppResources
                          ) -> KpiService:
    return KpiService(db, resources, user.factory_id)


Kpis = Annotated[KpiService, Depends(get_kpi_service)]


@router.get("/{device_id}/kpis/live", response_model=Envelope[LiveKpis],
            summary="Latest values of the device's selected KPI parameters")
async def live_kpis(device: DeviceDep, service: Kpis):
    return {"data": await service.live(device)}


@router.get("/{device_id}/kpis/history", response_model=Envelope[KpiHistory],
            summary="Windowed aggregates of parameters over a range, ready for a chart")
async def kpi_history(
    device: DeviceDep,
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
    history = await service.history(device, query)
    # Thousands of points: serialised directly, the shape is KpiHistory by construction.
    return Response(orjson.dumps({"data": history}, option=orjson.OPT_UTC_Z),
                    media_type="application/json")
