"""The shift report (PDF and Excel) prints what GET /energy/shifts answers for the same days
and node, and a daily schedule of it reports yesterday's shifts."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.core.database import session_scope
from app.models import ReportJob
from app.services.reports.format import number
from app.services.reports.runner import run_report_job
from app.services.reports.scheduled import run_due_schedules
from app.stores.timeseries.base import Point, to_epoch_ms
from tests.integration.test_report_schedules import _make_due
from tests.integration.test_reports import download, generate

API = "/api/v1"
BERLIN = ZoneInfo("Europe/Berlin")
SHIFTS = (("Early", "06:00", "14:00"), ("Late", "14:00", "22:00"), ("Night", "22:00", "06:00"))


async def _plant(app, client, make):
    """A line with a press drawing 40 kW by day and 12 kW at night and counting 10 parts an
    hour by day, over the last four local days."""
    tenant = await make.tenant(name="Werk Nord", timezone="Europe/Berlin",
                               tariff={"kind": "flat", "price_per_kwh": 0.2})
    for name, start, end in SHIFTS:
        r = await client.post(f"{API}/shifts", headers=tenant.headers, json={
            "name": name, "start": start, "end": end, "days": [0, 1, 2, 3, 4, 5, 6]})
        assert r.status_code == 201, r.text
    r = await client.post(f"{API}/assets/nodes", headers=tenant.headers,
                          json={"name": "Press line", "kind": "line"})
    node = r.json()["data"]
    press = await make.device(tenant, name="Press")
    await make.parameter(press, "P", role="active_power")
    await make.parameter(press, "strokes", role="production_count")
    await client.put(f"{API}/assets/nodes/{node['id']}/devices", headers=tenant.headers,
                     json={"device_ids": [press.id]})
    today = datetime.now(BERLIN).date()
    first = datetime.combine(today - timedelta(days=4), datetime.min.time(), tzinfo=BERLIN)
    now = datetime.now(UTC)
    points, strokes = [], 0.0
    moment = first.astimezone(UTC)
    while moment < now:
        day = 6 <= moment.astimezone(BERLIN).hour < 22
        strokes += (10 if day else 0) / 12
        points += [Point(tenant.id, press.id, "P", to_epoch_ms(moment), 40.0 if day else 12.0),
                   Point(tenant.id, press.id, "strokes", to_epoch_ms(moment), strokes)]
        moment += timedelta(minutes=5)
    await app.state.resources.timeseries.write(points)
    return tenant, node, today


async def test_shift_report_prints_the_shift_api_numbers(app, client, make):
    tenant, node, today = await _plant(app, client, make)
    day = today - timedelta(days=2)
    start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)
    end = start + timedelta(days=1)
    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers, params={
        "start": day.isoformat(), "end": day.isoformat(), "node_id": node["id"]})
    api = r.json()["data"]
    night = next(o for o in api["occurrences"] if o["name"] == "Night")
    assert night["energy_kwh"] > 0 and api["scope"]["name"] == "Press line"

    done = await generate(app, client, tenant, kind="shift_report", format="pdf",
                          start=start.isoformat(), end=end.isoformat(), node_id=node["id"])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        await download(client, done["download_url"]))).pages)
    assert "Shift report" in text and "Press line" in text
    for row in api["occurrences"]:
        for figure in ("energy_kwh", "cost", "peak_demand_kw"):
            assert number(row[figure]) in text, (row["name"], figure)
        assert number(row["enpi"], 3) in text
    for total in api["shifts"]:
        assert number(total["energy_kwh"]) in text, total["name"]

    done = await generate(app, client, tenant, kind="shift_report", format="xlsx",
                          start=start.isoformat(), end=end.isoformat(), node_id=node["id"])
    book = load_workbook(io.BytesIO(await download(client, done["download_url"])))
    assert book.sheetnames[:3] == ["Summary", "Shifts", "Shift occurrences"]
    sheet = [row for row in book["Shifts"].iter_rows(min_row=2, values_only=True)]
    assert [(row[0], row[1], row[2], row[3], row[5], row[6], row[7]) for row in sheet] == [
        (t["name"], t["occurrences"], t["energy_kwh"], t["cost"], t["peak_demand_kw"],
         t["production"], t["enpi"]) for t in api["shifts"]]
    rows = [row for row in book["Shift occurrences"].iter_rows(min_row=2, values_only=True)]
    assert [(row[1], row[4], row[7], row[8]) for row in rows] == [
        (o["name"], o["energy_kwh"], o["production"], o["enpi"]) for o in api["occurrences"]]
    # The node's totals on the summary sheet are the node endpoint's.
    r = await client.get(f"{API}/assets/nodes/{node['id']}/energy", headers=tenant.headers,
                         params={"start": start.isoformat(), "end": end.isoformat()})
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=7,
                                                                   values_only=True)}
    assert summary["Energy consumed"] == r.json()["data"]["totals"]["energy_kwh"]


async def test_a_daily_shift_report_schedule_reports_yesterday(app, client, make, smtp_sink):
    tenant, node, today = await _plant(app, client, make)
    r = await client.post(f"{API}/reports/schedules", headers=tenant.headers, json={
        "name": "Shifts every morning", "kind": "shift_report", "format": "xlsx",
        "cadence": "daily", "node_id": node["id"], "recipients": ["shift.lead@example.com"]})
    assert r.status_code == 201, r.text
    schedule = r.json()["data"]
    assert schedule["node_id"] == node["id"] and schedule["kind"] == "shift_report"
    await _make_due(schedule["id"], tenant.id)
    settings = app.state.resources.settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port})
    resources = dataclasses.replace(app.state.resources, settings=settings, extras={})
    await run_due_schedules(resources)
    async with session_scope() as session:
        [job] = list((await session.execute(select(ReportJob).where(
            ReportJob.factory_id == tenant.id,
            ReportJob.schedule_id == schedule["id"]))).scalars())
    assert (job.kind, job.parameters["node_id"]) == ("shift_report", node["id"])
    await run_report_job(resources, tenant.id, job.id)
    [message] = await smtp_sink.wait_for("shift.lead@example.com")
    [attachment] = list(message.iter_attachments())
    book = load_workbook(io.BytesIO(attachment.get_content()))
    yesterday = today - timedelta(days=1)
    r = await client.get(f"{API}/energy/shifts", headers=tenant.headers, params={
        "start": yesterday.isoformat(), "end": yesterday.isoformat(), "node_id": node["id"]})
    # Early and Late are over; tonight's shift may still be running while the test runs.
    api = {o["name"]: o for o in r.json()["data"]["occurrences"]}
    rows = {row[1]: row for row in book["Shift occurrences"].iter_rows(min_row=2,
                                                                       values_only=True)}
    for name in ("Early", "Late"):
        assert rows[name][0].date() == yesterday
        assert (rows[name][4], rows[name][7]) == (api[name]["energy_kwh"],
                                                  api[name]["production"])


async def test_report_scope_is_devices_or_a_node_of_this_factory(client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    r = await client.post(f"{API}/assets/nodes", headers=other.headers, json={"name": "Theirs"})
    theirs = r.json()["data"]
    device = await make.device(tenant)
    now = datetime.now(UTC)
    body = {"kind": "shift_report", "format": "pdf",
            "start": (now - timedelta(days=1)).isoformat(), "end": now.isoformat()}
    r = await client.post(f"{API}/reports", headers=tenant.headers,
                          json={**body, "node_id": theirs["id"]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "UNKNOWN_NODE")
    r = await client.post(f"{API}/reports", headers=tenant.headers,
                          json={**body, "node_id": theirs["id"], "device_ids": [device.id]})
    assert r.status_code == 422
    r = await client.post(f"{API}/reports/schedules", headers=tenant.headers, json={
        "name": "x", "kind": "shift_report", "format": "pdf", "cadence": "daily",
        "node_id": theirs["id"], "recipients": ["a@example.com"]})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "UNKNOWN_NODE")
