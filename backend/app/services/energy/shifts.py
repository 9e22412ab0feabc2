"""The factory's shift calendar, and energy, cost, peak demand, production and EnPI per shift
for a factory or an asset node. A shift's figures are the calculator's figures over the
quarters of its occurrence, exactly as the Energy page computes any range."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, ValidationFailed, not_found
from app.models.factory import Factory
from app.models.shift import Shift
from app.repositories.shift_repo import ShiftRepository
from app.schemas.energy import Scope
from app.schemas.shift import (
    ShiftCreate,
    ShiftOccurrence,
    ShiftRead,
    ShiftReport,
    ShiftTotals,
    ShiftUpdate,
)
from app.services.audit.service import AuditService
from app.services.energy import calculator as calc
from app.services.energy import performance as perf
from app.services.energy.aggregate_cache import AggregateCache
from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.assets import load_tree
from app.services.energy.production import ProductionService, Window
from app.services.energy.shift_calendar import ShiftSpec, occurrences, overlapping
from app.stores.timeseries.base import TimeSeriesStore, to_epoch_ms

MAX_SHIFTS = 12
MAX_REPORT_DAYS = 62


def spec(shift: Shift) -> ShiftSpec:
    return ShiftSpec(shift.id, shift.name, shift.start_time, shift.end_time,
                     tuple(shift.days or ()))


def shift_view(shift: Shift) -> ShiftRead:
    s = spec(shift)
    return ShiftRead(id=shift.id, name=shift.name, start=shift.start_time, end=shift.end_time,
                     days=sorted(shift.days or []), hours=s.minutes / 60,
                     crosses_midnight=s.crosses_midnight)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


class ShiftService:
    def __init__(self, session: AsyncSession, factory: Factory,
                 timeseries: TimeSeriesStore | None = None, cache: AggregateCache | None = None,
                 *, actor_id: int | None = None, client_ip: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.session = session
        self.factory = factory
        self.timeseries = timeseries
        self.cache = cache
        self.clock = clock
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.shifts = ShiftRepository(session, factory.id)
        self.audit = AuditService(session, factory.id)

    # -- the calendar ----------------------------------------------------------------------
    async def load(self, shift_id: int) -> Shift:
        shift = await self.shifts.get(shift_id)
        if shift is None:
            raise not_found("shift")
        return shift

    async def list(self) -> list[ShiftRead]:
        return [shift_view(s) for s in await self.shifts.list_all()]

    async def create(self, body: ShiftCreate) -> ShiftRead:
        existing = await self.shifts.list_all()
        if len(existing) >= MAX_SHIFTS:
            raise ValidationFailed(f"A calendar holds at most {MAX_SHIFTS} shifts.",
                                   code="TOO_MANY_SHIFTS")
        now = datetime.now(UTC)
        shift = Shift(name=body.name, start_time=body.start, end_time=body.end,
                      days=sorted(body.days), position=len(existing), created_at=now,
                      updated_at=now)
        self._check(existing, shift)
        self.shifts.add(shift)
        await self.session.flush()
        self.audit.record(self.actor_id, "shift.created", "shift", shift.id,
                          {"name": shift.name}, self.client_ip)
        await self.session.commit()
        return shift_view(shift)

    async def update(self, shift: Shift, body: ShiftUpdate) -> ShiftRead:
        changes = body.model_dump(exclude_unset=True)
        for field, column in (("name", "name"), ("start", "start_time"), ("end", "end_time")):
            if field in changes:
                setattr(shift, column, changes[field])
        if "days" in changes:
            shift.days = sorted(changes["days"])
        self._check([s for s in await self.shifts.list_all() if s.id != shift.id], shift)
        shift.updated_at = datetime.now(UTC)
        self.audit.record(self.actor_id, "shift.updated", "shift", shift.id,
                          {"fields": sorted(changes)}, self.client_ip)
        await self.session.commit()
        return shift_view(shift)

    async def delete(self, shift: Shift) -> None:
        await self.shifts.delete(shift)
        self.audit.record(self.actor_id, "shift.deleted", "shift", shift.id,
                          {"name": shift.name}, self.client_ip)
        await self.session.commit()

    @staticmethod
    def _check(others: Sequence[Shift], shift: Shift) -> None:
        if any(o.name.casefold() == shift.name.casefold() for o in others):
            raise Conflict(f"There is already a shift called {shift.name!r}.",
                           code="SHIFT_NAME_TAKEN")
        clash = overlapping([spec(shift), *(spec(o) for o in others)])
        if clash is not None:
            first, second = clash
            raise Conflict(f"{first.name} and {second.name} would work at the same time: a "
                           "quarter hour belongs to one shift.", code="SHIFT_OVERLAP",
                           details={"shifts": [first.name, second.name]})

    # -- figures ---------------------------------------------------------------------------
    async def report(self, first: date, last: date, node_id: int | None = None
                     ) -> ShiftReport:
        if last < first or (last - first).days >= MAX_REPORT_DAYS:
            raise ValidationFailed(f"Choose between 1 and {MAX_REPORT_DAYS} days.",
                                   code="INVALID_RANGE")
        if self.timeseries is None:
            raise RuntimeError("shift figures need the time-series store")
        analysis = EnergyAnalysisService(self.session, self.factory, self.timeseries,
                                         self.cache, self.clock)
        production = ProductionService(self.session, self.factory, self.timeseries,
                                       self.cache, clock=self.clock)
        zone = analysis.zone
        tree = await load_tree(self.session, self.factory.id)
        devices, specs = await analysis.members(tree, node_id)
        shifts = [spec(s) for s in await self.shifts.list_all()]
        found = occurrences(shifts, first, last, zone)
        day_start = calc.day_start(first, zone)
        day_end = calc.next_bucket(calc.day_start(last, zone), zone, "day")
        start_ms = min([day_start, *(o.start_ms for o in found)])
        end_ms = max([day_end, *(o.end_ms for o in found)])
        meters = await analysis.measure(devices, specs, start_ms, end_ms)
        counted = [m.quarters for m in analysis.counted(meters, by_node=node_id is not None)]
        produced = await production.production(
            tree, node_id, [Window(o.start_ms, o.end_ms, o.day, False) for o in found])
        prices = calc.QuarterPrices(analysis.energy.tariff, zone)
        co2 = analysis.energy.co2_per_kwh
        now_ms = to_epoch_ms(self.clock()) if self.clock else to_epoch_ms(datetime.now(UTC))

        def figures_of(quarters: Sequence[calc.DeviceQuarters], s: int, e: int) -> calc.Figures:
            return calc.figures(quarters, s, e, prices=prices, co2_per_kwh=co2,
                                thresholds_kw=[0.0] * len(quarters), now_ms=now_ms)

        rows = []
        for occurrence, units in zip(found, produced, strict=True):
            f = figures_of(counted, occurrence.start_ms, occurrence.end_ms)
            rows.append(ShiftOccurrence(
                shift_id=occurrence.shift_id, name=occurrence.name, day=occurrence.day,
                start=datetime.fromtimestamp(occurrence.start_ms / 1000, zone),
                end=datetime.fromtimestamp(occurrence.end_ms / 1000, zone),
                energy_kwh=_round(f.energy_kwh), cost=_round(f.cost), co2_kg=_round(f.co2_kg),
                peak_demand_kw=_round(f.peak_demand_kw), production=_round(units),
                enpi=_round(perf.enpi(f.energy_kwh, units))))
        totals = [self._totals(s.id, s.name, [r for r in rows if r.shift_id == s.id])
                  for s in shifts]
        # The time of [first, last] no shift covers: breaks, weekends, nights without a shift.
        covered = {q for o in found for q in calc.quarters(o.start_ms, o.end_ms)}
        outside = [replace(q, energy={k: v for k, v in q.energy.items() if k not in covered},
                           demand={k: v for k, v in q.demand.items() if k not in covered})
                   for q in counted]
        f = figures_of(outside, day_start, day_end)
        totals.append(ShiftTotals(shift_id=None, name="Outside shifts", occurrences=0,
                                  energy_kwh=_round(f.energy_kwh), cost=_round(f.cost),
                                  co2_kg=_round(f.co2_kg),
                                  peak_demand_kw=_round(f.peak_demand_kw), production=None,
                                  enpi=None))
        scope = Scope(kind="node" if node_id else "factory", node_id=node_id,
                      name=tree.label(node_id) if node_id else self.factory.name)
        return ShiftReport(timezone=zone.key, currency=self.factory.currency, scope=scope,
                           start=first, end=last, shifts=totals, occurrences=rows)

    @staticmethod
    def _totals(shift_id: int, name: str, rows: Sequence[ShiftOccurrence]) -> ShiftTotals:
        def total(field: str) -> float | None:
            values = [getattr(r, field) for r in rows]
            present = [v for v in values if v is not None]
            return sum(present) if present else None

        energy = total("energy_kwh")
        # Production is known only when every occurrence's is.
        units = (None if any(r.production is None for r in rows) or not rows
                 else sum(r.production for r in rows))  # type: ignore[misc]
        peaks = [r.peak_demand_kw for r in rows if r.peak_demand_kw is not None]
        return ShiftTotals(shift_id=shift_id, name=name, occurrences=len(rows),
                           energy_kwh=_round(energy), cost=_round(total("cost")),
                           co2_kg=_round(total("co2_kg")),
                           peak_demand_kw=max(peaks) if peaks else None,
                           production=_round(units), enpi=_round(perf.enpi(energy, units)))
