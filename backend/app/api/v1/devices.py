from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.api.deps import (
    AppResources,
    ClientIp,
    CurrentPrincipal,
    DbSession,
    Pagination,
    require_permission,
)
from app.api.openapi import errors
from app.core.errors import ValidationFailed
from app.models.device import Device
from app.models.device_parameter import DeviceParameter
from app.models.user import User
from app.schemas.common import Envelope, ListEnvelope, list_envelope
from app.schemas.device import (
    DeviceCreate,
    DeviceImport,
    DeviceRead,
    DeviceSort,
    DeviceStatus,
    DeviceUpdate,
    DeviceWithCredentials,
    ParameterBulkUpdate,
    ParameterRead,
    ParameterUpdate,
)
from app.services.devices.provisioning import (
    IMPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    DeviceProvisioning,
    rows_from_csv,
)
from app.services.devices.service import DeviceQuery, DeviceService

router = APIRouter(prefix="/devices", tags=["devices"])

# Ids are BIGINT; a larger number could never match and must not reach the driver.
MAX_ID = 2**63 - 1
NO_STORE = {"Cache-Control": "no-store"}


async def get_device_service(principal: CurrentPrincipal, db: DbSession,
                             resources: AppResources, ip: ClientIp) -> DeviceService:
    return DeviceService(db, resources, principal.factory_id, actor_id=principal.id,
                         client_ip=ip)


Devices = Annotated[DeviceService, Depends(get_device_service)]
ManageDevices = Annotated[User, Depends(require_permission("manage_devices"))]


async def load_device(device_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Devices
                      ) -> Device:
    return await service.load(device_id)


DeviceDep = Annotated[Device, Depends(load_device)]


async def load_parameter(parameter_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                         device: DeviceDep, service: Devices) -> DeviceParameter:
    return await service.load_parameter(device, parameter_id)


ParameterDep = Annotated[DeviceParameter, Depends(load_parameter)]


async def get_provisioning(principal: CurrentPrincipal, db: DbSession, resources: AppResources,
                           ip: ClientIp) -> DeviceProvisioning:
    return DeviceProvisioning(db, resources, principal.factory_id, actor_id=principal.id,
                              client_ip=ip)


Provisioning = Annotated[DeviceProvisioning, Depends(get_provisioning)]
CSV_TYPES = ("text/csv", "application/csv")


@router.post(
    "/import", operation_id="devices_import", response_class=Response,
    responses={200: {"description": "The credentials of the devices created (a token each, "
                                    "shown only here) and the rows updated, as CSV",
                     "content": {"text/csv": {"schema": {"type": "string"}}}}},
    summary="Create or update up to 1,000 devices from CSV or JSON: every row valid, or "
            "nothing written; the new credentials come back once, as CSV",
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string", "description": (
            "A header line naming columns of " + ", ".join(IMPORT_COLUMNS) + " (device_key "
            "and name required), then one device per line")},
            "example": "device_key,name,area\npress-1,Press 1,Stamping\n"},
        "application/json": {"schema": {
            "type": "object", "required": ["devices"], "additionalProperties": False,
            "properties": {"devices": {"type": "array", "minItems": 1,
                                       "maxItems": MAX_IMPORT_ROWS,
                                       "items": {"$ref": "#/components/schemas/DeviceCreate"}}}},
            "example": {"devices": [{"device_key": "press-1", "name": "Press 1",
                                     "area": "Stamping"}]}},
    }}})
async def import_devices(request: Request, _: ManageDevices, service: Provisioning) -> Response:
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise ValidationFailed(f"An import is at most {MAX_IMPORT_BYTES} bytes.",
                               code="IMPORT_TOO_LARGE")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in CSV_TYPES:
        rows = rows_from_csv(body)
    else:
        try:
            rows = DeviceImport.model_validate_json(body).devices
        except ValidationError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    credentials = await service.import_devices(rows)
    return Response(credentials, media_type="text/csv; charset=utf-8", headers={
        **NO_STORE, "Content-Disposition": 'attachment; filename="device-credentials.csv"'})


# Routes with a path id take the resource before the permission: another factory's id
# answers 404 whoever asks, and the body is validated only for a resource that exists.

