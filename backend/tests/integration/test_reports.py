"""Report jobs on real servers: the numbers printed in the PDF (text extracted with pypdf)
and stored in the workbook (read back with openpyxl) are the energy API's numbers for the
same range, because both come from the same EnergyService."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.core.database import session_scope
from app.models import Alert
from app.services.reports.format import number
from app.services.reports.runner import run_report_job
from app.stores.timeseries.base import Point, to_epoch_ms

BERLIN = ZoneInfo("Europe/Berlin")


def report_range() -> tuple[datetime, datetime]:
    """The three local days before yesterday, as a report of whole days would ask."""
    today = datetime.now(BERLIN).date()
    start = datetime.combine(today - timedelta(days=4), datetime.min.time(), tzinfo=BERLIN)
    end = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=BERLIN)
    return start, end


async def plant(app, make):
    tenant = await make.tenant(name="Werk Süd", timezone="Europe/Berlin",
                               tariff={"kind": "flat", "price_per_kwh": 0.21},
                               co2_kg_per_kwh=0.38)
    meter = await make.device(tenant, name="Main meter")
    press = await make.device(tenant, name="Press 2")
    sensor = await make.device(tenant, name="Hall sensor")
    await make.parameter(meter, "E_import", role="energy_counter")
    await make.parameter(press, "P", role="active_power")
    await make.parameter(press, "PF", role="power_factor")
    await make.parameter(sensor, "temperature", role="temperature")
    start, end = report_range()
    first = start.astimezone(UTC) - timedelta(hours=2)
    points, counter = [], 1000.0
    for step in range(int((end - start).total_seconds() // 300) + 48):
        moment = first + timedelta(minutes=5 * step)
        ts = to_epoch_ms(moment)
        hour = moment.astimezone(BERLIN).hour
        load = 80.0 if 6 <= hour < 22 else 15.0
        counter += load / 12
        points += [Point(tenant.id, meter.id, "E_import", ts, round(counter, 3)),
                   Point(tenant.id, press.id, "P", ts, load * 0.4 + (step % 7)),
                   Point(tenant.id, press.id, "PF", ts, 0.86 + (step % 5) / 100),
                   Point(tenant.id, sensor.id, "temperature", ts, 21.5)]
    await app.state.resources.timeseries.write(points)
    async with session_scope() as session:
        for offset, (title, severity) in enumerate([("Press overload", "critical"),
                                                    ("Low power factor", "warning")]):
            moment = start.astimezone(UTC) + timedelta(hours=10 + offset)
            session.add(Alert(factory_id=tenant.id, device_id=press.id, severity=severity,
                              title=title, triggered_at=moment, last_triggered_at=moment))
        late = end.astimezone(UTC) + timedelta(hours=1)
        session.add(Alert(factory_id=tenant.id, device_id=press.id, severity="info",
                          title="Outside the period", triggered_at=late,
                          last_triggered_at=late))
        await session.commit()
    return tenant, (meter, press, sensor), start, end


async def generate(app, client, tenant, **body) -> dict:
    r = await client.post("/api/v1/reports", headers=tenant.headers, json=body)
    assert r.status_code == 202, r.text
    job = r.json()["data"]
    assert job["status"] == "pending"
    await run_report_job(app.state.resources, tenant.id, job["id"])
    r = await client.get(f"/api/v1/reports/{job['id']}", headers=tenant.headers)
    done = r.json()["data"]
    assert done["status"] == "complete", done["error"]
    return done


async def download(client, url: str) -> bytes:
    parts = urlsplit(url)
    r = await client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200
    return r.content


async def energy_api(client, tenant, start, end, device=None) -> dict:
    path = f"/api/v1/devices/{device.id}/energy" if device else "/api/v1/energy"
    r = await client.get(path, headers=tenant.headers, params={
        "start": start.isoformat(), "end": end.isoformat(), "bucket": "day"})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_pdf_prints_the_energy_api_numbers(app, client, make):
    tenant, (meter, press, _sensor), start, end = await plant(app, make)
    done = await generate(app, client, tenant, kind="energy_summary", format="pdf",
                          start=start.isoformat(), end=end.isoformat())
    assert done["format"] == "pdf" and done["download_url"]
    assert done["files"][0]["content_type"] == "application/pdf"
    assert done["files"][0]["name"].endswith(".pdf")
    pdf = await download(client, done["download_url"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    factory = await energy_api(client, tenant, start, end)
    totals = factory["totals"]
    assert totals["energy_kwh"] > 1000
    for figure in ("energy_kwh", "cost", "co2_kg", "peak_demand_kw"):
        assert number(totals[figure]) in text, figure
    assert f"{totals['load_factor'] * 100:,.1f} %" in text
    for device in (meter, press):
        device_totals = (await energy_api(client, tenant, start, end, device))["totals"]
        for figure in ("energy_kwh", "cost", "co2_kg", "peak_demand_kw"):
            assert number(device_totals[figure]) in text, (device.name, figure)
    assert "Werk Süd" in text and "Europe/Berlin" in text
    assert "Press overload" in text and "Low power factor" in text
    assert "Outside the period" not in text
    assert "Hall sensor" not in text  # nothing measured that has an energy role
    assert done["result"]["energy_kwh"] == pytest.approx(totals["energy_kwh"])
    assert done["result"]["alerts"] == 2


async def test_workbook_holds_the_energy_api_numbers(app, client, make):
    tenant, (meter, press, _sensor), start, end = await plant(app, make)
    done = await generate(app, client, tenant, kind="energy_summary", format="xlsx",
                          start=start.isoformat(), end=end.isoformat())
    book = load_workbook(io.BytesIO(await download(client, done["download_url"])))
    assert book.sheetnames == ["Summary", "Devices", "Daily", "Hourly", "Alerts"]
    totals = (await energy_api(client, tenant, start, end))["totals"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=7, values_only=True)}
    assert summary["Energy consumed"] == totals["energy_kwh"]
    assert summary["Energy cost"] == totals["cost"]
    assert summary["CO2 emissions"] == totals["co2_kg"]
    assert summary["Peak demand (15-minute)"] == totals["peak_demand_kw"]
    assert summary["Load factor"] == totals["load_factor"]
    assert summary["Alerts raised"] == 2

    devices = book["Devices"]
    assert devices.freeze_panes == "B2" and devices["B2"].number_format == "#,##0.00"
    assert len(devices._charts) == 1
    rows = {row[0]: row for row in devices.iter_rows(min_row=2, values_only=True)}
    daily = book["Daily"]
    header = [c.value for c in daily[1]]
    for device in (meter, press):
        api = await energy_api(client, tenant, start, end, device)
        assert rows[device.name][1] == api["totals"]["energy_kwh"]
        assert rows[device.name][3] == api["totals"]["cost"]
        assert rows[device.name][5] == api["totals"]["peak_demand_kw"]
        column = header.index(device.name) + 1
        values = [daily.cell(row=r, column=column).value for r in range(2, 5)]
        assert values == [b["energy_kwh"] for b in api["buckets"]]
    assert [daily.cell(row=r, column=1).value.date() for r in range(2, 5)] == [
        (start + timedelta(days=n)).date() for n in range(3)]
    assert daily.freeze_panes == "B2" and len(daily._charts) == 1
    hourly = book["Hourly"]
    assert hourly.max_row == 1 + 72 and len(hourly._charts) == 1
    assert hourly["A2"].number_format == "yyyy-mm-dd hh:mm"
    r = await client.get("/api/v1/energy", headers=tenant.headers, params={
        "start": start.isoformat(), "end": end.isoformat(), "bucket": "hour"})
    api_hours = r.json()["data"]["buckets"]
    sheet_hours = list(hourly.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in sheet_hours] == [b["energy_kwh"] for b in api_hours]
    assert [row[4] for row in sheet_hours] == [b["peak_demand_kw"] for b in api_hours]
    alerts = [r for r in book["Alerts"].iter_rows(min_row=2, values_only=True)]
    assert sorted(a[3] for a in alerts) == ["Low power factor", "Press overload"]


async def test_chosen_devices_and_device_detail(app, client, make):
    tenant, (meter, press, _sensor), start, end = await plant(app, make)
    done = await generate(app, client, tenant, kind="device_detail", format="pdf",
                          start=start.isoformat(), end=end.isoformat(), device_ids=[press.id])
    pdf = await download(client, done["download_url"])
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    api = await energy_api(client, tenant, start, end, press)
    assert number(api["totals"]["energy_kwh"]) in text
    for bucket in api["buckets"]:
        assert number(bucket["energy_kwh"]) in text
    assert "Main meter" not in text
    assert done["request"]["device_ids"] == [press.id]

    alerts = await generate(app, client, tenant, kind="alerts", format="xlsx",
                            start=start.isoformat(), end=end.isoformat())
    book = load_workbook(io.BytesIO(await download(client, alerts["download_url"])))
    assert book.sheetnames == ["Summary", "Devices", "Alerts"]


async def test_requests_permissions_and_deletion(app, client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    foreign = await make.device(other)
    now = datetime.now(UTC)
    body = {"kind": "energy_summary", "format": "pdf",
            "start": (now - timedelta(days=2)).isoformat(), "end": now.isoformat()}
    for change, code in [({"device_ids": [foreign.id]}, "UNKNOWN_DEVICES"),
                         ({"start": (now - timedelta(days=70)).isoformat()}, "RANGE_TOO_LONG"),
                         ({"end": (now - timedelta(days=2, minutes=-10)).isoformat()},
                          "RANGE_TOO_SHORT"),
                         ({"format": "docx"}, "VALIDATION_ERROR"),
                         ({"kind": "carbon"}, "VALIDATION_ERROR")]:
        r = await client.post("/api/v1/reports", headers=tenant.headers, json={**body, **change})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (change, r.text)
    viewer = await make.user(tenant.factory)
    r = await client.post("/api/v1/reports", headers=make.headers(viewer), json=body)
    assert r.status_code == 403
    reporter = await make.user(tenant.factory, permissions=["generate_reports"])
    r = await client.post("/api/v1/reports", headers=make.headers(reporter), json=body)
    assert r.status_code == 202
    job = r.json()["data"]
    await run_report_job(app.state.resources, tenant.id, job["id"])
    listed = (await client.get("/api/v1/reports", headers=make.headers(viewer),
                               params={"status": "complete"})).json()
    assert listed["total"] == 1 and listed["data"][0]["download_url"]
    key = f"factories/{tenant.id}/reports/{job['id']}/report.pdf"
    assert await app.state.resources.objects.exists(key)
    assert (await client.delete(f"/api/v1/reports/{job['id']}",
                                headers=make.headers(viewer))).status_code == 403
    r = await client.delete(f"/api/v1/reports/{job['id']}", headers=make.headers(reporter))
    assert r.status_code == 204
    assert not await app.state.resources.objects.exists(key)
    r = await client.get(f"/api/v1/reports/{job['id']}", headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "REPORT_NOT_FOUND"
