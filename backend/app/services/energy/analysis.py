"""The Energy page: a factory's (or an asset node's) energy over a range, compared with the
period before and the same period a year earlier, broken down by node, area, device type and
meter, split by tariff period, with the period's highest 15-minute demand windows and the
meters behind them. Also the energy of one virtual meter or one node, shaped like a
device's.

Everything goes through `EnergyService.device_quarters` and the pure calculator, so a
device's energy here is to the last digit what the device's own endpoint answers.

What a scope counts:
* a node: the devices and virtual meters attached to it or to any node below it, summed;
* the factory: its supply meters when it has any, else every device (see
  `counted_devices`); virtual meters are listed but not added (their terms already are).
Each breakdown ends with an "unaccounted" row when its rows do not add up to the total."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import not_found
from app.models.asset import AssetNode, VirtualMeter
from app.models.device import Device
from app.models.factory import Factory
from app.repositories.asset_repo import (
    AssetNodeRepository,
    VirtualMeterRepository,
    VirtualMeterTermRepository,
)
from app.repositories.device_repo import DeviceRepository
from app.schemas.energy import (
    BucketSize,
    Comparison,
    EnergyAnalysis,
    EnergyBucket,
    EnergyFigures,
    MeterEnergy,
    MeterRow,
    PeakContributor,
    PeakEventRow,
    Scope,
    ShareRow,
    TariffPeriodRow,
)
from app.services.energy import calculator as calc
from app.services.energy import calculator_arrays
from app.services.energy import meters as meter_calc
from app.services.energy.aggregate_cache import AggregateCache
from app.services.energy.assets import load_tree
from app.services.energy.service import EnergyDevice, EnergyService
from app.services.energy.tree import Tree
from app.stores.timeseries.base import TimeSeriesStore

PEAK_EVENTS = 5
PEAK_CONTRIBUTORS = 10
UNACCOUNTED = "unaccounted"
# Rows that differ from the total by less than this are taken to add up.
_TOLERANCE_KWH = 1e-6
NO_AREA = "No area"
NO_TYPE = "No type"
VIRTUAL_GROUP = "Virtual meters"


@dataclass
class Meter:
    """A device or a virtual meter with what it measured over the range."""

    kind: str                 # "device" | "virtual"
    id: int
    name: str
    quarters: calc.DeviceQuarters
    idle_threshold_kw: float | None = None
    area: str | None = None
    type: str | None = None
    supply: bool = False


@dataclass(frozen=True)
class VirtualSpec:
    id: int
    name: str
    terms: list[tuple[float, int]]      # (sign, device id)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _shift_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    # 29 February a year earlier is the 28th.
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def comparison_range(start_ms: int, end_ms: int, kind: str, zone) -> tuple[int, int]:
    """The range a comparison reads. A year earlier: the same local dates and times one year
    back. The previous period: the calendar months before when the range is whole local
    months, else the same length immediately before."""
    local_start = datetime.fromtimestamp(start_ms / 1000, zone)
    local_end = datetime.fromtimestamp(end_ms / 1000, zone)
    if kind == "last_year":
        months = 12
    else:
        whole_months = all(m.day == 1 and m.time() == datetime.min.time()
                           for m in (local_start, local_end))
        if not whole_months:
            return start_ms - (end_ms - start_ms), start_ms
        months = ((local_end.year - local_start.year) * 12
                  + local_end.month - local_start.month)

    def back(moment: datetime) -> int:
        shifted = _shift_months(moment.replace(tzinfo=None), -months)
        return int(shifted.replace(tzinfo=zone).timestamp() * 1000)

    return calc.floor_quarter(back(local_start)), calc.ceil_quarter(back(local_end))


class EnergyAnalysisService:
    def __init__(self, session: AsyncSession, factory: Factory, timeseries: TimeSeriesStore,
                 cache: AggregateCache | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.session = session
        self.factory = factory
        self.energy = EnergyService(session, factory, timeseries, cache, clock)
        self.zone = self.energy.zone
        self.devices = DeviceRepository(session, factory.id)
        self.nodes = AssetNodeRepository(session, factory.id)
        self.virtual = VirtualMeterRepository(session, factory.id)
        self.terms = VirtualMeterTermRepository(session, factory.id)

    # -- one meter or node, shaped like a device's energy ----------------------------------
    async def virtual_meter_energy(self, meter: VirtualMeter, start: datetime | None,
                                   end: datetime | None, bucket: BucketSize) -> MeterEnergy:
        [spec] = await self._virtual_specs([meter])
        return await self._meter_energy(meter.id, meter.name, [], [spec], start, end, bucket)

    async def node_energy(self, node: AssetNode, start: datetime | None, end: datetime | None,
                          bucket: BucketSize) -> MeterEnergy:
        tree = await load_tree(self.session, self.factory.id)
        devices = await self.devices.get_many(tree.devices_under(node.id))
        specs = await self._virtual_specs(await self.virtual.get_many(
            tree.meters_under(node.id)))
        return await self._meter_energy(node.id, node.name, devices, specs, start, end, bucket)

    async def _meter_energy(self, id_: int, name: str, devices: Sequence[Device],
                            specs: Sequence[VirtualSpec], start: datetime | None,
                            end: datetime | None, bucket: BucketSize) -> MeterEnergy:
        now_ms = self.energy._now_ms()
        start_ms, end_ms, buckets = self.energy._range(start, end, bucket, now_ms)
        meters = await self.measure(devices, specs, start_ms, end_ms)
        per_bucket, totals = self._figures(buckets, meters, now_ms)
        # A sum of meters, whatever each one reads from.
        source = "virtual" if any(m.quarters.source for m in meters) else None
        return MeterEnergy(id=id_, name=name, timezone=self.zone.key,
                           currency=self.factory.currency, bucket=bucket, source=source,
                           buckets=self._buckets(buckets, per_bucket),
                           totals=EnergyFigures(**totals.as_dict()))

    # -- the Energy page -------------------------------------------------------------------
    async def analysis(self, start: datetime | None, end: datetime | None, bucket: BucketSize,
                       node_id: int | None = None) -> EnergyAnalysis:
        now_ms = self.energy._now_ms()
        start_ms, end_ms, buckets = self.energy._range(start, end, bucket, now_ms)
        tree = await load_tree(self.session, self.factory.id)
        devices, specs = await self.members(tree, node_id)
        node = tree.nodes[node_id] if node_id is not None else None
        meters = await self.measure(devices, specs, start_ms, end_ms)
        counted = self.counted(meters, by_node=node is not None)
        per_bucket, totals = self._figures(buckets, counted, now_ms)
        total_kwh = totals.energy_kwh

        comparisons = []
        for kind in ("previous_period", "last_year"):
            comparisons.append(await self._comparison(kind, start_ms, end_ms, bucket, devices,
                                                      specs, counted, now_ms))
        listed = counted if node is not None else [m for m in meters if m.kind == "device"
                                                   and not (m.supply and len(counted)
                                                            < len(meters))]
        prices = self.energy._prices()
        return EnergyAnalysis(
            timezone=self.zone.key, currency=self.factory.currency, bucket=bucket,
            start=datetime.fromtimestamp(start_ms / 1000, self.zone),
            end=datetime.fromtimestamp(end_ms / 1000, self.zone),
            scope=Scope(kind="node" if node else "factory", node_id=node_id,
                        name=tree.label(node_id) if node_id else self.factory.name),
            buckets=self._buckets(buckets, per_bucket),
            totals=EnergyFigures(**totals.as_dict()),
            comparisons=comparisons,
            by_node=self._by_node(tree, node_id, meters, total_kwh),
            by_area=self._grouped(listed, lambda m: m.area or NO_AREA, total_kwh),
            by_type=self._grouped(listed, lambda m: m.type or NO_TYPE, total_kwh),
            meters=[self._meter_row(m, total_kwh, prices) for m in
                    sorted(meters, key=lambda m: (-(self._energy(m) or 0), m.name, m.id))],
            tariff_periods=self._tariff_periods(counted, total_kwh),
            peaks=self._peaks(counted, start_ms, end_ms))

    # -- reading ---------------------------------------------------------------------------
    async def members(self, tree: Tree, node_id: int | None
                      ) -> tuple[list[Device], list[VirtualSpec]]:
        """The devices and virtual meters of a scope: a node's subtree, or the factory."""
        if node_id is not None:
            if node_id not in tree.nodes:
                raise not_found("node")
            devices = await self.devices.get_many(tree.devices_under(node_id))
            virtual = await self.virtual.get_many(tree.meters_under(node_id))
        else:
            devices = await self.devices.list_all()
            virtual = await self.virtual.list_all()
        return devices, await self._virtual_specs(virtual)

    async def _virtual_specs(self, meters: Sequence[VirtualMeter]) -> list[VirtualSpec]:
        terms = await self.terms.for_meters([m.id for m in meters])
        return [VirtualSpec(m.id, m.name, [(t.sign, t.device_id) for t in terms
                                           if t.meter_id == m.id]) for m in meters]

    async def measure(self, devices: Sequence[Device], specs: Sequence[VirtualSpec],
                      start_ms: int, end_ms: int) -> list[Meter]:
        """Devices and virtual meters with their quarters over [start, end); the devices a
        virtual meter is made of are read once even when they are also listed."""
        wanted = {d.id: d for d in devices}
        term_ids = sorted({device_id for spec in specs for _sign, device_id in spec.terms}
                          - wanted.keys())
        term_devices = await self.devices.get_many(term_ids)
        energy_devices = await self.energy.energy_devices([*wanted.values(), *term_devices])
        by_id: dict[int, EnergyDevice] = {d.id: d for d in energy_devices}
        quarters = await self.energy.device_quarters(energy_devices, start_ms, end_ms)
        result = [Meter(kind="device", id=d.id, name=d.name, quarters=quarters[d.id],
                        idle_threshold_kw=by_id[d.id].idle_threshold_kw, area=d.area,
                        type=d.type, supply=by_id[d.id].supply) for d in devices]
        for spec in specs:
            combined = meter_calc.virtual_quarters(
                [(sign, quarters[device_id]) for sign, device_id in spec.terms
                 if device_id in quarters])
            result.append(Meter(kind="virtual", id=spec.id, name=spec.name, quarters=combined))
        return result

    @staticmethod
    def counted(meters: Sequence[Meter], *, by_node: bool) -> list[Meter]:
        """What a scope's total is made of (see the module's docstring)."""
        if by_node:
            return list(meters)
        devices = [m for m in meters if m.kind == "device"]
        return [m for m in devices if m.supply] or devices

    def _figures(self, buckets, meters: Sequence[Meter], now_ms: int
                 ) -> tuple[list[calc.Figures], calc.Figures]:
        return calculator_arrays.bucket_figures(
            buckets, [m.quarters for m in meters], prices=self.energy._prices(),
            co2_per_kwh=self.energy.co2_per_kwh,
            configured_thresholds_kw=[m.idle_threshold_kw for m in meters], now_ms=now_ms)

    def _buckets(self, buckets, per_bucket: Sequence[calc.Figures]) -> list[EnergyBucket]:
        return self.energy.bucket_rows(buckets, per_bucket)

    async def _comparison(self, kind: str, start_ms: int, end_ms: int, bucket: BucketSize,
                          devices: Sequence[Device], specs: Sequence[VirtualSpec],
                          counted: Sequence[Meter], now_ms: int) -> Comparison:
        first, last = comparison_range(start_ms, end_ms, kind, self.zone)
        buckets = calc.local_buckets(first, last, self.zone, bucket)
        wanted = {(m.kind, m.id) for m in counted}
        counted_devices = [d for d in devices if ("device", d.id) in wanted]
        counted_specs = [s for s in specs if ("virtual", s.id) in wanted]
        meters = await self.measure(counted_devices, counted_specs, first, last)
        per_bucket, totals = self._figures(buckets, meters, now_ms)
        return Comparison(kind=kind, start=datetime.fromtimestamp(first / 1000, self.zone),
                          end=datetime.fromtimestamp(last / 1000, self.zone),
                          totals=EnergyFigures(**totals.as_dict()),
                          buckets=self._buckets(buckets, per_bucket))

    # -- breakdowns ------------------------------------------------------------------------
    @staticmethod
    def _energy(meter: Meter) -> float | None:
        if meter.quarters.source is None:
            return None
        return sum(meter.quarters.energy.values())

    def _amount(self, meters: Sequence[Meter]) -> tuple[float | None, float | None]:
        measured = [m for m in meters if m.quarters.source is not None]
        if not measured:
            return None, None
        summed = meter_calc.summed_energy(m.quarters for m in measured)
        return sum(summed.values()), calc.cost_of(summed, self.energy._prices())

    def _share_row(self, key: str, name: str, energy: float | None, cost: float | None,
                   total_kwh: float | None) -> ShareRow:
        share = energy / total_kwh if energy is not None and total_kwh else None
        return ShareRow(key=key, name=name, energy_kwh=_round(energy), cost=_round(cost),
                        co2_kg=_round(None if energy is None
                                      else energy * self.energy.co2_per_kwh),
                        share=_round(share))

    def _with_remainder(self, rows: list[ShareRow], parts: list[tuple[float | None,
                                                                       float | None]],
                        total_kwh: float | None) -> list[ShareRow]:
        if total_kwh is None:
            return rows
        listed = sum(energy for energy, _cost in parts if energy is not None)
        rest = total_kwh - listed
        if abs(rest) > _TOLERANCE_KWH:
            rows.append(self._share_row(UNACCOUNTED, "Unaccounted", rest, None, total_kwh))
        return rows

    def _grouped(self, meters: Sequence[Meter], key: Callable[[Meter], str],
                 total_kwh: float | None) -> list[ShareRow]:
        groups: dict[str, list[Meter]] = {}
        for meter in meters:
            groups.setdefault(VIRTUAL_GROUP if meter.kind == "virtual" else key(meter),
                              []).append(meter)
        parts = {name: self._amount(members) for name, members in groups.items()}
        ordered = sorted(groups, key=lambda name: (-(parts[name][0] or 0), name))
        rows = [self._share_row(name, name, *parts[name], total_kwh) for name in ordered]
        return self._with_remainder(rows, list(parts.values()), total_kwh)

    def _by_node(self, tree: Tree, node_id: int | None, meters: Sequence[Meter],
                 total_kwh: float | None) -> list[ShareRow]:
        index = {(m.kind, m.id): m for m in meters}

        def members(device_ids: Sequence[int], meter_ids: Sequence[int]) -> list[Meter]:
            found = [index.get(("device", i)) for i in device_ids]
            found += [index.get(("virtual", i)) for i in meter_ids]
            return [m for m in found if m is not None]

        groups: list[tuple[str, str, list[Meter]]] = []
        for child in tree.children(node_id):
            groups.append((str(child.id), child.name,
                           members(tree.devices_under(child.id), tree.meters_under(child.id))))
        if node_id is not None:
            own = members(tree.devices_of(node_id), tree.meters_of(node_id))
            if own:
                groups.append((str(node_id), f"{tree.nodes[node_id].name} (itself)", own))
        else:
            off_tree = [m for m in meters if m.kind == "device" and not m.supply
                        and m.id not in tree.device_nodes]
            if off_tree:
                groups.append(("none", "Not on the tree", off_tree))
        parts = [self._amount(group) for _key, _name, group in groups]
        rows = [self._share_row(key, name, *part, total_kwh)
                for (key, name, _group), part in zip(groups, parts, strict=True)]
        return self._with_remainder(rows, parts, total_kwh)

    def _meter_row(self, meter: Meter, total_kwh: float | None, prices) -> MeterRow:
        energy = self._energy(meter)
        cost = None if energy is None else calc.cost_of(meter.quarters.energy, prices)
        base = self._share_row(f"{meter.kind}:{meter.id}", meter.name, energy, cost, total_kwh)
        return MeterRow(**base.model_dump(), kind=meter.kind, id=meter.id, supply=meter.supply,
                        peak_demand_kw=_round(meter.quarters.peak_demand()))

    def _tariff_periods(self, meters: Sequence[Meter], total_kwh: float | None
                        ) -> list[TariffPeriodRow]:
        summed = meter_calc.summed_energy(m.quarters for m in meters
                                          if m.quarters.source is not None)
        return [TariffPeriodRow(name=p.name, energy_kwh=round(p.energy_kwh, 6),
                                cost=_round(p.cost),
                                share=_round(p.energy_kwh / total_kwh if total_kwh else None))
                for p in meter_calc.cost_by_tariff_period(summed, self.energy._prices())]

    def _peaks(self, meters: Sequence[Meter], start_ms: int, end_ms: int
               ) -> list[PeakEventRow]:
        events = meter_calc.peak_events([m.quarters for m in meters], start_ms, end_ms,
                                        count=PEAK_EVENTS)
        return [PeakEventRow(
            start=datetime.fromtimestamp(e.start_ms / 1000, self.zone),
            end=datetime.fromtimestamp((e.start_ms + calc.QUARTER_MS) / 1000, self.zone),
            demand_kw=round(e.demand_kw, 6),
            contributors=[PeakContributor(kind=meters[c.index].kind, id=meters[c.index].id,
                                          name=meters[c.index].name,
                                          demand_kw=round(c.demand_kw, 6))
                          for c in e.contributions[:PEAK_CONTRIBUTORS]])
            for e in events]
