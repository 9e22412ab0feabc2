"""The asset tree (nodes and their devices) and virtual meters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from app.api.deps import ClientIp, CurrentPrincipal, DbSession, require_permission
from app.api.openapi import errors
from app.models.asset import AssetNode, VirtualMeter
from app.models.user import User
from app.schemas.asset import (
    AssetTree,
    NodeCreate,
    NodeDevices,
    NodeRead,
    NodeUpdate,
    VirtualMeterCreate,
    VirtualMeterRead,
    VirtualMeterUpdate,
)
from app.schemas.common import Envelope
from app.schemas.job import MAX_ID
from app.services.energy.assets import AssetService

router = APIRouter(tags=["assets"])


async def get_asset_service(principal: CurrentPrincipal, db: DbSession, ip: ClientIp
                            ) -> AssetService:
    return AssetService(db, principal.factory_id, actor_id=principal.id, client_ip=ip)


Assets = Annotated[AssetService, Depends(get_asset_service)]
ManageDevices = Annotated[User, Depends(require_permission("manage_devices"))]


async def load_node(node_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Assets
                    ) -> AssetNode:
    return await service.load_node(node_id)


async def load_meter(meter_id: Annotated[int, Path(ge=1, le=MAX_ID)], service: Assets
                     ) -> VirtualMeter:
    return await service.load_meter(meter_id)


NodeDep = Annotated[AssetNode, Depends(load_node)]
MeterDep = Annotated[VirtualMeter, Depends(load_meter)]


@router.get("/assets/tree", operation_id="assets_tree", response_model=Envelope[AssetTree],
            summary="The factory's asset tree with the devices and virtual meters on each node")
async def get_tree(service: Assets):
    return {"data": await service.tree()}


@router.post("/assets/nodes", operation_id="assets_nodes_create", responses=errors(409),
             status_code=status.HTTP_201_CREATED,
             response_model=Envelope[NodeRead], summary="Add a node to the asset tree")
async def create_node(_: ManageDevices, body: NodeCreate, service: Assets):
    return {"data": await service.create_node(body)}


@router.get("/assets/nodes/{node_id}", operation_id="assets_nodes_get",
            response_model=Envelope[NodeRead],
            summary="A node with everything below it")
async def get_node(node: NodeDep, service: Assets):
    return {"data": await service.read_node(node)}


@router.patch("/assets/nodes/{node_id}", operation_id="assets_nodes_update", responses=errors(409),
              response_model=Envelope[NodeRead],
              summary="Rename a node, or move it with everything below it")
async def update_node(node: NodeDep, _: ManageDevices, body: NodeUpdate, service: Assets):
    return {"data": await service.update_node(node, body)}


@router.delete("/assets/nodes/{node_id}", operation_id="assets_nodes_delete", responses=errors(409),
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a node without children (its devices become unattached)")
async def delete_node(node: NodeDep, _: ManageDevices, service: Assets) -> Response:
    await service.delete_node(node)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/assets/nodes/{node_id}/devices", operation_id="assets_nodes_set_devices",
            response_model=Envelope[NodeRead],
            summary="Set the devices attached to a node (a device hangs on one node)")
async def set_node_devices(node: NodeDep, _: ManageDevices, body: NodeDevices,
                           service: Assets):
    return {"data": await service.set_devices(node, body)}


@router.get("/virtual-meters", operation_id="virtual_meters_list",
            response_model=Envelope[list[VirtualMeterRead]],
            summary="Virtual meters: signed sums of devices' energy")
async def list_meters(service: Assets):
    return {"data": await service.list_meters()}


@router.post("/virtual-meters", operation_id="virtual_meters_create",
             status_code=status.HTTP_201_CREATED,
             response_model=Envelope[VirtualMeterRead],
             summary="Define a virtual meter, e.g. main meter − sub-meters = unmetered")
async def create_meter(_: ManageDevices, body: VirtualMeterCreate, service: Assets):
    return {"data": await service.create_meter(body)}


@router.get("/virtual-meters/{meter_id}", operation_id="virtual_meters_get",
            response_model=Envelope[VirtualMeterRead],
            summary="A virtual meter and its formula")
async def get_meter(meter: MeterDep, service: Assets):
    return {"data": await service.read_meter(meter)}


@router.patch("/virtual-meters/{meter_id}", operation_id="virtual_meters_update",
              response_model=Envelope[VirtualMeterRead],
              summary="Change a virtual meter's name, node or terms")
async def update_meter(meter: MeterDep, _: ManageDevices, body: VirtualMeterUpdate,
                       service: Assets):
    return {"data": await service.update_meter(meter, body)}


@router.delete("/virtual-meters/{meter_id}", operation_id="virtual_meters_delete",
               status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a virtual meter")
async def delete_meter(meter: MeterDep, _: ManageDevices, service: Assets) -> Response:
    await service.delete_meter(meter)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
