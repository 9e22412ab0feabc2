"""The work of an analytics job, run by the analytics worker: read the series, detect
anomalies or forecast energy, draw the chart, write the CSV, store both and summarise.
Model fits and drawing run in threads so that the worker's event loop keeps beating."""

from __future__ import annotations

import asyncio
import io
import math
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from app.core.database import session_scope
from app.core.safe_text import spreadsheet_text
from app.models.analytics_job import AnalyticsJob
from app.models.device import Device
from app.models.factory import Factory
from app.repositories.analytics_repo import AnalyticsJobRepository
from app.repositories.device_repo import DeviceParameterRepository, DeviceRepository
from app.repositories.factory_repo import FactoryRepository
from app.services.analytics import anomaly_detection
from app.services.energy import forecast as energy_forecast
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.service import EnergyService
from app.services.jobs.runner import JobFailed, JobOutput, JobRun, StoredFile, execute
from app.services.reports import charts as chart_rendering
from app.stores.objects import factory_key
from app.stores.resources import Resources

WINDOW_POINTS = 9_000


async def run_analytics_job(resources: Resources, factory_id: int, job_id: int
                            ) -> float | None:
    """One attempt; the seconds after which to retry, or None."""
    run = JobRun(AnalyticsJobRepository, factory_id, job_id, resources.settings,
                 resources.objects)
    return await execute(run, partial(_work, resources))


async def _work(resources: Resources, job: AnalyticsJob, run: JobRun) -> JobOutput:
    request = job.parameters or {}
    start = datetime.fromisoformat(request["start"]).astimezone(UTC)
    end = datetime.fromisoformat(request["end"]).astimezone(UTC)
    # Short sessions: a connection is not held through minutes of model fitting.
    async with session_scope() as session:
        factory = await FactoryRepository(session).get(job.factory_id)
        devices = await DeviceRepository(session, job.factory_id).get_many(
            request["device_ids"])
        keys = await _parameter_keys(session, job.factory_id, devices)
    if factory is None:
        raise JobFailed("The factory no longer exists.")
    if not devices:
        raise JobFailed("None of the chosen devices exists any more.")
    devices.sort(key=lambda d: request["device_ids"].index(d.id))
    if job.kind == "anomaly":
        return await _anomaly(resources, job, run, factory, devices, keys, start, end)
    if job.kind == "forecast":
        return await _forecast(resources, job, run, factory, devices, start, end)
    raise JobFailed(f"Unknown analytics kind {job.kind!r}.")


async def _parameter_keys(session, factory_id: int, devices: list[Device]
                          ) -> dict[int, set[str]]:
    parameters = DeviceParameterRepository(session, factory_id)
    return {d.id: {p.parameter_key for p in await parameters.all_for_device(d.id)}
            for d in devices}


