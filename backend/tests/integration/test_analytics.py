"""Analytics jobs through the API and the job runner, on real servers: requests are
checked, jobs are queued at once, and the runner (here called in-process; the real worker
process is tested in test_job_workers.py) finds injected anomalies, forecasts a seasonal
load, explains missing data, honours cancellation and leaves nothing stuck."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import numpy as np
import pytest
from sqlalchemy import update

from app.core.database import session_scope
from app.core.task_queue import QUEUE_ANALYTICS, RUN_ANALYTICS_JOB
from app.models.analytics_job import AnalyticsJob
from app.repositories.analytics_repo import AnalyticsJobRepository
from app.services.analytics.runner import run_analytics_job
from app.services.jobs.runner import JobCancelled, JobRun, recover_stale_jobs
from app.stores.timeseries.base import Point, to_epoch_ms
from tests.unit.test_analytics_models import synthetic_with_anomalies, weekly_profile

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def write(app, points) -> None:
    await app.state.resources.timeseries.write(points)


async def anomaly_plant(app, make, seed: int = 2):
    """A meter with three days of minute data and eight injected anomalies, ending now."""
    tenant = await make.tenant(timezone="Europe/Berlin")
    meter = await make.device(tenant, name="Press line 1")
    await make.parameter(meter, "power kW")
    await make.parameter(meter, "voltage-L1")
    table, injected = synthetic_with_anomalies(seed)
    shift = (NOW - timedelta(days=3)) - table.index[0].to_pydatetime()
    points = []
    for moment, power, voltage in zip(table.index, table["power"], table["voltage"],
                                      strict=True):
        ts = to_epoch_ms(moment.to_pydatetime() + shift)
        points.append(Point(tenant.id, meter.id, "power kW", ts, float(power)))
        points.append(Point(tenant.id, meter.id, "voltage-L1", ts, float(voltage)))
    await write(app, points)
    windows = [(s.to_pydatetime() + shift, e.to_pydatetime() + shift) for s, e in injected]
    return tenant, meter, windows


async def power_plant(app, make, days: int, name: str = "Compressor"):
    """A drive whose active power follows a weekday/weekend shift profile, every 15 min."""
    tenant = await make.tenant(timezone="Europe/Berlin")
    drive = await make.device(tenant, name=name)
    await make.parameter(drive, "P_total", role="active_power")
    profile = weekly_profile(days)
    first = (NOW - timedelta(days=days)).replace(minute=0)
    points = []
    for i, kw in enumerate(np.repeat(profile["y"].to_numpy(), 4)):
        ts = to_epoch_ms(first + timedelta(minutes=15 * i))
        points.append(Point(tenant.id, drive.id, "P_total", ts, float(kw)))
    await write(app, points)
    return tenant, drive, first


async def submit(client, tenant, **body):
    r = await client.post("/api/v1/analytics/jobs", headers=tenant.headers, json=body)
    assert r.status_code == 202, r.text
    job = r.json()["data"]
    assert job["status"] == "pending" and job["progress"] == 0
    return job


async def run(app, tenant, job_id: int):
    await run_analytics_job(app.state.resources, tenant.id, job_id)


async def fetch(client, tenant, job_id: int) -> dict:
    r = await client.get(f"/api/v1/analytics/jobs/{job_id}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def download(client, url: str):
    parts = urlsplit(url)
    return await client.get(f"{parts.path}?{parts.query}")


async def test_anomaly_job_finds_injected_windows(app, client, make):
    tenant, meter, injected = await anomaly_plant(app, make)
    job = await submit(client, tenant, kind="anomaly", device_ids=[meter.id],
                       parameters=["power kW", "voltage-L1"],
                       start=iso(NOW - timedelta(days=3)), end=iso(NOW),
                       options={"contamination": 0.02, "resolution": "auto"})
    assert job["request"]["options"] == {"contamination": 0.02, "resolution": "auto"}
    await run(app, tenant, job["id"])

    done = await fetch(client, tenant, job["id"])
    assert done["status"] == "complete", done["error"]
    assert done["progress"] == 100 and done["attempts"] == 1 and done["error"] is None
    result = done["result"]
    assert result["resolution_seconds"] == 60
    assert [s["parameter"] for s in result["series"]] == ["power kW", "voltage-L1"]
    windows = [(datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"]))
               for w in result["windows"]]
    hits = sum(any(s <= end and e >= start for s, e in windows) for start, end in injected)
    assert hits / len(injected) >= 0.8
    first = result["windows"][0]
    assert {"start", "end", "score", "points", "values", "peak_at"} <= first.keys()
    assert set(first["values"]) == {"Press line 1 · power kW", "Press line 1 · voltage-L1"}

    names = {f["name"]: f for f in done["files"]}
    assert set(names) == {f"anomalies-{job['id']}.csv", f"anomalies-{job['id']}.png"}
    assert done["download_url"] == names[f"anomalies-{job['id']}.csv"]["url"]
    csv = await download(client, done["download_url"])
    assert csv.status_code == 200
    header = csv.text.splitlines()[0]
    assert header.startswith("time_utc,local_time,") and header.endswith("score,anomalous,window")
    assert len(csv.text.splitlines()) == result["points"] + 1
    png = await download(client, names[f"anomalies-{job['id']}.png"]["url"])
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    # The key names the same object: the API streams it to the factory's bearer token.
    key = names[f"anomalies-{job['id']}.csv"]["key"]
    assert key.startswith(f"factories/{tenant.id}/")
    r = await client.get(f"/api/v1/files/{key}", headers=tenant.headers)
    assert r.status_code == 200 and r.text == csv.text


async def test_forecast_job_on_a_seasonal_load(app, client, make):
    tenant, drive, first = await power_plant(app, make, days=28)
    job = await submit(client, tenant, kind="forecast", device_ids=[drive.id],
                       start=iso(first), end=iso(NOW),
                       options={"horizon_days": 7, "granularity": "hourly"})
    await run(app, tenant, job["id"])
    done = await fetch(client, tenant, job["id"])
    assert done["status"] == "complete", done["error"]
    result = done["result"]
    assert result["holdout"]["mape_pct"] < 15
    assert result["history"]["days_with_data"] >= 27
    assert result["devices"] == [{"device_id": drive.id, "name": "Compressor",
                                  "source": "active_power"}]
    assert 7 <= len(result["forecast"]["daily"]) <= 8
    assert result["forecast"]["total_kwh"] > 0
    csv = await download(client, done["download_url"])
    assert csv.text.splitlines()[0] == ("local_time,actual_kwh,backtest_kwh,forecast_kwh,"
                                        "forecast_lower_kwh,forecast_upper_kwh")
    # The history is the energy API's own hourly figures.
    r = await client.get(f"/api/v1/devices/{drive.id}/energy", headers=tenant.headers,
                         params={"start": iso(first), "end": iso(NOW), "bucket": "day"})
    api_total = r.json()["data"]["totals"]["energy_kwh"]
    assert result["history"]["total_kwh"] == pytest.approx(api_total, rel=0.02)


async def test_forecast_with_too_little_data_fails_with_an_explanation(app, client, make):
    tenant, drive, _first = await power_plant(app, make, days=2)
    job = await submit(client, tenant, kind="forecast", device_ids=[drive.id],
                       start=iso(NOW - timedelta(days=14)), end=iso(NOW))
    await run(app, tenant, job["id"])
    done = await fetch(client, tenant, job["id"])
    assert done["status"] == "failed"
    assert done["error"] in (
        "Only 2 days of data in the chosen range; the forecast needs at least 7.",
        "Only 3 days of data in the chosen range; the forecast needs at least 7.")
    assert done["files"] == [] and done["download_url"] is None


async def test_requests_are_checked(client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    meter = await make.device(tenant)
    await make.parameter(meter, "power")
    foreign = await make.device(other)
    start, end = iso(NOW - timedelta(days=2)), iso(NOW)
    anomaly = {"kind": "anomaly", "device_ids": [meter.id], "parameters": ["power"],
               "start": start, "end": end}
    cases = [
        ({"device_ids": [meter.id, foreign.id]}, "UNKNOWN_DEVICES"),
        ({"parameters": ["power", "nope"]}, "UNKNOWN_PARAMETERS"),
        ({"end": iso(NOW - timedelta(days=2) + timedelta(minutes=30))}, "RANGE_TOO_SHORT"),
        ({"start": iso(NOW - timedelta(days=120))}, "RANGE_TOO_LONG"),
        ({"start": end, "end": start}, "INVALID_RANGE"),
        ({"start": iso(NOW - timedelta(days=89)),
          "options": {"resolution": "1m"}}, "RESOLUTION_TOO_FINE"),
        ({"options": {"contamination": 0.5}}, "VALIDATION_ERROR"),
        ({"options": {"resolution": "2m"}}, "VALIDATION_ERROR"),
        ({"device_ids": list(range(1, 22))}, "VALIDATION_ERROR"),
        ({"device_ids": []}, "VALIDATION_ERROR"),
        ({"device_ids": [meter.id, meter.id]}, "VALIDATION_ERROR"),
        ({"parameters": []}, "VALIDATION_ERROR"),
        ({"kind": "clustering"}, "VALIDATION_ERROR"),
        ({"kind": "forecast", "parameters": [], "start": iso(NOW - timedelta(days=10))},
         "NO_ENERGY_PARAMETERS"),
        ({"kind": "forecast", "parameters": ["power"]}, "VALIDATION_ERROR"),
        ({"kind": "forecast", "parameters": [], "start": iso(NOW - timedelta(days=3))},
         "RANGE_TOO_SHORT"),
        ({"kind": "forecast", "parameters": [], "options": {"horizon_days": 31}},
         "VALIDATION_ERROR"),
    ]
    for change, code in cases:
        r = await client.post("/api/v1/analytics/jobs", headers=tenant.headers,
                              json={**anomaly, **change})
        assert r.status_code == 422, (change, r.text)
        assert r.json()["error"]["code"] == code, (change, r.text)
    r = await client.get("/api/v1/analytics/jobs", headers=tenant.headers)
    assert r.json()["total"] == 0


async def test_permissions_and_listing(client, make):
    tenant = await make.tenant()
    meter = await make.device(tenant)
    await make.parameter(meter, "power")
    viewer = await make.user(tenant.factory)
    analyst = await make.user(tenant.factory, permissions=["run_analytics"])
    body = {"kind": "anomaly", "device_ids": [meter.id], "parameters": ["power"],
            "start": iso(NOW - timedelta(days=1)), "end": iso(NOW)}
    r = await client.post("/api/v1/analytics/jobs", headers=make.headers(viewer), json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
    first = await submit(client, type("T", (), {"headers": make.headers(analyst)}), **body)
    assert first["created_by"] == analyst.id
    await submit(client, tenant, **body)
    r = await client.get("/api/v1/analytics/jobs", headers=make.headers(viewer),
                         params={"kind": "anomaly", "status": "pending", "per_page": 1})
    page = r.json()
    assert r.status_code == 200 and page["total"] == 2 and len(page["data"]) == 1
    r = await client.get("/api/v1/analytics/jobs", headers=tenant.headers,
                         params={"kind": "forecast"})
    assert r.json()["total"] == 0
    viewer_headers = make.headers(viewer)
    assert (await client.post(f"/api/v1/analytics/jobs/{first['id']}/cancel",
                              headers=viewer_headers)).status_code == 403
    assert (await client.delete(f"/api/v1/analytics/jobs/{first['id']}",
                                headers=viewer_headers)).status_code == 403
    assert (await client.get(f"/api/v1/analytics/jobs/{first['id']}",
                             headers=viewer_headers)).status_code == 200


async def test_cancel_and_delete(app, client, make):
    tenant, meter, _ = await anomaly_plant(app, make, seed=3)
    body = {"kind": "anomaly", "device_ids": [meter.id], "parameters": ["power kW"],
            "start": iso(NOW - timedelta(days=1)), "end": iso(NOW)}
    pending = await submit(client, tenant, **body)
    r = await client.post(f"/api/v1/analytics/jobs/{pending['id']}/cancel",
                          headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"
    await run(app, tenant, pending["id"])  # a worker that gets it anyway does nothing
    assert (await fetch(client, tenant, pending["id"]))["status"] == "cancelled"
    r = await client.post(f"/api/v1/analytics/jobs/{pending['id']}/cancel",
                          headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "JOB_FINISHED"

    done = await submit(client, tenant, **body)
    await run(app, tenant, done["id"])
    finished = await fetch(client, tenant, done["id"])
    assert finished["status"] == "complete"
    objects = app.state.resources.objects
    keys = [f"factories/{tenant.id}/analytics/{done['id']}/anomalies.{ext}"
            for ext in ("csv", "png")]
    assert all([await objects.exists(k) for k in keys])
    r = await client.delete(f"/api/v1/analytics/jobs/{done['id']}", headers=tenant.headers)
    assert r.status_code == 204
    assert not any([await objects.exists(k) for k in keys])
    r = await client.get(f"/api/v1/analytics/jobs/{done['id']}", headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "JOB_NOT_FOUND"
    assert (await download(client, finished["download_url"])).status_code == 404


async def test_a_running_job_stops_at_its_next_step_when_cancelled(app, client, make):
    tenant, meter, _ = await anomaly_plant(app, make, seed=4)
    job = await submit(client, tenant, kind="anomaly", device_ids=[meter.id],
                       parameters=["power kW"], start=iso(NOW - timedelta(days=1)),
                       end=iso(NOW))
    resources = app.state.resources
    worker_run = JobRun(AnalyticsJobRepository, tenant.id, job["id"], resources.settings,
                        resources.objects)
    claimed = await worker_run.claim()
    assert claimed is not None and claimed.status == "running" and claimed.attempts == 1
    await worker_run.progress(20)
    assert (await fetch(client, tenant, job["id"]))["progress"] == 20
    r = await client.post(f"/api/v1/analytics/jobs/{job['id']}/cancel", headers=tenant.headers)
    assert r.json()["data"]["status"] == "cancelled"
    with pytest.raises(JobCancelled):
        await worker_run.progress(40)
    assert await worker_run.claim() is None


async def _age(job_id: int, factory_id: int, **values) -> None:
    async with session_scope() as session:
        await session.execute(update(AnalyticsJob).where(
            AnalyticsJob.id == job_id, AnalyticsJob.factory_id == factory_id).values(**values))
        await session.commit()


async def test_stale_running_jobs_are_requeued_then_given_up(app, client, make):
    tenant = await make.tenant()
    meter = await make.device(tenant)
    await make.parameter(meter, "power")
    body = {"kind": "anomaly", "device_ids": [meter.id], "parameters": ["power"],
            "start": iso(NOW - timedelta(days=1)), "end": iso(NOW)}
    job = await submit(client, tenant, **body)
    settings = app.state.resources.settings
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.job_stale_seconds + 60)
    await _age(job["id"], tenant.id, status="running", attempts=1, heartbeat_at=long_ago)
    counts = await recover_stale_jobs(settings, AnalyticsJob, AnalyticsJobRepository,
                                      RUN_ANALYTICS_JOB, QUEUE_ANALYTICS)
    assert counts["requeued"] >= 1
    assert (await fetch(client, tenant, job["id"]))["status"] == "pending"

    await _age(job["id"], tenant.id, status="running", attempts=settings.job_max_attempts,
               heartbeat_at=long_ago)
    counts = await recover_stale_jobs(settings, AnalyticsJob, AnalyticsJobRepository,
                                      RUN_ANALYTICS_JOB, QUEUE_ANALYTICS)
    assert counts["failed"] >= 1
    failed = await fetch(client, tenant, job["id"])
    assert failed["status"] == "failed" and "interrupted" in failed["error"]

    # A job with a fresh heartbeat is left alone.
    alive = await submit(client, tenant, **body)
    await _age(alive["id"], tenant.id, status="running", attempts=1,
               heartbeat_at=datetime.now(UTC))
    await recover_stale_jobs(settings, AnalyticsJob, AnalyticsJobRepository,
                             RUN_ANALYTICS_JOB, QUEUE_ANALYTICS)
    assert (await fetch(client, tenant, alive["id"]))["status"] == "running"