@router.get("", operation_id="devices_list",
            response_model=ListEnvelope[DeviceRead], summary="Search and list devices")
async def list_devices(
    service: Devices,
    page: Pagination,
    q: Annotated[str | None, Query(max_length=200,
                                   description="Contained in name, device key or location "
                                               "(case-insensitive)")] = None,
    status_: Annotated[DeviceStatus | None, Query(alias="status")] = None,
    type_: Annotated[str | None, Query(alias="type", max_length=64)] = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    online: Annotated[bool | None, Query(description="Seen within the factory's online "
                                                     "threshold")] = None,
    sort: DeviceSort = "name",
):
    query = DeviceQuery(q=q or None, status=status_, type=type_ or None, area=area or None,
                        online=online, sort=sort)
    items, total = await service.search(query, page)
    return list_envelope(items, total, page)


@router.post("", operation_id="devices_create",
             responses=errors(409), status_code=status.HTTP_201_CREATED,
             response_model=Envelope[DeviceWithCredentials],
             summary="Register a device; its MQTT credentials are shown only in this answer")
async def create_device(_: ManageDevices, body: DeviceCreate, service: Devices,
                        response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.create(body)}


@router.get("/{device_id}", operation_id="devices_get",
            response_model=Envelope[DeviceRead], summary="One device")
async def get_device(device: DeviceDep, service: Devices):
    return {"data": await service.read(device)}


@router.patch("/{device_id}", operation_id="devices_update", response_model=Envelope[DeviceRead],
              summary="Edit a device, approve a discovered one or disable it")
async def update_device(device: DeviceDep, _: ManageDevices, body: DeviceUpdate,
                        service: Devices):
    return {"data": await service.update(device, body)}


@router.post("/{device_id}/deactivate", operation_id="devices_deactivate",
             response_model=Envelope[DeviceRead],
             summary="Disable a device: its telemetry is refused until it is activated")
async def deactivate_device(device: DeviceDep, _: ManageDevices, service: Devices):
    return {"data": await service.set_enabled(device, False)}


@router.post("/{device_id}/activate", operation_id="devices_activate",
             response_model=Envelope[DeviceRead],
             summary="Activate a disabled device or approve a discovered one")
async def activate_device(device: DeviceDep, _: ManageDevices, service: Devices):
    return {"data": await service.set_enabled(device, True)}


@router.delete("/{device_id}", operation_id="devices_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a device with its parameters, time series and latest values")
async def delete_device(device: DeviceDep, _: ManageDevices, service: Devices) -> Response:
    await service.delete(device)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{device_id}/rotate-token", operation_id="devices_rotate_token",
             response_model=Envelope[DeviceWithCredentials],
             summary="Issue a new MQTT token; the previous one stops working at once")
async def rotate_device_token(device: DeviceDep, _: ManageDevices, service: Devices,
                              response: Response):
    response.headers.update(NO_STORE)
    return {"data": await service.rotate_token(device)}


@router.get("/{device_id}/parameters", operation_id="devices_parameters_list",
            response_model=ListEnvelope[ParameterRead],
            summary="The device's discovered parameters with their latest values")
async def list_parameters(device: DeviceDep, service: Devices, page: Pagination):
    items, total = await service.list_parameters(device, page)
    return list_envelope(items, total, page)


@router.patch("/{device_id}/parameters", operation_id="devices_parameters_update_many",
              response_model=Envelope[list[ParameterRead]],
              summary="Edit several parameters at once; an unknown id changes nothing")
async def update_parameters(device: DeviceDep, _: ManageDevices, body: ParameterBulkUpdate,
                            service: Devices):
    return {"data": await service.update_parameters(device, body)}


@router.patch("/{device_id}/parameters/{parameter_id}", operation_id="devices_parameters_update",
              response_model=Envelope[ParameterRead],
              summary="Name a parameter, give it a unit or role, or select it as a KPI")
async def update_parameter(device: DeviceDep, parameter: ParameterDep, _: ManageDevices,
                           body: ParameterUpdate, service: Devices):
    return {"data": await service.update_parameter(device, parameter, body)}
