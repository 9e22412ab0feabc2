"""Everything a report shows, gathered once for both renderers (PDF and Excel). Energy
figures come from the EnergyService, bucket by bucket, exactly as the energy API answers:
a report never computes energy its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.asset import AssetNode
from app.models.device import Device
from app.models.factory import Factory
from app.repositories.asset_repo import AssetNodeRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.report_repo import ReportAlertRepository
from app.schemas.energy import EnergyBucket, EnergyFigures
from app.schemas.shift import ShiftReport
from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.assets import load_tree
from app.services.energy.service import EnergyService
from app.services.energy.shifts import ShiftService

KIND_TITLES = {"energy_summary": "Energy summary report",
               "device_detail": "Device detail report",
               "alerts": "Alerts report",
               "shift_report": "Shift report"}
ALERTS_MAX = 5000


@dataclass
class DeviceFigures:
    id: int
    name: str
    source: str | None
    totals: EnergyFigures                        # the device endpoint's totals
    share: float | None
    days: list[EnergyBucket]                     # the device endpoint's day buckets
    hours: list[EnergyBucket] = field(default_factory=list)


@dataclass
class ReportData:
    kind: str
    factory: Factory
    zone: ZoneInfo
    currency: str
    start: datetime
    end: datetime
    generated_at: datetime
    totals: EnergyFigures                        # the group's (coincident peak, summed energy)
    days: list[EnergyBucket]                     # the group's day buckets
    hours: list[EnergyBucket]                    # the group's hour buckets, when asked
    devices: list[DeviceFigures]
    alerts: list[dict[str, Any]]
    alerts_total: int
    scope_name: str | None = None                # the node a report is scoped to
    shifts: ShiftReport | None = None            # what GET /energy/shifts answers

    @property
    def title(self) -> str:
        return KIND_TITLES.get(self.kind, "Report")

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.zone)

    @property
    def period_label(self) -> str:
        start, end = self.local_start, self.local_end
        if start.time() == end.time() == datetime.min.time():
            # Whole local days: name the last day, not the exclusive midnight after it.
            last = (end - timedelta(days=1)).date()
            days = f"{start:%d %b %Y}" if last == start.date() \
                else f"{start:%d %b %Y} – {last:%d %b %Y}"
            return f"{days} ({self.zone.key})"
        return f"{start:%d %b %Y %H:%M} – {end:%d %b %Y %H:%M} ({self.zone.key})"

    @property
    def measured_devices(self) -> list[DeviceFigures]:
        """Devices with something to show: an energy source or energy in the period."""
        return [d for d in self.devices if d.source is not None]


async def gather(session: AsyncSession, energy: EnergyService, *, kind: str, start: datetime,
                 end: datetime, device_ids: list[int] | None, hourly: bool = False,
                 device_hours: bool = False, progress=None, node_id: int | None = None,
                 analysis: EnergyAnalysisService | None = None,
                 shifts: ShiftService | None = None) -> ReportData:
    """`hourly`: the chosen devices' figures per local hour (the energy API's
    `bucket=hour`); `device_hours`: each device's own hours too. With `node_id` the devices
    are the node's subtree and the totals the node's (`GET /assets/nodes/{id}/energy`)."""
    factory = energy.factory
    repo = DeviceRepository(session, factory.id)
    node = None
    if node_id is not None:
        tree = await load_tree(session, factory.id)
        if node_id not in tree.nodes:
            raise LookupError("the report's node no longer exists")
        node = tree.nodes[node_id]
        scope_name = tree.label(node_id)
        device_ids = tree.devices_under(node_id)
    if device_ids is None:
        devices = await repo.list_all()
    else:
        found = {d.id: d for d in await repo.get_many(device_ids)}
        devices = [found[i] for i in device_ids if i in found]
    group = await energy.group_energy(devices, start, end, "day")
    shares = {row.device_id: row.share for row in group.devices}
    totals, days = group.totals, group.buckets
    hours = (await energy.group_energy(devices, start, end, "hour")).buckets if hourly else []
    if node is not None and analysis is not None:
        # A node counts its virtual meters too: its own figures replace the devices' sum.
        node_model = await _node_model(session, factory.id, node_id)
        node_days = await analysis.node_energy(node_model, start, end, "day")
        totals, days = node_days.totals, node_days.buckets
        if hourly:
            hours = (await analysis.node_energy(node_model, start, end, "hour")).buckets
    figures: list[DeviceFigures] = []
    for n, device in enumerate(devices):
        daily = await energy.device_energy(device, start, end, "day")
        item = DeviceFigures(id=device.id, name=device.name, source=daily.source,
                             totals=daily.totals, share=shares.get(device.id),
                             days=daily.buckets)
        if device_hours and item.source is not None:
            item.hours = (await energy.device_energy(device, start, end, "hour")).buckets
        figures.append(item)
        if progress is not None:
            await progress(10 + int(50 * (n + 1) / max(1, len(devices))))
    alerts, alerts_total = await _alerts(session, factory, devices, start, end,
                                         None if device_ids is None else device_ids,
                                         energy.zone)
    shift_figures = None
    if kind == "shift_report" and shifts is not None:
        local_end = end.astimezone(energy.zone) - timedelta(microseconds=1)
        shift_figures = await shifts.report(start.astimezone(energy.zone).date(),
                                            local_end.date(), node_id)
    return ReportData(kind=kind, factory=factory, zone=energy.zone, currency=factory.currency,
                      start=start, end=end, generated_at=datetime.now(UTC),
                      totals=totals, days=days, hours=hours,
                      devices=figures,
                      alerts=alerts, alerts_total=alerts_total,
                      scope_name=scope_name if node is not None else None,
                      shifts=shift_figures)


async def _node_model(session: AsyncSession, factory_id: int, node_id: int) -> AssetNode:
    node = await AssetNodeRepository(session, factory_id).get(node_id)
    if node is None:
        raise LookupError("the report's node no longer exists")
    return node


async def _alerts(session: AsyncSession, factory: Factory, devices: list[Device],
                  start: datetime, end: datetime, device_ids: list[int] | None,
                  zone: ZoneInfo) -> tuple[list[dict[str, Any]], int]:
    rows, total = await ReportAlertRepository(session, factory.id).raised_between(
        start, end, device_ids, ALERTS_MAX)
    names = {d.id: d.name for d in devices}
    missing = {a.device_id for a in rows if a.device_id and a.device_id not in names}
    if missing:
        names.update({d.id: d.name for d in await DeviceRepository(session, factory.id)
                      .get_many(sorted(missing))})
    return [{"severity": a.severity, "device": names.get(a.device_id or 0, "—"),
             "title": a.title, "triggered_at": a.triggered_at.astimezone(zone),
             "status": a.status, "resolved_at": a.resolved_at.astimezone(zone)
             if a.resolved_at else None} for a in rows], total
