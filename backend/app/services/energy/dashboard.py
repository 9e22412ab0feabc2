"""The factory overview a plant manager opens every morning: device and alert counts, energy
today and this month, current load, today's load curve, top consumers and the newest alerts.

Counts and alerts are read on every request. The energy part (energy today and this month,
current load, load curve, top consumers) sums every device and is the expensive one: it is
renewed at most every ENERGY_FRESH_SECONDS per factory and process, in the background while
the previous figures are served, so it is at most that old plus one renewal. Complete hours
and days come from the aggregate cache, so a renewal reads little more than the current
hour from the time-series store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import session_scope
from app.core.errors import not_found
from app.models.device import STATUS_DISABLED, STATUS_DISCOVERED
from app.models.factory import Factory
from app.models.rule import SEVERITIES
from app.repositories.dashboard_repo import AlertDigestRepository, DeviceCountRepository
from app.repositories.device_repo import DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.schemas.dashboard import (
    DashboardSummary,
    DeviceCounts,
    EnergyAmount,
    EnergyPeriods,
    OpenAlertCounts,
    OpenBySeverity,
    TopConsumer,
)
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.service import EnergyService, counted_devices
from app.services.energy.shared_refresh import (
    ENERGY_FRESH_SECONDS,
    SharedRefresh,
    shared_refresh,
)
from app.services.factories.service import online_threshold_seconds
from app.services.factories.snapshot import factory_snapshot
from app.stores.resources import Resources

TOP_CONSUMERS = 5
LATEST_ALERTS = 5
_MEMO_EXTRAS_KEY = "dashboard_energy"


@dataclass(frozen=True)
class EnergyPart:
    today: EnergyAmount
    month: EnergyAmount
    current_load_kw: float | None
    peak_demand_today_kw: float | None
    load_curve_today: list[tuple[datetime, float]]
    top_consumers: list[TopConsumer]


def shared_energy_refresh(resources: Resources) -> SharedRefresh:
    return shared_refresh(resources, _MEMO_EXTRAS_KEY, ENERGY_FRESH_SECONDS)


def _amount(energy: float | None, cost: float | None, co2_per_kwh: float) -> EnergyAmount:
    return EnergyAmount(energy_kwh=None if energy is None else round(energy, 6),
                        cost=None if cost is None else round(cost, 6),
                        co2_kg=None if energy is None else round(energy * co2_per_kwh, 6))


class DashboardService:
    def __init__(self, session: AsyncSession, resources: Resources, factory_id: int) -> None:
        self.session = session
        self.resources = resources
        self.factory_id = factory_id

    async def summary(self) -> DashboardSummary:
        # The energy part first, before this request's session takes a connection: on a cold
        # start it can take seconds, and every request waiting for it while holding a pooled
        # connection would starve the pool (the computation needs connections itself).
        energy: EnergyPart = await shared_energy_refresh(self.resources).get(
            self.factory_id, lambda: _energy_part(self.resources, self.factory_id))
        factory = await factory_snapshot(self.session, self.factory_id,
                                         self.resources.settings.device_online_seconds)
        online_since = datetime.now(UTC) - timedelta(seconds=factory.online_threshold_seconds)
        counts = await DeviceCountRepository(self.session, self.factory_id
                                             ).by_status_and_recency(online_since)
        alerts = AlertDigestRepository(self.session, self.factory_id)
        open_by_severity = await alerts.open_by_severity()
        latest_alerts = await alerts.newest(LATEST_ALERTS)
        return DashboardSummary(
            timezone=factory.timezone, currency=factory.currency,
            devices=_device_counts(counts),
            alerts=OpenAlertCounts(
                open_total=sum(open_by_severity.values()),
                open_by_severity=OpenBySeverity(
                    **{s: open_by_severity.get(s, 0) for s in SEVERITIES})),
            energy=EnergyPeriods(today=energy.today, month=energy.month),
            current_load_kw=energy.current_load_kw,
            peak_demand_today_kw=energy.peak_demand_today_kw,
            load_curve_today=energy.load_curve_today,
            top_consumers=energy.top_consumers,
            latest_alerts=latest_alerts)


def _device_counts(counts: dict[tuple[str, bool], int]) -> DeviceCounts:
    """Disabled devices count as neither online nor offline: nobody expects them to report."""
    total = sum(counts.values())
    disabled = sum(n for (status, _), n in counts.items() if status == STATUS_DISABLED)
    online = sum(n for (status, recent), n in counts.items()
                 if recent and status != STATUS_DISABLED)
    return DeviceCounts(
        total=total, online=online, offline=total - disabled - online,
        discovered=sum(n for (status, _), n in counts.items() if status == STATUS_DISCOVERED),
        disabled=disabled)


async def _energy_part(resources: Resources, factory_id: int) -> EnergyPart:
    # Its own session: the computation is shared by requests and outlives none of them.
    async with session_scope() as session:
        factory = await FactoryRepository(session).get(factory_id)
        if factory is None:
            raise not_found("factory")
        devices = await DeviceRepository(session, factory_id).list_all()
        service = EnergyService(session, factory, resources.timeseries,
                                aggregate_cache(resources))
        energy_devices = await service.energy_devices(devices)
    figures = await service.today_and_month(energy_devices)
    co2 = service.co2_per_kwh

    # Totals and the current load count the supply meters where there are any; top
    # consumers are the meters below them.
    counted = counted_devices(energy_devices)
    today_energy = today_cost = None
    for device in counted:
        day = figures.today_by_device[device.id]
        if day.energy_kwh is not None:
            today_energy = (today_energy or 0.0) + day.energy_kwh
        if day.cost is not None:
            today_cost = (today_cost or 0.0) + day.cost
    ranked = sorted(((d, figures.today_by_device[d.id]) for d in energy_devices
                     if figures.today_by_device[d.id].energy_kwh is not None
                     and not (d.supply and len(counted) < len(energy_devices))),
                    key=lambda pair: (-(pair[1].energy_kwh or 0.0), pair[0].name, pair[0].id))
    curve = [(datetime.fromtimestamp(ms / 1000, UTC), round(kw, 6))
             for ms, kw in figures.load_curve]
    return EnergyPart(
        today=_amount(today_energy, today_cost, co2),
        month=_amount(figures.month_energy_kwh, figures.month_cost, co2),
        current_load_kw=await _current_load(resources, factory, counted),
        peak_demand_today_kw=max((kw for _, kw in curve), default=None),
        load_curve_today=curve,
        top_consumers=[TopConsumer(device_id=d.id, name=d.name,
                                   energy_kwh=round(day.energy_kwh or 0.0, 6),
                                   cost=None if day.cost is None else round(day.cost, 6))
                       for d, day in ranked[:TOP_CONSUMERS]],
    )


async def _current_load(resources: Resources, factory: Factory, devices) -> float | None:
    """Sum of the latest active power of devices whose value is recent enough to trust."""
    with_power = [d for d in devices if d.power_key]
    if not with_power:
        return None
    threshold = online_threshold_seconds(factory, resources.settings.device_online_seconds)
    fresh_since = datetime.now(UTC) - timedelta(seconds=threshold)
    latest = await resources.latest.get_many(factory.id, [d.id for d in with_power])
    total = None
    for device in with_power:
        value = latest.get(device.id, {}).get(device.power_key)
        if value is not None and value.ts >= fresh_since:
            total = (total or 0.0) + value.value
    return None if total is None else round(total, 6)
