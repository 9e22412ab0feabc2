"""Jobs through the real Redis broker and real `celery worker` processes on the analytics
and reporting queues, with files in the real S3-protocol server: a job runs to completion
and its presigned link serves the file; a worker killed with SIGKILL in the middle of a job
leaves it to the next worker, which finishes it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from app.core.task_queue import create_celery
from pytest_factoryops import require_env
from tests.integration.test_analytics import NOW, anomaly_plant, iso, power_plant
from tests.integration.test_reports import plant

BACKEND = Path(__file__).resolve().parents[2]
STALE_SECONDS = 3


@pytest.fixture(scope="module")
def bucket() -> str:
    return f"fo-workers-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def worker_env(bucket, database_url) -> dict[str, str]:
    return {**os.environ, "OBJECT_STORE": "s3", "S3_BUCKET": bucket,
            "S3_ENDPOINT": require_env("TEST_S3_ENDPOINT"),
            "JOB_STALE_SECONDS": str(STALE_SECONDS), "LOG_JSON": "false"}


@pytest.fixture(scope="module")
async def s3_app(settings, bucket):
    """The API as deployed with S3: it reads the jobs the workers write and signs links."""
    from app.main import create_app

    variant = settings.model_copy(update={
        "object_store": "s3", "s3_bucket": bucket,
        "s3_endpoint": require_env("TEST_S3_ENDPOINT"), "job_stale_seconds": STALE_SECONDS})
    application = create_app(variant)
    async with application.router.lifespan_context(application):
        # Messages queued by earlier tests (whose jobs ran in-process) are not for us.
        create_celery(variant).control.purge()
        yield application


@pytest.fixture
async def s3_client(s3_app):
    transport = httpx.ASGITransport(app=s3_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class Worker:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        # Its own process group, so that SIGKILL reaches the pool children too.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "worker",
             "-Q", "analytics,reporting", "-c", "1", "-n", f"jobs-{uuid.uuid4().hex[:8]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
            cwd=BACKEND, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@asynccontextmanager
async def worker(env, tmp_path):
    running = Worker(env, tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log")
    try:
        yield running
    finally:
        running.stop()


async def wait_for(client, tenant, path: str, accept, worker: Worker, within: float = 90):
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, "worker died:\n" + worker.log()
        r = await client.get(path, headers=tenant.headers)
        last = r.json()["data"]
        if accept(last):
            return last
        await asyncio.sleep(0.02)
    raise AssertionError(f"not reached within {within} s: {last}\n{worker.log()}")


async def test_jobs_run_in_a_worker_and_link_to_s3(s3_app, s3_client, make, worker_env,
                                                   tmp_path):
    tenant, meter, _windows = await anomaly_plant(s3_app, make)
    r = await s3_client.post("/api/v1/analytics/jobs", headers=tenant.headers, json={
        "kind": "anomaly", "device_ids": [meter.id], "parameters": ["power kW"],
        "start": iso(NOW - timedelta(days=1)), "end": iso(NOW)})
    assert r.status_code == 202
    job = r.json()["data"]
    report_tenant, _devices, start, end = await plant(s3_app, make)
    r = await s3_client.post("/api/v1/reports", headers=report_tenant.headers, json={
        "kind": "energy_summary", "format": "pdf", "start": start.isoformat(),
        "end": end.isoformat()})
    report = r.json()["data"]
    async with worker(worker_env, tmp_path) as running:
        done = await wait_for(s3_client, tenant, f"/api/v1/analytics/jobs/{job['id']}",
                              lambda j: j["status"] in ("complete", "failed"), running)
        assert done["status"] == "complete", done["error"]
        finished = await wait_for(s3_client, report_tenant, f"/api/v1/reports/{report['id']}",
                                  lambda j: j["status"] in ("complete", "failed"), running)
        assert finished["status"] == "complete", finished["error"]
    async with httpx.AsyncClient(timeout=10) as plain:
        csv = await plain.get(done["download_url"])
        pdf = await plain.get(finished["download_url"])
    assert csv.status_code == 200 and csv.text.startswith("time_utc,local_time,")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


async def test_a_job_survives_its_worker_being_killed(s3_app, s3_client, make, worker_env,
                                                      tmp_path):
    tenant, drive, first = await power_plant(s3_app, make, days=28, name="Chiller")
    r = await s3_client.post("/api/v1/analytics/jobs", headers=tenant.headers, json={
        "kind": "forecast", "device_ids": [drive.id], "start": iso(first), "end": iso(NOW),
        "options": {"horizon_days": 14, "granularity": "hourly"}})
    job = r.json()["data"]
    path = f"/api/v1/analytics/jobs/{job['id']}"
    async with worker(worker_env, tmp_path) as doomed:
        running = await wait_for(s3_client, tenant, path, lambda j: j["status"] != "pending",
                                 doomed)
        doomed.kill()
    assert running["status"] == "running", running
    r = await s3_client.get(path, headers=tenant.headers)
    assert r.json()["data"]["status"] == "running"  # nobody finishes it...
    await asyncio.sleep(STALE_SECONDS + 1)  # ...until its heartbeat is stale
    async with worker(worker_env, tmp_path) as successor:
        done = await wait_for(s3_client, tenant, path,
                              lambda j: j["status"] in ("complete", "failed"), successor)
    assert done["status"] == "complete", done["error"]
    assert done["attempts"] == 2
    assert done["result"]["holdout"]["mape_pct"] < 15
    async with httpx.AsyncClient(timeout=10) as plain:
        assert (await plain.get(done["download_url"])).status_code == 200
