"""Maintenance windows of a device: while one is on, the device's alerts notify nobody."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from app.api.deps import ClientIp, CurrentPrincipal, DbSession
from app.api.v1.devices import MAX_ID, DeviceDep, ManageDevices
from app.schemas.alert import MaintenanceWindowCreate, MaintenanceWindowRead
from app.schemas.common import Envelope
from app.services.alerts.maintenance import MaintenanceService

router = APIRouter(prefix="/devices/{device_id}/maintenance-windows", tags=["devices"])


async def get_service(principal: CurrentPrincipal, db: DbSession, ip: ClientIp
                      ) -> MaintenanceService:
    return MaintenanceService(db, principal.factory_id, actor_id=principal.id, client_ip=ip)


Windows = Annotated[MaintenanceService, Depends(get_service)]


@router.get("", operation_id="devices_maintenance_windows_list",
            response_model=Envelope[list[MaintenanceWindowRead]],
            summary="The device's maintenance windows, latest first")
async def list_windows(device: DeviceDep, service: Windows):
    return {"data": await service.list(device)}


@router.post("", operation_id="devices_maintenance_windows_create",
             status_code=status.HTTP_201_CREATED,
             response_model=Envelope[MaintenanceWindowRead],
             summary="Mute the device's alerts for a while (audited)")
async def create_window(device: DeviceDep, _: ManageDevices, body: MaintenanceWindowCreate,
                        service: Windows):
    return {"data": await service.create(device, body)}


@router.delete("/{window_id}", operation_id="devices_maintenance_windows_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, summary="Remove a maintenance window (audited)")
async def delete_window(device: DeviceDep, _: ManageDevices, service: Windows,
                        window_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    await service.delete(device, window_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
