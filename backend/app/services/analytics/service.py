"""Analytics jobs as the API sees them: requests checked against the factory's devices and
parameters, then handed to the analytics queue. The work itself is `analytics_runner`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.errors import ValidationFailed
from app.core.task_queue import QUEUE_ANALYTICS, RUN_ANALYTICS_JOB
from app.models.analytics_job import AnalyticsJob
from app.models.device import Device
from app.repositories.analytics_repo import AnalyticsJobRepository
from app.repositories.device_repo import DeviceParameterRepository
from app.schemas.analytics import AnalyticsJobRead, AnomalyJobCreate, ForecastJobCreate
from app.services.analytics.anomaly_detection import resolution_seconds
from app.services.devices.chosen import chosen_devices
from app.services.energy import calculator as calc
from app.services.energy.forecast import MIN_DAYS
from app.services.jobs.service import JobService

ANOMALY_MIN_RANGE = timedelta(hours=1)
ANOMALY_MAX_RANGE = timedelta(days=90)
# Moments per series: at 1 minute, about a month; 20 devices x 10 parameters of it still
# fit a worker comfortably.
ANOMALY_MAX_POINTS = 50_000
# Hourly energy comes from the energy service in at most 2000 buckets per request.
FORECAST_MAX_RANGE = {"hourly": timedelta(days=80), "daily": timedelta(days=400)}
ENERGY_ROLES = (calc.SOURCE_COUNTER, calc.SOURCE_POWER)


class AnalyticsService(JobService[AnalyticsJob, AnalyticsJobRead]):
    repository_class = AnalyticsJobRepository
    read_model = AnalyticsJobRead
    entity = "job"
    task = RUN_ANALYTICS_JOB
    queue = QUEUE_ANALYTICS

    async def create(self, body: AnomalyJobCreate | ForecastJobCreate) -> AnalyticsJobRead:
        span = body.end - body.start
        if span <= timedelta(0):
            raise ValidationFailed("end must be after start.", code="INVALID_RANGE")
        if body.start >= datetime.now(UTC):
            raise ValidationFailed("start must be in the past: analytics read recorded data.",
                                   code="INVALID_RANGE")
        devices = await chosen_devices(self.session, self.factory_id, body.device_ids)
        if isinstance(body, AnomalyJobCreate):
            self._check_anomaly_range(body, span)
            await self._check_parameters(devices, body.parameters)
        else:
            self._check_forecast_range(body, span)
            await self._check_energy_roles(devices)
        request = body.model_dump(mode="json")
        request["device_ids"] = [d.id for d in devices]
        return await self.submit(AnalyticsJob(kind=body.kind, parameters=request))

    @staticmethod
    def _check_anomaly_range(body: AnomalyJobCreate, span: timedelta) -> None:
        if span < ANOMALY_MIN_RANGE:
            raise ValidationFailed("The range must cover at least one hour.",
                                   code="RANGE_TOO_SHORT")
        if span > ANOMALY_MAX_RANGE:
            raise ValidationFailed(f"The range may cover at most {ANOMALY_MAX_RANGE.days} "
                                   "days.", code="RANGE_TOO_LONG")
        step = resolution_seconds(body.options.resolution, span.total_seconds())
        if span.total_seconds() / step > ANOMALY_MAX_POINTS:
            raise ValidationFailed(
                f"A resolution of {body.options.resolution} gives more than "
                f"{ANOMALY_MAX_POINTS} points over this range: choose a coarser one or auto.",
                code="RESOLUTION_TOO_FINE")

    @staticmethod
    def _check_forecast_range(body: ForecastJobCreate, span: timedelta) -> None:
        granularity = body.options.granularity
        needed = MIN_DAYS[granularity]
        article = "An" if granularity == "hourly" else "A"
        if span < timedelta(days=needed):
            raise ValidationFailed(f"{article} {granularity} forecast needs a range of at least "
                                   f"{needed} days of history.", code="RANGE_TOO_SHORT")
        longest = FORECAST_MAX_RANGE[granularity]
        if span > longest:
            raise ValidationFailed(f"{article} {granularity} forecast reads at most {longest.days} "
                                   "days of history.", code="RANGE_TOO_LONG")

    async def _check_parameters(self, devices: list[Device], keys: list[str]) -> None:
        known: set[str] = set()
        parameters = DeviceParameterRepository(self.session, self.factory_id)
        for device in devices:
            known.update(p.parameter_key for p in await parameters.all_for_device(device.id))
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise ValidationFailed(
                f"Unknown parameter{'s' if len(unknown) > 1 else ''} on the chosen devices: "
                f"{', '.join(unknown)}.", code="UNKNOWN_PARAMETERS",
                details={"parameters": unknown})

    async def _check_energy_roles(self, devices: list[Device]) -> None:
        rows = await DeviceParameterRepository(self.session, self.factory_id).with_roles(
            ENERGY_ROLES, [d.id for d in devices])
        measured = {device_id for device_id, _role, _key in rows}
        without = [d.id for d in devices if d.id not in measured]
        if without:
            raise ValidationFailed(
                "A forecast needs energy: give each device a parameter with the "
                "energy_counter or active_power role first.", code="NO_ENERGY_PARAMETERS",
                details={"device_ids": without})
