"""The asset tree and virtual meters as users edit them: nodes (any depth up to
MAX_NODE_DEPTH, moved with everything below them), the devices attached to each node, and
virtual meters defined as signed sums of devices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, ValidationFailed, not_found
from app.core.logging import get_logger
from app.models.asset import (
    MAX_NODE_DEPTH,
    AssetNode,
    AssetNodeDevice,
    VirtualMeter,
    VirtualMeterTerm,
)
from app.repositories.asset_repo import (
    AssetNodeDeviceRepository,
    AssetNodeRepository,
    VirtualMeterRepository,
    VirtualMeterTermRepository,
)
from app.repositories.device_repo import DeviceRepository
from app.schemas.asset import (
    AssetTree,
    MeterTermRead,
    NodeCreate,
    NodeDevices,
    NodeRead,
    NodeUpdate,
    VirtualMeterCreate,
    VirtualMeterRead,
    VirtualMeterUpdate,
)
from app.services.audit.service import AuditService
from app.services.devices.chosen import chosen_devices
from app.services.energy.tree import Tree, TreeNode, child_path, path_depth

log = get_logger(__name__)


def tree_node(node: AssetNode) -> TreeNode:
    return TreeNode(id=node.id, parent_id=node.parent_id, name=node.name, kind=node.kind,
                    path=node.path, position=node.position,
                    production_unit=node.production_unit)


async def load_tree(session: AsyncSession, factory_id: int) -> Tree:
    """The factory's whole tree with its attachments, in three queries."""
    nodes = await AssetNodeRepository(session, factory_id).list_all()
    attachments = await AssetNodeDeviceRepository(session, factory_id).list_all()
    meters = await VirtualMeterRepository(session, factory_id).list_all()
    return Tree([tree_node(n) for n in nodes], {a.device_id: a.node_id for a in attachments},
                {m.id: m.node_id for m in meters})


def formula(terms: Sequence[MeterTermRead]) -> str:
    text = ""
    for n, term in enumerate(terms):
        if n == 0:
            text = term.device_name if term.sign > 0 else f"−{term.device_name}"
        else:
            text += f" {'+' if term.sign > 0 else '−'} {term.device_name}"
    return text


