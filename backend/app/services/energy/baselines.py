"""Energy baselines per asset node (ISO 50006): the node's energy per local day (or hour)
regressed on its production, and optionally on a temperature parameter's mean, over a
baseline period; then, for any later period, the energy that model expects for what was
produced, the savings (expected minus actual) and the CUSUM of actual minus expected.

The node's energy is what the Energy page shows for it (its devices and virtual meters and
everything below), its production what the production table shows. A period without energy
data, production or temperature is left out of the fit and of the tracking, and counted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import ValidationFailed, not_found
from app.core.logging import get_logger
from app.core.time_range import MAX_RANGE
from app.models.factory import Factory
from app.models.production import EnergyBaseline
from app.repositories.device_repo import DeviceParameterRepository
from app.repositories.production_repo import BaselineRepository
from app.schemas.production import (
    BaselineCreate,
    BaselineModel,
    BaselinePerformance,
    BaselineRead,
    PerformanceRow,
    PerformanceTotals,
    TemperatureVariable,
)
from app.services.audit.service import AuditService
from app.services.energy import calculator as calc
from app.services.energy import performance as perf
from app.services.energy.aggregate_cache import AggregateCache
from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.assets import load_tree
from app.services.energy.meters import summed_energy
from app.services.energy.production import ProductionService, Window, day_windows
from app.stores.timeseries.base import TimeSeriesStore, from_epoch_ms, to_epoch_ms

log = get_logger(__name__)
MAX_HOURLY_DAYS = 92


@dataclass(frozen=True)
class PeriodData:
    window: Window
    energy_kwh: float | None
    production: float | None
    temperature: float | None


def formula(model: perf.Model) -> str:
    text = f"E = {model.intercept:.4g}"
    for name, coefficient in model.coefficients.items():
        sign = "−" if coefficient < 0 else "+"
        text += f" {sign} {abs(coefficient):.4g} × {name}"
    return text


class BaselineService:
    def __init__(self, session: AsyncSession, factory: Factory, timeseries: TimeSeriesStore,
                 cache: AggregateCache | None = None, *, actor_id: int | None = None,
                 client_ip: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.session = session
        self.factory = factory
        self.timeseries = timeseries
        self.actor_id = actor_id
        self.client_ip = client_ip
        self.clock = clock or (lambda: datetime.now(UTC))
        self.analysis = EnergyAnalysisService(session, factory, timeseries, cache, clock)
        self.production = ProductionService(session, factory, timeseries, cache, clock=clock)
        self.zone = self.analysis.zone
        self.baselines = BaselineRepository(session, factory.id)
        self.parameters = DeviceParameterRepository(session, factory.id)
        self.audit = AuditService(session, factory.id)

    # -- records ---------------------------------------------------------------------------
    async def load(self, baseline_id: int) -> EnergyBaseline:
        baseline = await self.baselines.get(baseline_id)
        if baseline is None:
            raise not_found("baseline")
        return baseline

    async def list(self, node_id: int | None = None) -> list[BaselineRead]:
        return [view(b) for b in await self.baselines.list_all(node_id)]

    async def read(self, baseline: EnergyBaseline) -> BaselineRead:
        return view(baseline)

    async def create(self, body: BaselineCreate) -> BaselineRead:
        tree = await load_tree(self.session, self.factory.id)
        if body.node_id not in tree.nodes:
            raise ValidationFailed("The node does not exist.", code="UNKNOWN_NODE",
                                   details={"node_id": body.node_id})
        self._check_period(body.period_start, body.period_end, body.granularity)
        if body.temperature is not None:
            await self._check_temperature(body.temperature)
        now = datetime.now(UTC)
        baseline = self.baselines.add(EnergyBaseline(
            node_id=body.node_id, name=body.name, period_start=body.period_start,
            period_end=body.period_end, granularity=body.granularity,
            temperature_device_id=body.temperature.device_id if body.temperature else None,
            temperature_parameter=body.temperature.parameter_key if body.temperature else None,
            created_by=self.actor_id, created_at=now, updated_at=now))
        await self._fit(baseline)
        await self.session.flush()
        self.audit.record(self.actor_id, "baseline.created", "baseline", baseline.id,
                          {"node_id": baseline.node_id, "model": baseline.model},
                          self.client_ip)
        await self.session.commit()
        return view(baseline)

    async def refit(self, baseline: EnergyBaseline) -> BaselineRead:
        await self._fit(baseline)
        await self.session.commit()
        return view(baseline)

    async def delete(self, baseline: EnergyBaseline) -> None:
        await self.baselines.delete(baseline)
        self.audit.record(self.actor_id, "baseline.deleted", "baseline", baseline.id,
                          {"name": baseline.name}, self.client_ip)
        await self.session.commit()

    async def ensure_fitted(self, baseline: EnergyBaseline) -> None:
        """A baseline whose period had no data yet when it was recorded is fitted on first
        use; one that still cannot be fitted stays unfitted."""
        if baseline.model is not None:
            return
        try:
            await self._fit(baseline)
        except ValidationFailed:
            return
        await self.session.commit()

    def _check_period(self, first: date, last: date, granularity: str) -> None:
        days = (last - first).days + 1
        limit = MAX_HOURLY_DAYS if granularity == "hour" else MAX_RANGE.days
        if days > limit:
            raise ValidationFailed(f"A {granularity}ly baseline covers at most {limit} days.",
                                   code="INVALID_RANGE")
        today = datetime.fromtimestamp(to_epoch_ms(self.clock()) / 1000, self.zone).date()
        if first > today:
            raise ValidationFailed("The baseline period must have started.",
                                   code="INVALID_RANGE")

    async def _check_temperature(self, variable: TemperatureVariable) -> None:
        parameters = await self.parameters.all_for_device(variable.device_id)
        if not any(p.parameter_key == variable.parameter_key for p in parameters):
            raise ValidationFailed("That device has no such parameter.",
                                   code="UNKNOWN_PARAMETER",
                                   details={"device_id": variable.device_id,
                                            "parameter_key": variable.parameter_key})

    async def _fit(self, baseline: EnergyBaseline) -> None:
        periods = await self.periods(baseline, baseline.period_start, baseline.period_end)
        names = variable_names(baseline)
        observations = [observation(p) for p in periods if complete(p, names)]
        try:
            model = perf.fit(observations, names)
        except perf.NotEnoughData as exc:
            raise ValidationFailed(f"The baseline period cannot be fitted: {exc}",
                                   code="NOT_ENOUGH_DATA",
                                   details={"periods_with_data": len(observations)}) from exc
        baseline.model = model.as_dict()
        baseline.fitted_at = datetime.now(UTC)
        baseline.updated_at = baseline.fitted_at
        log.info("baseline.fitted", baseline_id=baseline.id, r2=model.r2, points=model.points)

    # -- performance -----------------------------------------------------------------------
    async def performance(self, baseline: EnergyBaseline, first: date | None,
                          last: date | None) -> BaselinePerformance:
        await self.ensure_fitted(baseline)
        if baseline.model is None:
            raise ValidationFailed("The baseline has no model yet: its period holds too "
                                   "little data.", code="BASELINE_NOT_FITTED")
        model = perf.Model.from_dict(baseline.model)
        today = datetime.fromtimestamp(to_epoch_ms(self.clock()) / 1000, self.zone).date()
        last = last or today
        first = first or min(baseline.period_end + timedelta(days=1), last)
        if last < first:
            raise ValidationFailed("end must not be before start.", code="INVALID_RANGE")
        self._check_period(first, last, baseline.granularity)
        periods = await self.periods(baseline, first, last)
        names = variable_names(baseline)
        usable = [p for p in periods if complete(p, names)]
        tracked = perf.track(model, [observation(p) for p in usable])
        rows = [PerformanceRow(
            start=datetime.fromtimestamp(p.window.start_ms / 1000, self.zone),
            end=datetime.fromtimestamp(p.window.end_ms / 1000, self.zone),
            actual_kwh=round(t.actual_kwh, 6), production=p.production or 0.0,
            temperature=p.temperature, expected_kwh=round(t.expected_kwh, 6),
            savings_kwh=round(t.savings_kwh, 6), cusum_kwh=round(t.cusum_kwh, 6),
            enpi=_round(perf.enpi(t.actual_kwh, p.production)),
            expected_enpi=_round(perf.enpi(t.expected_kwh, p.production)))
            for p, t in zip(usable, tracked, strict=True)]
        actual = sum(t.actual_kwh for t in tracked)
        expected = sum(t.expected_kwh for t in tracked)
        produced = sum(p.production or 0.0 for p in usable)
        totals = PerformanceTotals(
            actual_kwh=round(actual, 6), expected_kwh=round(expected, 6),
            savings_kwh=round(expected - actual, 6),
            savings_pct=_round((expected - actual) / expected if expected else None),
            production=round(produced, 6), enpi=_round(perf.enpi(actual, produced)),
            expected_enpi=_round(perf.enpi(expected, produced)))
        return BaselinePerformance(baseline=view(baseline), timezone=self.zone.key,
                                   start=first, end=last, rows=rows, totals=totals,
                                   skipped=len(periods) - len(usable))

    async def periods(self, baseline: EnergyBaseline, first: date, last: date
                      ) -> list[PeriodData]:
        """Energy, production and temperature of the node per period of local days
        [first, last]; periods that have not ended are left out."""
        windows = day_windows(first, last, self.zone)
        if baseline.granularity == "hour":
            windows = [Window(s, e, datetime.fromtimestamp(s / 1000, self.zone).date(), False)
                       for day in windows
                       for s, e in calc.local_buckets(day.start_ms, day.end_ms, self.zone,
                                                      "hour")]
        now_ms = to_epoch_ms(self.clock())
        windows = [w for w in windows if w.end_ms <= now_ms]
        if not windows:
            return []
        tree = await load_tree(self.session, self.factory.id)
        devices, specs = await self.analysis.members(tree, baseline.node_id)
        meters = await self.analysis.measure(devices, specs, windows[0].start_ms,
                                             windows[-1].end_ms)
        counted = self.analysis.counted(meters, by_node=True)
        energy = summed_energy(m.quarters for m in counted if m.quarters.source is not None)
        production = await self.production.production(tree, baseline.node_id, windows)
        temperatures = await self._temperatures(baseline, windows)
        result = []
        for window, produced, temperature in zip(windows, production, temperatures,
                                                 strict=True):
            inside = [kwh for q, kwh in energy.items() if window.start_ms <= q < window.end_ms]
            result.append(PeriodData(window, sum(inside) if inside else None, produced,
                                     temperature))
        return result

    async def _temperatures(self, baseline: EnergyBaseline, windows: Sequence[Window]
                            ) -> list[float | None]:
        if baseline.temperature_device_id is None or not baseline.temperature_parameter:
            return [None] * len(windows)
        key = (baseline.temperature_device_id, baseline.temperature_parameter)
        found = await self.timeseries.aggregate(
            self.factory.id, [key], from_epoch_ms(windows[0].start_ms),
            from_epoch_ms(windows[-1].end_ms), calc.QUARTER_MS // 1000, "mean")
        points = [(to_epoch_ms(ts), value) for ts, value in found.get(key, [])]
        result = []
        for window in windows:
            inside = [v for ms, v in points if window.start_ms <= ms < window.end_ms]
            result.append(sum(inside) / len(inside) if inside else None)
        return result


def variable_names(baseline: EnergyBaseline) -> list[str]:
    names = [perf.PRODUCTION]
    if baseline.temperature_device_id is not None and baseline.temperature_parameter:
        names.append(perf.TEMPERATURE)
    return names


def complete(period: PeriodData, names: Sequence[str]) -> bool:
    if period.energy_kwh is None or period.production is None:
        return False
    return perf.TEMPERATURE not in names or period.temperature is not None


def observation(period: PeriodData) -> perf.Observation:
    variables = {perf.PRODUCTION: period.production or 0.0}
    if period.temperature is not None:
        variables[perf.TEMPERATURE] = period.temperature
    return perf.Observation(period.energy_kwh or 0.0, variables)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def view(baseline: EnergyBaseline) -> BaselineRead:
    model = perf.Model.from_dict(baseline.model) if baseline.model else None
    temperature = None
    if baseline.temperature_device_id is not None and baseline.temperature_parameter:
        temperature = TemperatureVariable(device_id=baseline.temperature_device_id,
                                          parameter_key=baseline.temperature_parameter)
    return BaselineRead(
        id=baseline.id, node_id=baseline.node_id, name=baseline.name,
        period_start=baseline.period_start, period_end=baseline.period_end,
        granularity=baseline.granularity, temperature=temperature,
        model=BaselineModel(**model.as_dict()) if model else None,
        formula=formula(model) if model else None, fitted_at=baseline.fitted_at,
        created_at=baseline.created_at)
