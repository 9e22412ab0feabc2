"""Production per node (entered, uploaded or counted) and energy baselines."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from app.api.deps import AppResources, ClientIp, CurrentPrincipal, DbSession, require_permission
from app.api.openapi import errors
from app.api.v1.energy import CurrentFactory
from app.models.production import EnergyBaseline, ProductionEntry
from app.models.user import User
from app.schemas.common import Envelope
from app.schemas.job import MAX_ID
from app.schemas.production import (
    BaselineCreate,
    BaselinePerformance,
    BaselineRead,
    EntriesUpsert,
    EntryRead,
    ProductionTable,
    UploadResult,
)
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.baselines import BaselineService
from app.services.energy.production import UPLOAD_MAX_BYTES, ProductionService

router = APIRouter(tags=["production"])
ManageDevices = Annotated[User, Depends(require_permission("manage_devices"))]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


async def get_production_service(principal: CurrentPrincipal, factory: CurrentFactory,
                                 db: DbSession, resources: AppResources, ip: ClientIp
                                 ) -> ProductionService:
    return ProductionService(db, factory, resources.timeseries, aggregate_cache(resources),
                             actor_id=principal.id, client_ip=ip)


async def get_baseline_service(principal: CurrentPrincipal, factory: CurrentFactory,
                               db: DbSession, resources: AppResources, ip: ClientIp
                               ) -> BaselineService:
    return BaselineService(db, factory, resources.timeseries, aggregate_cache(resources),
                           actor_id=principal.id, client_ip=ip)


Production = Annotated[ProductionService, Depends(get_production_service)]
Baselines = Annotated[BaselineService, Depends(get_baseline_service)]


async def load_entry(entry_id: IdPath, service: Production) -> ProductionEntry:
    return await service.load_entry(entry_id)


async def load_baseline(baseline_id: IdPath, service: Baselines) -> EnergyBaseline:
    return await service.load(baseline_id)


EntryDep = Annotated[ProductionEntry, Depends(load_entry)]
BaselineDep = Annotated[EnergyBaseline, Depends(load_baseline)]
FirstDay = Annotated[date, Query(description="First local day")]
LastDay = Annotated[date, Query(description="Last local day (included)")]


@router.get("/production", operation_id="production_table", responses=errors(404),
            response_model=Envelope[ProductionTable],
            summary="A node's production per local day: counted, entered and the total")
async def production_table(service: Production, node_id: Annotated[int, Query(ge=1,
                                                                               le=MAX_ID)],
                           start: FirstDay, end: LastDay):
    return {"data": await service.table(node_id, start, end)}


@router.put("/production/entries", operation_id="production_entries_upsert",
            response_model=Envelope[list[EntryRead]],
            summary="Enter production per node and local day (replaces earlier figures)")
async def upsert_entries(_: ManageDevices, body: EntriesUpsert, service: Production):
    return {"data": await service.upsert(body)}


@router.post("/production/upload", operation_id="production_upload",
             response_model=Envelope[UploadResult],
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
                 "schema": {"type": "string"},
                 "example": "node,day,quantity\nSite / Line 1,2026-01-14,840\n"}}}},
             summary="Upload production as CSV (node,day,quantity): every row or none")
async def upload_entries(_: ManageDevices, request: Request, service: Production):
    content = b""
    async for chunk in request.stream():
        content += chunk
        if len(content) > UPLOAD_MAX_BYTES:
            break
    return {"data": await service.upload(content)}


@router.delete("/production/entries/{entry_id}", operation_id="production_entries_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete an entered figure (counters count again for that day)")
async def delete_entry(entry: EntryDep, _: ManageDevices, service: Production) -> Response:
    await service.delete(entry)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/baselines", operation_id="baselines_list",
            response_model=Envelope[list[BaselineRead]],
            summary="Energy baselines: regressions of a node's energy on its production")
async def list_baselines(service: Baselines, node_id: Annotated[int | None, Query(
        ge=1, le=MAX_ID)] = None):
    return {"data": await service.list(node_id)}


@router.post("/baselines", operation_id="baselines_create", status_code=status.HTTP_201_CREATED,
             response_model=Envelope[BaselineRead],
             summary="Fit a baseline over a period (422 NOT_ENOUGH_DATA when it cannot)")
async def create_baseline(_: ManageDevices, body: BaselineCreate, service: Baselines):
    return {"data": await service.create(body)}


@router.get("/baselines/{baseline_id}", operation_id="baselines_get",
            response_model=Envelope[BaselineRead],
            summary="A baseline with its coefficients and R²")
async def get_baseline(baseline: BaselineDep, service: Baselines):
    await service.ensure_fitted(baseline)
    return {"data": await service.read(baseline)}


@router.post("/baselines/{baseline_id}/fit", operation_id="baselines_fit",
             response_model=Envelope[BaselineRead],
             summary="Fit the baseline again (data of its period arrived late)")
async def refit_baseline(baseline: BaselineDep, _: ManageDevices, service: Baselines):
    return {"data": await service.refit(baseline)}


@router.delete("/baselines/{baseline_id}", operation_id="baselines_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a baseline")
async def delete_baseline(baseline: BaselineDep, _: ManageDevices, service: Baselines
                          ) -> Response:
    await service.delete(baseline)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/baselines/{baseline_id}/performance", operation_id="baselines_performance",
            response_model=Envelope[BaselinePerformance],
            summary="Expected vs actual energy, savings and CUSUM over a reporting period")
async def baseline_performance(baseline: BaselineDep, service: Baselines,
                               start: Annotated[date | None, Query(
                                   description="Default: the day after the baseline")] = None,
                               end: Annotated[date | None, Query(
                                   description="Default: today")] = None):
    return {"data": await service.performance(baseline, start, end)}
