"""Report schedules: CRUD with the next run in the factory's zone, and the minute sweep that
turns every factory's due schedules into report jobs whose file is mailed, as an
attachment, to a real SMTP server (aiosmtpd) in this process."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app.core.database import session_scope
from app.models import ReportJob, ReportSchedule
from app.services.reports.runner import run_report_job
from app.services.reports.scheduled import run_due_schedules
from tests.integration.test_reports import plant

BERLIN = ZoneInfo("Europe/Berlin")


async def create(client, tenant, **body) -> dict:
    payload = {"name": "Weekly energy", "kind": "energy_summary", "format": "pdf",
               "cadence": "weekly", "recipients": ["plant.manager@example.com"], **body}
    r = await client.post("/api/v1/reports/schedules", headers=tenant.headers, json=payload)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_schedule_crud_and_next_run_in_local_time(client, make):
    tenant = await make.tenant(timezone="Europe/Berlin")
    device = await make.device(tenant)
    schedule = await create(client, tenant, device_ids=[device.id])
    next_run = datetime.fromisoformat(schedule["next_run_at"]).astimezone(BERLIN)
    assert (next_run.weekday(), next_run.hour, next_run.minute) == (0, 6, 0)
    assert next_run > datetime.now(UTC)
    period = schedule["next_period"]
    start, end = (datetime.fromisoformat(period[k]) for k in ("start", "end"))
    assert (start.weekday(), start.hour, end.weekday(), end.hour) == (0, 0, 0, 0)
    assert end.date() == next_run.date() and (end - start).days in (6, 7)
    assert schedule["timezone"] == "Europe/Berlin" and schedule["run_at_local"] == "06:00"
    assert schedule["device_ids"] == [device.id] and schedule["last_report_id"] is None

    r = await client.patch(f"/api/v1/reports/schedules/{schedule['id']}",
                           headers=tenant.headers, json={"cadence": "monthly"})
    monthly = r.json()["data"]
    local = datetime.fromisoformat(monthly["next_run_at"]).astimezone(BERLIN)
    assert (local.day, local.hour) == (1, 6)
    r = await client.patch(f"/api/v1/reports/schedules/{schedule['id']}",
                           headers=tenant.headers, json={"is_active": False})
    assert r.json()["data"]["next_run_at"] is None
    listed = (await client.get("/api/v1/reports/schedules", headers=tenant.headers)).json()
    assert listed["total"] == 1 and listed["data"][0]["cadence"] == "monthly"
    r = await client.delete(f"/api/v1/reports/schedules/{schedule['id']}",
                            headers=tenant.headers)
    assert r.status_code == 204
    r = await client.get(f"/api/v1/reports/schedules/{schedule['id']}", headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "SCHEDULE_NOT_FOUND"


async def test_schedule_requests_and_permissions(client, make):
    tenant = await make.tenant()
    foreign = await make.device(await make.tenant())
    base = {"name": "Daily", "kind": "alerts", "format": "xlsx", "cadence": "daily",
            "recipients": ["ops@example.com"]}
    for change, code in [({"recipients": ["not an email"]}, "VALIDATION_ERROR"),
                         ({"recipients": []}, "VALIDATION_ERROR"),
                         ({"cadence": "hourly"}, "VALIDATION_ERROR"),
                         ({"name": " "}, "VALIDATION_ERROR"),
                         ({"device_ids": [foreign.id]}, "UNKNOWN_DEVICES")]:
        r = await client.post("/api/v1/reports/schedules", headers=tenant.headers,
                              json={**base, **change})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (change, r.text)
    viewer = await make.user(tenant.factory)
    r = await client.post("/api/v1/reports/schedules", headers=make.headers(viewer), json=base)
    assert r.status_code == 403
    schedule = await create(client, tenant)
    viewer_headers = make.headers(viewer)
    assert (await client.get("/api/v1/reports/schedules",
                             headers=viewer_headers)).status_code == 200
    assert (await client.patch(f"/api/v1/reports/schedules/{schedule['id']}",
                               headers=viewer_headers, json={"name": "x"})).status_code == 403
    assert (await client.delete(f"/api/v1/reports/schedules/{schedule['id']}",
                                headers=viewer_headers)).status_code == 403


async def _make_due(schedule_id: int, factory_id: int) -> None:
    async with session_scope() as session:
        await session.execute(update(ReportSchedule).where(
            ReportSchedule.id == schedule_id, ReportSchedule.factory_id == factory_id
        ).values(next_run_at=datetime.now(UTC) - timedelta(minutes=1)))
        await session.commit()


async def test_due_schedules_are_generated_and_mailed(app, client, make, smtp_sink):
    tenant, (meter, _press, _sensor), _start, _end = await plant(app, make)
    other = await make.tenant()
    daily = await create(client, tenant, name="Daily energy", cadence="daily", format="xlsx",
                         recipients=["manager@example.com", "energy@example.com"])
    elsewhere = await create(client, other, name="Other plant", cadence="daily",
                             kind="alerts", recipients=["other@example.com"])
    idle = await create(client, tenant, name="Not yet", cadence="monthly")
    await _make_due(daily["id"], tenant.id)
    await _make_due(elsewhere["id"], other.id)

    settings = app.state.resources.settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    resources = dataclasses.replace(app.state.resources, settings=settings, extras={})
    created = await run_due_schedules(resources)
    assert len(created) >= 2
    assert await run_due_schedules(resources) == []  # one job per run, however many sweeps

    async with session_scope() as session:
        jobs = list((await session.execute(select(ReportJob).where(
            ReportJob.factory_id == tenant.id, ReportJob.schedule_id == daily["id"]))).scalars())
    assert len(jobs) == 1
    job = jobs[0]
    assert (job.kind, job.format, job.status) == ("energy_summary", "xlsx", "pending")
    start = datetime.fromisoformat(job.parameters["start"]).astimezone(BERLIN)
    end = datetime.fromisoformat(job.parameters["end"]).astimezone(BERLIN)
    today = datetime.now(BERLIN).date()
    assert (start.date(), end.date(), start.hour, end.hour) == (
        today - timedelta(days=1), today, 0, 0)

    await run_report_job(resources, tenant.id, job.id)
    messages = await smtp_sink.wait_for("manager@example.com")
    assert await smtp_sink.wait_for("energy@example.com")
    message = messages[0]
    assert "Werk Süd" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".xlsx")
    stored = await app.state.resources.objects.get_bytes(
        f"factories/{tenant.id}/reports/{job.id}/report.xlsx")
    assert attachment.get_content() == stored

    r = await client.get(f"/api/v1/reports/{job.id}", headers=tenant.headers)
    report = r.json()["data"]
    assert report["status"] == "complete" and report["schedule_id"] == daily["id"]
    assert report["result"]["emailed_to"] == ["manager@example.com", "energy@example.com"]
    r = await client.get(f"/api/v1/reports/schedules/{daily['id']}", headers=tenant.headers)
    after = r.json()["data"]
    assert after["last_report_id"] == job.id and after["last_run_at"] is not None
    assert datetime.fromisoformat(after["next_run_at"]) > datetime.now(UTC)
    r = await client.get(f"/api/v1/reports/schedules/{idle['id']}", headers=tenant.headers)
    assert r.json()["data"]["last_run_at"] is None
