"""SQL of the asset tree, its device attachments and virtual meters. A factory's tree is small
(hundreds of nodes at most), so services read it whole and walk it in memory."""

from __future__ import annotations

from collections.abc import Sequence

from app.models.asset import AssetNode, AssetNodeDevice, VirtualMeter, VirtualMeterTerm
from app.repositories.base import TenantRepository


class AssetNodeRepository(TenantRepository[AssetNode]):
    model = AssetNode

    async def list_all(self) -> list[AssetNode]:
        result = await self.session.execute(
            self.select().order_by(AssetNode.path, AssetNode.position, AssetNode.id))
        return list(result.scalars())

    async def subtree(self, path: str) -> list[AssetNode]:
        """The node with this path and every node below it."""
        result = await self.session.execute(
            self.select().where(AssetNode.path.startswith(path, autoescape=True)))
        return list(result.scalars())


class AssetNodeDeviceRepository(TenantRepository[AssetNodeDevice]):
    model = AssetNodeDevice

    async def list_all(self) -> list[AssetNodeDevice]:
        result = await self.session.execute(self.select().order_by(AssetNodeDevice.id))
        return list(result.scalars())

    async def for_devices(self, device_ids: Sequence[int]) -> list[AssetNodeDevice]:
        if not device_ids:
            return []
        result = await self.session.execute(
            self.select().where(AssetNodeDevice.device_id.in_(list(device_ids))))
        return list(result.scalars())

    async def for_node(self, node_id: int) -> list[AssetNodeDevice]:
        result = await self.session.execute(
            self.select().where(AssetNodeDevice.node_id == node_id))
        return list(result.scalars())

    async def device_ids_under(self, path: str) -> list[int]:
        """Devices attached to the node with this path or below it."""
        stmt = (self.select(AssetNodeDevice.device_id)
                .join(AssetNode, AssetNode.id == AssetNodeDevice.node_id)
                .where(AssetNode.factory_id == self.factory_id,
                       AssetNode.path.startswith(path, autoescape=True)))
        return [int(row[0]) for row in await self.session.execute(stmt)]

    async def node_paths_of(self, device_ids: Sequence[int]) -> dict[int, str]:
        """Device id → path of the node it hangs on (devices on no node are absent)."""
        if not device_ids:
            return {}
        stmt = (self.select(AssetNodeDevice.device_id, AssetNode.path)
                .join(AssetNode, AssetNode.id == AssetNodeDevice.node_id)
                .where(AssetNode.factory_id == self.factory_id,
                       AssetNodeDevice.device_id.in_(list(device_ids))))
        return {int(device_id): path for device_id, path in await self.session.execute(stmt)}


class VirtualMeterRepository(TenantRepository[VirtualMeter]):
    model = VirtualMeter

    async def list_all(self) -> list[VirtualMeter]:
        result = await self.session.execute(
            self.select().order_by(VirtualMeter.name, VirtualMeter.id))
        return list(result.scalars())


class VirtualMeterTermRepository(TenantRepository[VirtualMeterTerm]):
    model = VirtualMeterTerm

    async def for_meters(self, meter_ids: Sequence[int]) -> list[VirtualMeterTerm]:
        if not meter_ids:
            return []
        result = await self.session.execute(
            self.select().where(VirtualMeterTerm.meter_id.in_(list(meter_ids)))
            .order_by(VirtualMeterTerm.id))
        return list(result.scalars())

    async def delete_for_meter(self, meter_id: int) -> None:
        await self.session.execute(
            self.delete_stmt().where(VirtualMeterTerm.meter_id == meter_id))