def _labels(devices: list[Device], keys: list[str]) -> dict[tuple[int, str], str]:
    names = [d.name for d in devices]
    labels = {}
    for device in devices:
        name = device.name if names.count(device.name) == 1 else f"{device.name} #{device.id}"
        for key in keys:
            labels[(device.id, key)] = f"{name} · {key}" if len(keys) > 1 or len(devices) > 1 \
                else key
    return labels


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def _anomaly(resources: Resources, job: AnalyticsJob, run: JobRun, factory: Factory,
                   devices: list[Device], known: dict[int, set[str]], start: datetime,
                   end: datetime) -> JobOutput:
    request = job.parameters
    options = request.get("options") or {}
    contamination = float(options.get("contamination", 0.01))
    step = anomaly_detection.resolution_seconds(options.get("resolution", "auto"),
                                                (end - start).total_seconds())
    keys = list(request["parameters"])
    series = [(d.id, key) for d in devices for key in keys if key in known[d.id]]
    if not series:
        raise JobFailed("None of the chosen devices has the chosen parameters any more.")
    labels = _labels(devices, keys)
    await run.progress(10)

    points = await _read_means(resources, job.factory_id, series, start, end, step, run)
    await run.progress(40)
    columns = {labels[s]: pd.Series([v for _t, v in points[s]],
                                    index=pd.DatetimeIndex([t for t, _v in points[s]]),
                                    dtype=float)
               for s in series if points.get(s)}
    if not columns:
        raise JobFailed("There is no data for the chosen parameters in this range.")
    table = pd.DataFrame(columns)
    try:
        found = await asyncio.to_thread(anomaly_detection.detect, table, step, contamination)
    except anomaly_detection.NotEnoughData as exc:
        raise JobFailed(f"Only {exc.args[0]} complete moments of data in the chosen range; "
                        f"anomaly detection needs at least {anomaly_detection.MIN_POINTS}. "
                        "Choose a longer range or a finer resolution.") from exc
    await run.progress(70)

    spans = [(w["start"], w["end"]) for w in found.windows]
    title = f"Anomalies — {factory.name}"
    png = await asyncio.to_thread(chart_rendering.anomaly_chart, found.table, found.anomalous,
                                  spans, title)
    zone = ZoneInfo(factory.timezone or "UTC")
    csv = await asyncio.to_thread(_anomaly_csv, found, zone)
    await run.progress(85)

    data_file = await _store_table_and_chart(run, job, "anomalies", csv, png)
    await run.progress(95)

    windows = anomaly_detection.strongest_windows(found.windows)
    return JobOutput(result={
        "resolution_seconds": step,
        "timezone": zone.key,
        "points": int(len(found.table)),
        "series": [{"device_id": d, "parameter": k, "label": labels[(d, k)],
                    "points": len(points.get((d, k)) or ())} for d, k in series],
        "anomalous_points": int(found.anomalous.sum()),
        "window_count": len(found.windows),
        "windows": [{**w, "start": _iso(w["start"]), "end": _iso(w["end"]),
                     "peak_at": _iso(w["peak_at"])} for w in windows],
        "contamination": contamination,
    }, object_key=data_file.key)


async def _read_means(resources: Resources, factory_id: int, series: list[tuple[int, str]],
                      start: datetime, end: datetime, step: int, run: JobRun
                      ) -> dict[tuple[int, str], list[tuple[datetime, float]]]:
    """Means per step, read in windows of at most WINDOW_POINTS steps: InfluxDB 1.x marks
    longer multi-series answers as partial, which the store refuses as truncated."""
    found: dict[tuple[int, str], list[tuple[datetime, float]]] = {s: [] for s in series}
    window = timedelta(seconds=step * WINDOW_POINTS)
    cursor, windows = start, max(1, math.ceil((end - start) / window))
    for n in range(windows):
        until = min(end, cursor + window)
        chunk = await resources.timeseries.aggregate(factory_id, series, cursor, until, step,
                                                     "mean")
        for key, values in chunk.items():
            found[key].extend(values)
        cursor = until
        await run.progress(10 + int(30 * (n + 1) / windows))
    return found


def _anomaly_csv(found: anomaly_detection.Detection, zone: ZoneInfo) -> bytes:
    table = found.table.copy()
    table.insert(0, "local_time", table.index.tz_convert(zone).strftime("%Y-%m-%d %H:%M:%S"))
    table["score"] = found.scores.round(5)
    table["anomalous"] = found.anomalous.astype(int)
    table["window"] = [w + 1 if w >= 0 else "" for w in found.window_of_row]
    table.index = table.index.strftime("%Y-%m-%dT%H:%M:%SZ")
    table.index.name = "time_utc"
    # Column names carry device and parameter names: shown as text, never evaluated.
    table.columns = [spreadsheet_text(str(column)) for column in table.columns]
    buffer = io.StringIO()
    table.to_csv(buffer, float_format="%.6g")
    return buffer.getvalue().encode()


