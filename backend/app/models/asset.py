"""The asset tree (site → area/line → machine, any depth up to MAX_NODE_DEPTH), the devices
attached to its nodes, and virtual meters: signed sums of devices' energy."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, IdType, TenantMixin, UpdatedMixin

MAX_NODE_DEPTH = 6
NODE_KINDS = ("site", "area", "line", "machine", "other")


class AssetNode(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "asset_nodes"

    parent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("asset_nodes.id", ondelete="CASCADE"), index=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), default="other", nullable=False)
    # "/<root id>/.../<own id>/": a subtree is every node whose path starts with the root's,
    # one indexed LIKE instead of a recursive query; the depth is the number of ids.
    path: Mapped[str] = mapped_column(String(255), default="/", index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    production_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AssetNodeDevice(IdMixin, TenantMixin, Base):
    """A device hangs on at most one node, so that rolling energy up the tree counts it once."""

    __tablename__ = "asset_node_devices"
    __table_args__ = (UniqueConstraint("device_id"),)

    node_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("asset_nodes.id", ondelete="CASCADE"), index=True, nullable=False)
    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False)


class VirtualMeter(IdMixin, TenantMixin, UpdatedMixin, Base):
    __tablename__ = "virtual_meters"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    # The node whose energy it counts toward, like an attached device (an "unmetered"
    # meter under the site makes the site's total equal its main meter).
    node_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("asset_nodes.id", ondelete="SET NULL"), index=True, nullable=True)


class VirtualMeterTerm(IdMixin, TenantMixin, Base):
    __tablename__ = "virtual_meter_terms"
    __table_args__ = (UniqueConstraint("meter_id", "device_id"),)

    meter_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("virtual_meters.id", ondelete="CASCADE"), index=True, nullable=False)
    device_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("devices.id", ondelete="CASCADE"), nullable=False)
    # +1 or -1: the meter is the sum of sign x energy over its terms.
    sign: Mapped[float] = mapped_column(Float, default=1.0, nullable=False)
