"""The shift calendar and figures per shift."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.api.deps import AppResources, ClientIp, CurrentPrincipal, DbSession, require_permission
from app.api.openapi import errors
from app.api.v1.energy import CurrentFactory, NodeScope
from app.models.shift import Shift
from app.models.user import User
from app.schemas.common import Envelope
from app.schemas.job import MAX_ID
from app.schemas.shift import ShiftCreate, ShiftRead, ShiftReport, ShiftUpdate
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.shifts import ShiftService

router = APIRouter(tags=["shifts"])
ManageDevices = Annotated[User, Depends(require_permission("manage_devices"))]


async def get_shift_service(principal: CurrentPrincipal, factory: CurrentFactory,
                            db: DbSession, resources: AppResources, ip: ClientIp
                            ) -> ShiftService:
    return ShiftService(db, factory, resources.timeseries, aggregate_cache(resources),
                        actor_id=principal.id, client_ip=ip)


Shifts = Annotated[ShiftService, Depends(get_shift_service)]


async def load_shift(shift_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Shifts
                     ) -> Shift:
    return await service.load(shift_id)


ShiftDep = Annotated[Shift, Depends(load_shift)]


@router.get("/shifts", operation_id="shifts_list", response_model=Envelope[list[ShiftRead]],
            summary="The factory's shift calendar")
async def list_shifts(service: Shifts):
    return {"data": await service.list()}


@router.post("/shifts", operation_id="shifts_create", responses=errors(409),
             status_code=status.HTTP_201_CREATED, response_model=Envelope[ShiftRead],
             summary="Add a shift (409 SHIFT_OVERLAP when it would overlap another)")
async def create_shift(_: ManageDevices, body: ShiftCreate, service: Shifts):
    return {"data": await service.create(body)}


@router.patch("/shifts/{shift_id}", operation_id="shifts_update", responses=errors(409),
              response_model=Envelope[ShiftRead],
              summary="Change a shift's name, times or days")
async def update_shift(shift: ShiftDep, _: ManageDevices, body: ShiftUpdate, service: Shifts):
    return {"data": await service.update(shift, body)}


@router.delete("/shifts/{shift_id}", operation_id="shifts_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a shift")
async def delete_shift(shift: ShiftDep, _: ManageDevices, service: Shifts) -> Response:
    await service.delete(shift)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/energy/shifts", operation_id="shifts_report",
            responses=errors(404), response_model=Envelope[ShiftReport],
            summary="Energy, cost, peak demand, production and EnPI per shift, for the factory "
                    "or a node")
async def shift_report(service: Shifts,
                       start: Annotated[date, Query(description="First local day")],
                       end: Annotated[date, Query(description="Last local day (included)")],
                       node_id: NodeScope = None):
    return {"data": await service.report(start, end, node_id)}
