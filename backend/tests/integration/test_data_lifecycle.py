"""Retention per factory: the settings API, the time series it deletes (raw points only where
rollups hold them) and the metadata purge; each removes exactly what is old enough, and
nothing of another factory."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.database import session_scope
from app.core.task_queue import (
    APPLY_RETENTION,
    BEAT_SCHEDULE,
    QUEUE_MAINTENANCE,
    REFRESH_ROLLUPS,
    celery_for,
    create_celery,
)
from app.models import (
    Alert,
    AlertEvent,
    AnalyticsJob,
    AuditLog,
    NotificationDelivery,
    RefreshToken,
    ReportJob,
    UserToken,
)
from app.repositories.factory_repo import FactoryRepository
from app.services.lifecycle import apply_retention, refresh_factory
from app.services.lifecycle.purge import MetadataPurge
from app.services.lifecycle.retention import retention_of
from app.stores.objects.base import ObjectNotFound, factory_key
from app.stores.timeseries.base import Point, from_epoch_ms, to_epoch_ms
from app.stores.timeseries.rollups import LEVEL_HOUR, LEVEL_QUARTER

DAY = timedelta(days=1)
NOW = datetime.now(UTC)


async def _factory(tenant):
    async with session_scope() as session:
        return await FactoryRepository(session).get(tenant.id)


# --- settings -------------------------------------------------------------------------------
async def test_retention_defaults_and_update(client, make):
    tenant = await make.tenant()
    r = await client.get("/api/v1/factories/current/data-lifecycle", headers=tenant.headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["retention"] == {
        "raw_days": 90, "quarter_days": 730, "hour_days": 3650, "resolved_alerts_days": 365,
        "audit_days": 730, "finished_jobs_days": 90, "tokens_days": 30}
    assert data["storage"]["raw_points"] == 0 and data["rollups"] is None

    r = await client.patch("/api/v1/factories/current/retention", headers=tenant.headers,
                           json={"raw_days": 30, "audit_days": 400})
    assert r.status_code == 200, r.text
    retention = r.json()["data"]["retention"]
    assert (retention["raw_days"], retention["audit_days"], retention["quarter_days"]) == (
        30, 400, 730)
    async with session_scope() as session:
        entry = (await session.execute(select(AuditLog).where(
            AuditLog.factory_id == tenant.id,
            AuditLog.action == "factory.retention_updated"))).scalar_one()
    assert entry.details["changes"]["raw_days"] == {"from": 90, "to": 30}

    other = await make.tenant()
    r = await client.get("/api/v1/factories/current/data-lifecycle", headers=other.headers)
    assert r.json()["data"]["retention"]["raw_days"] == 90


@pytest.mark.parametrize(("body", "code"), [
    ({"raw_days": 800}, "INVALID_RETENTION"),          # longer than the 15-minute rollups
    ({"quarter_days": 4000}, "INVALID_RETENTION"),     # longer than the hourly rollups
    ({"raw_days": 0}, "VALIDATION_ERROR"),
    ({"raw_days": None}, "VALIDATION_ERROR"),
    ({"minute_days": 3}, "VALIDATION_ERROR"),
])
async def test_retention_refuses_impossible_settings(client, make, body, code):
    tenant = await make.tenant()
    r = await client.patch("/api/v1/factories/current/retention", headers=tenant.headers,
                           json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code


async def test_only_a_super_admin_changes_retention(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory, permissions=["manage_devices"])
    headers = make.headers(user)
    r = await client.patch("/api/v1/factories/current/retention", headers=headers,
                           json={"raw_days": 10})
    assert r.status_code == 403
    r = await client.get("/api/v1/factories/current/data-lifecycle", headers=headers)
    assert r.status_code == 200


# --- time series ----------------------------------------------------------------------------
async def _sparse_history(app, tenant, device, days: int) -> list[Point]:
    """A point every 6 hours for `days` days up to two hours ago."""
    end = NOW.replace(minute=0, second=0, microsecond=0) - 2 * timedelta(hours=1)
    points = [Point(tenant.id, device.id, "p", to_epoch_ms(end - k * 6 * timedelta(hours=1)),
                    float(k)) for k in range(days * 4)]
    await app.state.resources.timeseries.write(points)
    return points


async def _raw_times(store, tenant, device) -> list[int]:
    rows = [row async for chunk in store.raw(tenant.id, [(device.id, "p")],
                                             NOW - 400 * DAY, NOW) for row in chunk]
    return [to_epoch_ms(row[2]) for row in rows]


async def test_time_series_retention_per_factory(app, client, make):
    store = app.state.resources.timeseries
    short, default = await make.tenant(), await make.tenant()
    r = await client.patch("/api/v1/factories/current/retention", headers=short.headers,
                           json={"raw_days": 30, "quarter_days": 60})
    assert r.status_code == 200
    histories = {}
    for tenant in (short, default):
        device = await make.device(tenant)
        await make.parameter(device, "p")
        histories[tenant.id] = (device, await _sparse_history(app, tenant, device, 120))

    # Before rollups exist nothing raw is deleted, whatever the retention says.
    await apply_retention(app.state.resources, await _factory(short))
    assert len(await _raw_times(store, short, histories[short.id][0])) == 480

    for tenant in (short, default):
        factory = await _factory(tenant)
        await refresh_factory(app.state.resources, factory)
        await apply_retention(app.state.resources, factory)

    for tenant, raw_days, quarter_days in ((short, 30, 60), (default, 90, 730)):
        device, points = histories[tenant.id]
        raw_cut = to_epoch_ms(NOW - raw_days * DAY)
        raw_cut -= raw_cut % 86_400_000
        assert await _raw_times(store, tenant, device) == sorted(
            p.ts_ms for p in points if p.ts_ms >= raw_cut)
        quarter_cut = to_epoch_ms(NOW - quarter_days * DAY)
        quarter_cut -= quarter_cut % 86_400_000
        quarters = await store.rollup_rows(tenant.id, LEVEL_QUARTER, [(device.id, "p")],
                                           0, to_epoch_ms(NOW))
        assert [q.ts_ms for q in quarters] == sorted(
            p.ts_ms for p in points if p.ts_ms >= quarter_cut)
        hours = await store.rollup_rows(tenant.id, LEVEL_HOUR, [(device.id, "p")], 0,
                                        to_epoch_ms(NOW))
        assert len(hours) == len(points)

        r = await client.get("/api/v1/factories/current/data-lifecycle", headers=tenant.headers)
        data = r.json()["data"]
        assert data["rollups"]["backfilled"] is True
        storage = data["storage"]
        assert storage["series"] == 1 and storage["hour_rows"] == len(points)
        assert storage["raw_points"] == sum(1 for p in points if p.ts_ms >= raw_cut)
        assert datetime.fromisoformat(storage["oldest"]) == from_epoch_ms(points[-1].ts_ms)

    # The old part of the short factory's history still charts, hour by hour.
    device, points = histories[short.id]
    old_end = NOW - 100 * DAY
    r = await client.get(f"/api/v1/devices/{device.id}/kpis/history", headers=short.headers,
                         params={"parameters": "p", "interval": "6h", "agg": "mean",
                                 "start": (old_end - 10 * DAY).isoformat(),
                                 "end": old_end.isoformat()})
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]["series"][0]["points"]) in (39, 40, 41)


# --- metadata -------------------------------------------------------------------------------
async def _metadata(app, make, tenant):
    """Old and recent rows of every purged kind; returns the ids that must go."""
    objects = app.state.resources.objects
    user = await make.user(tenant.factory)
    old, recent = NOW - 400 * DAY, NOW - 5 * DAY
    doomed: dict[str, set] = {"alerts": set(), "deliveries": set(), "events": set(),
                              "audit": set(),
                              "jobs": set(), "files": set(), "user_tokens": set(),
                              "refresh_tokens": set()}
    async with session_scope() as session:
        def alert(status, resolved_at):
            row = Alert(factory_id=tenant.id, severity="warning", title="t", message="",
                        values={}, status=status, trigger_count=1, triggered_at=old,
                        last_triggered_at=old, resolved_at=resolved_at)
            session.add(row)
            return row

        old_resolved = alert("resolved", old)
        kept = [alert("resolved", recent), alert("open", None), alert("acknowledged", None)]
        await session.flush()
        doomed["alerts"].add(old_resolved.id)
        for target in (old_resolved, kept[0]):
            delivery = NotificationDelivery(factory_id=tenant.id, alert_id=target.id,
                                            channel="email", recipient="a@b.c", status="sent")
            session.add(delivery)
            # The alert's timeline goes with it.
            event = AlertEvent(factory_id=tenant.id, alert_id=target.id, kind="resolved",
                               at=target.resolved_at, details={})
            session.add(event)
            await session.flush()
            if target is old_resolved:
                doomed["deliveries"].add(delivery.id)
                doomed["events"].add(event.id)
        # Audit entries are kept two years by default.
        for created in (NOW - 800 * DAY, NOW - 700 * DAY):
            entry = AuditLog(factory_id=tenant.id, action="x.y", entity_type="x", details={},
                             created_at=created)
            session.add(entry)
            await session.flush()
            if created < NOW - 730 * DAY:
                doomed["audit"].add(entry.id)
        for model in (AnalyticsJob, ReportJob):
            extra = {"format": "pdf"} if model is ReportJob else {}
            for status, completed in (("complete", old), ("failed", old), ("running", None),
                                      ("complete", recent)):
                job = model(factory_id=tenant.id, kind="anomaly_detection", parameters={},
                            status=status, result={}, completed_at=completed,
                            created_at=old, **extra)
                session.add(job)
                await session.flush()
                key = factory_key(tenant.id, model.__tablename__, f"{job.id}.bin")
                await objects.put_bytes(key, b"result", "application/octet-stream")
                job.object_key = key
                if completed is old:
                    doomed["jobs"].add((model.__tablename__, job.id))
                    doomed["files"].add(key)
        for purpose, expires, used in (("invite", old, None), ("reset", NOW + DAY, old),
                                       ("invite", NOW + DAY, None), ("reset", recent, None)):
            token = UserToken(factory_id=tenant.id, user_id=user.id, purpose=purpose,
                              token_hash=f"{tenant.id}-{purpose}-{expires}-{used}"[:64],
                              expires_at=expires, used_at=used)
            session.add(token)
            await session.flush()
            if expires is old or used is old:
                doomed["user_tokens"].add(token.id)
        for n, (expires, revoked) in enumerate((
                (old, None),                 # expired long ago
                (NOW - 40 * DAY, old),       # revoked long ago and expired
                (NOW + 5 * DAY, old),        # revoked long ago but still valid: kept
                (NOW + 5 * DAY, None))):     # live
            token = RefreshToken(factory_id=tenant.id, user_id=user.id,
                                 jti=f"{tenant.id}-{n}", expires_at=expires,
                                 revoked_at=revoked)
            session.add(token)
            await session.flush()
            if n < 2:
                doomed["refresh_tokens"].add(token.id)
        await session.commit()
    return doomed


async def _remaining(tenant_id: int) -> dict[str, set]:
    async with session_scope() as session:
        async def ids(model):
            return set((await session.execute(
                select(model.id).where(model.factory_id == tenant_id))).scalars())

        jobs = {(m.__tablename__, i) for m in (AnalyticsJob, ReportJob) for i in await ids(m)}
        return {"alerts": await ids(Alert), "deliveries": await ids(NotificationDelivery),
                "events": await ids(AlertEvent), "audit": await ids(AuditLog), "jobs": jobs,
                "user_tokens": await ids(UserToken),
                "refresh_tokens": await ids(RefreshToken)}


async def test_metadata_purge_removes_exactly_the_old_rows_of_its_factory(app, make):
    mine, theirs = await make.tenant(), await make.tenant()
    doomed = await _metadata(app, make, mine)
    await _metadata(app, make, theirs)
    before_mine, before_theirs = await _remaining(mine.id), await _remaining(theirs.id)

    counts = await apply_retention(app.state.resources, await _factory(mine))

    after = await _remaining(mine.id)
    for kind in ("alerts", "deliveries", "events", "jobs", "user_tokens", "refresh_tokens"):
        assert after[kind] == before_mine[kind] - doomed[kind], kind
    assert doomed["events"] and after["events"]
    # The purge writes one audit entry of its own.
    assert before_mine["audit"] - after["audit"] == doomed["audit"]
    assert len(after["audit"] - before_mine["audit"]) == 1
    assert (counts.alerts, counts.deliveries, counts.audit_entries, counts.jobs, counts.files,
            counts.user_tokens, counts.refresh_tokens) == (1, 1, 1, 4, 4, 2, 2)
    objects = app.state.resources.objects
    for key in doomed["files"]:
        with pytest.raises(ObjectNotFound):
            await objects.stat(key)
    assert await _remaining(theirs.id) == before_theirs
    async with session_scope() as session:
        entry = (await session.execute(select(AuditLog).where(
            AuditLog.factory_id == mine.id, AuditLog.action == "data.purged"))).scalar_one()
        assert entry.details["alerts"] == 1 and entry.details["files"] == 4

    # A second run finds nothing and writes no entry.
    again = await apply_retention(app.state.resources, await _factory(mine))
    assert again.total == 0
    async with session_scope() as session:
        assert (await session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.factory_id == mine.id, AuditLog.action == "data.purged"))).scalar() == 1


async def test_purge_works_in_small_batches(app, make):
    tenant = await make.tenant()
    async with session_scope() as session:
        session.add_all(AuditLog(factory_id=tenant.id, action="x.y", entity_type="x",
                                 details={}, created_at=NOW - 800 * DAY) for _ in range(23))
        await session.commit()
    async with session_scope() as session:
        counts = await MetadataPurge(session, app.state.resources.objects, tenant.id,
                                     batch=5).run(retention_of(tenant.factory), NOW)
    assert counts.audit_entries == 23


# --- the periodic task ----------------------------------------------------------------------
def test_beat_runs_rollups_every_minute_and_retention_every_hour():
    entries = {entry["task"]: entry for entry in BEAT_SCHEDULE.values()}
    assert entries[REFRESH_ROLLUPS]["schedule"] == 60.0
    assert entries[APPLY_RETENTION]["schedule"] == 3600.0
    for task in (REFRESH_ROLLUPS, APPLY_RETENTION):
        assert entries[task]["options"]["queue"] == QUEUE_MAINTENANCE
    celery = create_celery()
    celery.loader.import_default_modules()
    assert {REFRESH_ROLLUPS, APPLY_RETENTION} <= set(celery.tasks)


def start_maintenance_worker(log_path: Path) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        # Its own process group, so that stopping it reaches the pool children too.
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "worker",
             "-Q", QUEUE_MAINTENANCE, "-c", "1", "-n", f"maintenance-{uuid.uuid4().hex[:8]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
            cwd=Path(__file__).resolve().parents[2], env={**os.environ, "LOG_JSON": "false"},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


async def test_a_maintenance_worker_rolls_up_what_was_written(app, make, tmp_path):
    """The task beat sends, consumed by a real `celery worker -Q maintenance` process."""
    tenant = await make.tenant()
    device = await make.device(tenant)
    await make.parameter(device, "p")
    points = await _sparse_history(app, tenant, device, 3)
    store = app.state.resources.timeseries
    assert await store.coverage(tenant.id) is None

    log_path = tmp_path / "maintenance-worker.log"
    worker = start_maintenance_worker(log_path)
    try:
        settings = app.state.resources.settings
        await asyncio.to_thread(celery_for(settings).send_task, REFRESH_ROLLUPS,
                                queue=QUEUE_MAINTENANCE)
        deadline = time.monotonic() + 180
        coverage = None
        while time.monotonic() < deadline and coverage is None:
            assert worker.poll() is None, log_path.read_text()[-3000:]
            await asyncio.sleep(1)
            coverage = await store.coverage(tenant.id)
        assert coverage is not None, log_path.read_text()[-3000:]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        await asyncio.to_thread(worker.wait, 30)
    hours = await store.rollup_rows(tenant.id, LEVEL_HOUR, [(device.id, "p")], 0,
                                    to_epoch_ms(NOW))
    assert len(hours) == len(points)