async def _forecast(resources: Resources, job: AnalyticsJob, run: JobRun, factory: Factory,
                    devices: list[Device], start: datetime, end: datetime) -> JobOutput:
    options = job.parameters.get("options") or {}
    granularity = options.get("granularity", "hourly")
    horizon_days = int(options.get("horizon_days", 7))
    now = datetime.now(UTC)
    history_end = min(end, now)
    totals: dict[datetime, float] = {}
    sources = []
    zone = ZoneInfo(factory.timezone or "UTC")
    for n, device in enumerate(devices):
        # The energy API's own figures, bucket by bucket: the forecast starts from the
        # numbers a plant manager sees on the energy page.
        async with session_scope() as session:
            energy = EnergyService(session, factory, resources.timeseries,
                                   aggregate_cache(resources))
            figures = await energy.device_energy(
                device, start, history_end, "hour" if granularity == "hourly" else "day")
        sources.append({"device_id": device.id, "name": device.name,
                        "source": figures.source})
        for bucket in figures.buckets:
            # Only whole buckets (a half-measured hour would read as a drop in demand) that
            # were measured: a bucket without readings has no demand, and its energy of
            # zero means "unknown", not "idle".
            if bucket.end > now or bucket.peak_demand_kw is None:
                continue
            moment = bucket.start.replace(tzinfo=None)
            totals[moment] = totals.get(moment, 0.0) + (bucket.energy_kwh or 0.0)
        await run.progress(10 + int(30 * (n + 1) / len(devices)))
    history = pd.DataFrame({"ds": pd.to_datetime(list(totals)), "y": list(totals.values())})
    if history.empty:
        history = pd.DataFrame({"ds": pd.to_datetime([]), "y": []})
    try:
        result = await asyncio.to_thread(energy_forecast.forecast, history, granularity,
                                         horizon_days)
    except energy_forecast.NotEnoughHistory as exc:
        raise JobFailed(str(exc)) from exc
    await run.progress(70)

    unit = "kWh per hour" if granularity == "hourly" else "kWh per day"
    title = f"Energy forecast — {factory.name} ({zone.key})"
    png = await asyncio.to_thread(chart_rendering.forecast_chart, result.history,
                                  result.future, result.holdout, unit, title)
    csv = await asyncio.to_thread(_forecast_csv, result)
    await run.progress(85)

    data_file = await _store_table_and_chart(run, job, "forecast", csv, png)
    await run.progress(95)
    return JobOutput(result=_forecast_summary(result, granularity, horizon_days,
                                              zone.key, sources),
                     object_key=data_file.key)


def _forecast_csv(result: energy_forecast.Forecast) -> bytes:
    history = result.history.rename(columns={"y": "actual_kwh"})
    backtest = result.holdout[["ds", "yhat"]].rename(columns={"yhat": "backtest_kwh"})
    future = result.future.rename(columns={"yhat": "forecast_kwh",
                                           "yhat_lower": "forecast_lower_kwh",
                                           "yhat_upper": "forecast_upper_kwh"})
    table = history.merge(backtest, on="ds", how="left")
    table = pd.concat([table, future], ignore_index=True)
    table["ds"] = table["ds"].dt.strftime("%Y-%m-%d %H:%M")
    buffer = io.StringIO()
    table.rename(columns={"ds": "local_time"}).to_csv(buffer, index=False, float_format="%.4f")
    return buffer.getvalue().encode()


def _forecast_summary(result: energy_forecast.Forecast, granularity: str, horizon_days: int,
                      zone: str, sources: list[dict[str, Any]]) -> dict[str, Any]:
    future = result.future
    daily = future.groupby(future["ds"].dt.date)["yhat"].sum()
    history = result.history
    return {
        "granularity": granularity,
        "horizon_days": horizon_days,
        "timezone": zone,
        "devices": sources,
        "history": {
            "start": history["ds"].min().isoformat(),
            "end": history["ds"].max().isoformat(),
            "points": int(len(history)),
            "days_with_data": int(history["ds"].dt.normalize().nunique()),
            "total_kwh": round(float(history["y"].sum()), 3),
        },
        "holdout": {"points": int(len(result.holdout)),
                    "mape_pct": None if result.mape_pct is None else round(result.mape_pct, 2)},
        "forecast": {
            "total_kwh": round(float(future["yhat"].sum()), 3),
            "daily": [{"date": day.isoformat(), "kwh": round(float(kwh), 3)}
                      for day, kwh in daily.items()],
        },
    }


async def _store_table_and_chart(run: JobRun, job: AnalyticsJob, stem: str, csv: bytes,
                                 png: bytes) -> StoredFile:
    """Every analytics job leaves a CSV (its main file, returned) and a PNG chart under
    analytics/<job id>/ in its factory's objects."""
    folder = ("analytics", str(job.id))
    data_file = await run.store(factory_key(job.factory_id, *folder, f"{stem}.csv"),
                                f"{stem}-{job.id}.csv", csv, "text/csv")
    await run.store(factory_key(job.factory_id, *folder, f"{stem}.png"),
                    f"{stem}-{job.id}.png", png, "image/png")
    return data_file
