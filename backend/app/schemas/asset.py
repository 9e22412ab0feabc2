"""The asset tree, device attachments and virtual meters."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.models.asset import MAX_NODE_DEPTH, NODE_KINDS
from app.schemas.common import OneLine, Schema
from app.schemas.device import Input
from app.schemas.job import Id, _unique

NodeKind = Literal[NODE_KINDS]  # type: ignore[valid-type]
NodeName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=200), OneLine]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
NODE_DEVICES_MAX = 1000
METER_TERMS_MAX = 100


class NodeCreate(Input):
    name: NodeName
    kind: NodeKind = "other"
    parent_id: Id | None = Field(None, description=f"None: a root (a site). At most "
                                                   f"{MAX_NODE_DEPTH} levels deep")
    production_unit: Unit | None = Field(None, examples=["parts"])


class NodeUpdate(Input):
    name: NodeName | None = None
    kind: NodeKind | None = None
    parent_id: Id | None = Field(None, description="Moves the node with everything below "
                                                   "it; null makes it a root")
    production_unit: Unit | None = None

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> NodeUpdate:
        self._refuse_nulls("name", "kind")
        return self


class NodeDevices(Input):
    device_ids: Annotated[list[Id], Field(max_length=NODE_DEVICES_MAX),
                          AfterValidator(_unique)] = Field(
        description="Every device of the node: devices on another node move here, devices "
                    "left out are detached")


class NodeRead(Schema):
    id: int
    parent_id: int | None
    name: str
    kind: NodeKind
    depth: int = Field(description="1 for a root")
    production_unit: str | None
    device_ids: list[int] = Field(description="Devices attached to this node itself")
    virtual_meter_ids: list[int] = Field(description="Virtual meters counted on this node")
    children: list[NodeRead]


class AssetTree(Schema):
    roots: list[NodeRead]
    max_depth: int
    unattached_device_ids: list[int] = Field(description="Devices on no node")


class MeterTerm(Input):
    device_id: Id
    sign: Literal[1, -1] = Field(1, description="1 adds the device's energy, -1 subtracts it")


MeterTerms = Annotated[list[MeterTerm], Field(min_length=1, max_length=METER_TERMS_MAX)]


def _distinct_devices(terms: list[MeterTerm]) -> list[MeterTerm]:
    _unique([t.device_id for t in terms])
    return terms


class VirtualMeterCreate(Input):
    name: NodeName
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    node_id: Id | None = Field(None, description="The node its energy counts toward")
    terms: Annotated[MeterTerms, AfterValidator(_distinct_devices)]


class VirtualMeterUpdate(Input):
    name: NodeName | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True,
                                                  max_length=500)] | None = None
    node_id: Id | None = None
    terms: Annotated[MeterTerms, AfterValidator(_distinct_devices)] | None = None

    @model_validator(mode="after")
    def _required_fields_stay_set(self) -> VirtualMeterUpdate:
        self._refuse_nulls("name", "description", "terms")
        return self


class MeterTermRead(Schema):
    device_id: int
    device_name: str
    sign: int


class VirtualMeterRead(Schema):
    id: int
    name: str
    description: str
    node_id: int | None
    terms: list[MeterTermRead]
    formula: str = Field(examples=["Main incomer − CNC Line 1 − Compressor"])