class AssetService:
    def __init__(self, session: AsyncSession, factory_id: int, *, actor_id: int | None = None,
                 client_ip: str | None = None) -> None:
        self.session = session
        self.factory_id = factory_id
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.nodes = AssetNodeRepository(session, factory_id)
        self.attachments = AssetNodeDeviceRepository(session, factory_id)
        self.meters = VirtualMeterRepository(session, factory_id)
        self.terms = VirtualMeterTermRepository(session, factory_id)
        self.devices = DeviceRepository(session, factory_id)
        self.audit = AuditService(session, factory_id)

    # -- tree ------------------------------------------------------------------------------
    async def load_node(self, node_id: int) -> AssetNode:
        node = await self.nodes.get(node_id)
        if node is None:
            raise not_found("node")
        return node

    async def tree(self) -> AssetTree:
        tree = await load_tree(self.session, self.factory_id)
        attached = set(tree.device_nodes)
        unattached = [d.id for d in await self.devices.list_all() if d.id not in attached]
        return AssetTree(roots=[self._view(tree, n) for n in tree.roots],
                         max_depth=MAX_NODE_DEPTH, unattached_device_ids=unattached)

    async def read_node(self, node: AssetNode) -> NodeRead:
        tree = await load_tree(self.session, self.factory_id)
        return self._view(tree, tree.nodes[node.id])

    def _view(self, tree: Tree, node: TreeNode) -> NodeRead:
        return NodeRead(id=node.id, parent_id=node.parent_id, name=node.name, kind=node.kind,
                        depth=node.depth, production_unit=node.production_unit,
                        device_ids=tree.devices_of(node.id),
                        virtual_meter_ids=tree.meters_of(node.id),
                        children=[self._view(tree, c) for c in tree.children(node.id)])

    async def create_node(self, body: NodeCreate) -> NodeRead:
        parent = await self._parent(body.parent_id)
        if parent is not None and path_depth(parent.path) >= MAX_NODE_DEPTH:
            raise ValidationFailed(f"The tree is at most {MAX_NODE_DEPTH} levels deep.",
                                   code="NODE_TOO_DEEP")
        tree = await load_tree(self.session, self.factory_id)
        self._check_name(tree, body.parent_id, body.name, None)
        now = datetime.now(UTC)
        node = self.nodes.add(AssetNode(
            parent_id=body.parent_id, name=body.name, kind=body.kind, path="/",
            position=len(tree.children(body.parent_id)),
            production_unit=body.production_unit, created_at=now, updated_at=now))
        await self.session.flush()
        node.path = child_path(parent.path if parent else None, node.id)
        self.audit.record(self.actor_id, "asset_node.created", "asset_node", node.id,
                          {"name": node.name, "parent_id": node.parent_id}, self.client_ip)
        await self.session.commit()
        log.info("asset_node.created", node_id=node.id)
        return await self.read_node(node)

    async def update_node(self, node: AssetNode, body: NodeUpdate) -> NodeRead:
        changes = body.model_dump(exclude_unset=True)
        tree = await load_tree(self.session, self.factory_id)
        parent_id = changes.get("parent_id", node.parent_id)
        if "name" in changes or "parent_id" in changes:
            self._check_name(tree, parent_id, changes.get("name", node.name), node.id)
        if "parent_id" in changes and changes["parent_id"] != node.parent_id:
            await self._move(tree, node, changes["parent_id"])
        for name in ("name", "kind", "production_unit"):
            if name in changes:
                setattr(node, name, changes[name])
        node.updated_at = datetime.now(UTC)
        self.audit.record(self.actor_id, "asset_node.updated", "asset_node", node.id,
                          {"fields": sorted(changes)}, self.client_ip)
        await self.session.commit()
        return await self.read_node(node)

    async def _move(self, tree: Tree, node: AssetNode, parent_id: int | None) -> None:
        parent = await self._parent(parent_id)
        if parent is not None and parent.id in tree.subtree_ids(node.id):
            raise ValidationFailed("A node cannot move below itself.", code="NODE_CYCLE")
        parent_depth = path_depth(parent.path) if parent else 0
        if parent_depth + tree.height(node.id) > MAX_NODE_DEPTH:
            raise ValidationFailed(f"The tree is at most {MAX_NODE_DEPTH} levels deep.",
                                   code="NODE_TOO_DEEP")
        old_prefix = node.path
        new_prefix = child_path(parent.path if parent else None, node.id)
        for member in await self.nodes.subtree(old_prefix):
            member.path = new_prefix + member.path[len(old_prefix):]
        node.parent_id = parent_id
        node.position = len(tree.children(parent_id))

    async def delete_node(self, node: AssetNode) -> None:
        tree = await load_tree(self.session, self.factory_id)
        if tree.children(node.id):
            raise Conflict("Move or delete the nodes below it first.", code="NODE_HAS_CHILDREN")
        # Attached devices, production entries and baselines go with the node; virtual
        # meters counted on it stay, counted on no node.
        await self.nodes.delete(node)
        self.audit.record(self.actor_id, "asset_node.deleted", "asset_node", node.id,
                          {"name": node.name}, self.client_ip)
        await self.session.commit()

    async def set_devices(self, node: AssetNode, body: NodeDevices) -> NodeRead:
        await self._check_devices(body.device_ids)
        current = {a.device_id: a for a in await self.attachments.for_node(node.id)}
        moving = {a.device_id: a for a in await self.attachments.for_devices(body.device_ids)}
        wanted = set(body.device_ids)
        for device_id, attachment in current.items():
            if device_id not in wanted:
                await self.attachments.delete(attachment)
        for device_id in body.device_ids:
            attachment = moving.get(device_id)
            if attachment is None:
                self.attachments.add(AssetNodeDevice(node_id=node.id, device_id=device_id))
            elif attachment.node_id != node.id:
                attachment.node_id = node.id
        self.audit.record(self.actor_id, "asset_node.devices_set", "asset_node", node.id,
                          {"device_ids": body.device_ids}, self.client_ip)
        await self.session.commit()
        return await self.read_node(node)

    async def _parent(self, parent_id: int | None) -> AssetNode | None:
        if parent_id is None:
            return None
        parent = await self.nodes.get(parent_id)
        if parent is None:
            raise ValidationFailed("The parent node does not exist.", code="UNKNOWN_NODE",
                                   details={"parent_id": parent_id})
        return parent

    @staticmethod
    def _check_name(tree: Tree, parent_id: int | None, name: str, node_id: int | None) -> None:
        # Siblings are told apart by name (uploads and exports name nodes by their path).
        if any(sibling.name.casefold() == name.casefold() and sibling.id != node_id
               for sibling in tree.children(parent_id)):
            raise Conflict(f"Another node here is already called {name!r}.",
                           code="NODE_NAME_TAKEN")

    async def _check_devices(self, device_ids: Sequence[int]) -> dict[int, str]:
        return {d.id: d.name
                for d in await chosen_devices(self.session, self.factory_id, device_ids)}

    # -- virtual meters --------------------------------------------------------------------
    async def load_meter(self, meter_id: int) -> VirtualMeter:
        meter = await self.meters.get(meter_id)
        if meter is None:
            raise not_found("virtual_meter")
        return meter

    async def list_meters(self) -> list[VirtualMeterRead]:
        return await self._meter_views(await self.meters.list_all())

    async def read_meter(self, meter: VirtualMeter) -> VirtualMeterRead:
        return (await self._meter_views([meter]))[0]

    async def create_meter(self, body: VirtualMeterCreate) -> VirtualMeterRead:
        await self._check_devices([t.device_id for t in body.terms])
        if body.node_id is not None:
            await self._parent(body.node_id)
        now = datetime.now(UTC)
        meter = self.meters.add(VirtualMeter(name=body.name, description=body.description,
                                             node_id=body.node_id, created_at=now,
                                             updated_at=now))
        await self.session.flush()
        for term in body.terms:
            self.terms.add(VirtualMeterTerm(meter_id=meter.id, device_id=term.device_id,
                                            sign=float(term.sign)))
        self.audit.record(self.actor_id, "virtual_meter.created", "virtual_meter", meter.id,
                          {"name": meter.name}, self.client_ip)
        await self.session.commit()
        return await self.read_meter(meter)

    async def update_meter(self, meter: VirtualMeter, body: VirtualMeterUpdate
                           ) -> VirtualMeterRead:
        changes = body.model_dump(exclude_unset=True)
        if changes.get("node_id") is not None:
            await self._parent(changes["node_id"])
        for name in ("name", "description", "node_id"):
            if name in changes:
                setattr(meter, name, changes[name])
        if body.terms is not None:
            await self._check_devices([t.device_id for t in body.terms])
            await self.terms.delete_for_meter(meter.id)
            for term in body.terms:
                self.terms.add(VirtualMeterTerm(meter_id=meter.id, device_id=term.device_id,
                                                sign=float(term.sign)))
        meter.updated_at = datetime.now(UTC)
        self.audit.record(self.actor_id, "virtual_meter.updated", "virtual_meter", meter.id,
                          {"fields": sorted(changes)}, self.client_ip)
        await self.session.commit()
        return await self.read_meter(meter)

    async def delete_meter(self, meter: VirtualMeter) -> None:
        await self.meters.delete(meter)
        self.audit.record(self.actor_id, "virtual_meter.deleted", "virtual_meter", meter.id,
                          {"name": meter.name}, self.client_ip)
        await self.session.commit()

    async def _meter_views(self, meters: Sequence[VirtualMeter]) -> list[VirtualMeterRead]:
        terms = await self.terms.for_meters([m.id for m in meters])
        names = {d.id: d.name for d in await self.devices.get_many(
            sorted({t.device_id for t in terms}))}
        views = []
        for meter in meters:
            own = [MeterTermRead(device_id=t.device_id, device_name=names.get(t.device_id, "?"),
                                 sign=1 if t.sign > 0 else -1)
                   for t in terms if t.meter_id == meter.id]
            views.append(VirtualMeterRead(id=meter.id, name=meter.name,
                                          description=meter.description, node_id=meter.node_id,
                                          terms=own, formula=formula(own)))
        return views
