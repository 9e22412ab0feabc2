"""Files people open: names a device or a user chose reach CSV exports, the anomaly CSV, Excel
workbooks and PDF reports as text (never a formula, never markup), and names lose control and
line-separator characters when they are entered."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from openpyxl import load_workbook
from pypdf import PdfReader

from app.core.database import session_scope
from app.models import Alert
from app.services.analytics.runner import run_analytics_job
from app.services.reports.runner import run_report_job
from app.stores.timeseries.base import Point, to_epoch_ms
from tests.unit.test_analytics_models import synthetic_with_anomalies

FORMULA_NAME = '=HYPERLINK("http://evil.example","open me")'
PLUS_NAME = "+cmd|' /C calc'!A0"
AT_NAME = "@SUM(1+1)*cmd"
MARKUP_NAME = "Pump <A> & $x^$ </para>"
ALERT_TITLE = "-2+3 <b>hot</b>"


async def download(client, url: str) -> bytes:
    parts = urlsplit(url)
    r = await client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200, r.text
    return r.content


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_export_writes_device_chosen_parameter_names_as_text(app, client, make, tenant):
    device = await make.device(tenant)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    names = [FORMULA_NAME, PLUS_NAME, AT_NAME, "-reactive", "plain"]
    for name in names:
        await make.parameter(device, name)
    await app.state.resources.timeseries.write(
        [Point(tenant.id, device.id, name, to_epoch_ms(start), -1.5) for name in names])
    r = await client.get(f"/api/v1/devices/{device.id}/telemetry/export", headers=tenant.headers,
                         params={"format": "csv", "start": "2026-03-01T00:00:00Z",
                                 "end": "2026-03-01T00:01:00Z"})
    assert r.status_code == 200
    written = {row[1]: row[2] for row in rows_of(r.text)[1:]}
    assert set(written) == {"'" + FORMULA_NAME, "'" + PLUS_NAME, "'" + AT_NAME, "'-reactive",
                            "plain"}
    # Values are numbers, negative ones included, and stay numbers.
    assert set(written.values()) == {"-1.5"}


async def test_anomaly_csv_headers_carry_names_as_text(app, client, make):
    tenant = await make.tenant()
    meters = [await make.device(tenant, name=name) for name in (FORMULA_NAME, PLUS_NAME)]
    table, _ = synthetic_with_anomalies(3)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    shift = (now - timedelta(days=3)) - table.index[0].to_pydatetime()
    points = []
    for meter in meters:
        await make.parameter(meter, AT_NAME)
        points += [Point(tenant.id, meter.id, AT_NAME,
                         to_epoch_ms(moment.to_pydatetime() + shift), float(power))
                   for moment, power in zip(table.index, table["power"], strict=True)]
    await app.state.resources.timeseries.write(points)
    r = await client.post("/api/v1/analytics/jobs", headers=tenant.headers, json={
        "kind": "anomaly", "device_ids": [m.id for m in meters], "parameters": [AT_NAME],
        "start": (now - timedelta(days=3)).isoformat(), "end": now.isoformat()})
    assert r.status_code == 202, r.text
    job_id = r.json()["data"]["id"]
    await run_analytics_job(app.state.resources, tenant.id, job_id)
    done = (await client.get(f"/api/v1/analytics/jobs/{job_id}",
                             headers=tenant.headers)).json()["data"]
    assert done["status"] == "complete", done["error"]
    header = rows_of((await download(client, done["download_url"])).decode())[0]
    assert header[2:4] == [f"'{FORMULA_NAME} · {AT_NAME}", f"'{PLUS_NAME} · {AT_NAME}"]
    assert not any(cell[:1] in "=+-@" for cell in header)


async def report_plant(app, make):
    tenant = await make.tenant(name="Werk <Nord> & Söhne")
    meters = [await make.device(tenant, name=name)
              for name in (FORMULA_NAME, MARKUP_NAME, PLUS_NAME)]
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) \
        - timedelta(days=3)
    end = start + timedelta(days=2)
    points = []
    for meter in meters:
        await make.parameter(meter, "E", role="energy_counter")
        points += [Point(tenant.id, meter.id, "E", to_epoch_ms(start + timedelta(minutes=15 * i)),
                         100.0 + 2.5 * i) for i in range(4 * 50)]
    await app.state.resources.timeseries.write(points)
    async with session_scope() as session:
        for meter, title in ((meters[0], ALERT_TITLE), (meters[1], MARKUP_NAME)):
            moment = start + timedelta(hours=5)
            session.add(Alert(factory_id=tenant.id, device_id=meter.id, severity="warning",
                              title=title, triggered_at=moment, last_triggered_at=moment))
        await session.commit()
    return tenant, start, end


async def generate(app, client, tenant, **body) -> bytes:
    r = await client.post("/api/v1/reports", headers=tenant.headers, json=body)
    assert r.status_code == 202, r.text
    job_id = r.json()["data"]["id"]
    await run_report_job(app.state.resources, tenant.id, job_id)
    done = (await client.get(f"/api/v1/reports/{job_id}", headers=tenant.headers)).json()["data"]
    assert done["status"] == "complete", done["error"]
    return await download(client, done["download_url"])


async def test_workbook_cells_with_names_are_text_not_formulas(app, client, make):
    tenant, start, end = await report_plant(app, make)
    content = await generate(app, client, tenant, kind="energy_summary", format="xlsx",
                             start=start.isoformat(), end=end.isoformat())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)

    book = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in (
                        FORMULA_NAME, PLUS_NAME, MARKUP_NAME, ALERT_TITLE):
                    found.setdefault(cell.value, []).append(cell)
    assert set(found) == {FORMULA_NAME, PLUS_NAME, MARKUP_NAME, ALERT_TITLE}
    for cells in found.values():
        for cell in cells:
            assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert book["Summary"]["A2"].value == "Werk <Nord> & Söhne"


async def test_pdf_prints_names_with_markup_characters(app, client, make):
    tenant, start, end = await report_plant(app, make)
    for kind in ("energy_summary", "device_detail", "alerts"):
        content = await generate(app, client, tenant, kind=kind, format="pdf",
                                 start=start.isoformat(), end=end.isoformat())
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Werk <Nord> & Söhne" in text, kind
        assert MARKUP_NAME in text.replace("\n", " "), kind


async def test_names_lose_control_and_line_separator_characters_when_entered(client, make):
    tenant = await make.tenant()
    r = await client.post("/api/v1/devices", headers=tenant.headers, json={
        "device_key": "press-1", "name": "Press\u2028line\r\n1\x07\u202e",
        "location": "Hall\t3", "area": "\u2029North"})
    assert r.status_code == 201, r.text
    device = r.json()["data"]["device"]
    assert device["name"] == "Press line  1"
    assert device["location"] == "Hall 3" and device["area"] == "North"
    r = await client.post("/api/v1/devices", headers=tenant.headers, json={
        "device_key": "press-2", "name": "\x00\u2028\n"})
    assert r.status_code == 422  # nothing visible is left of the name

    await make.parameter(await make.device(tenant, area="Hall A"), "power_kw")
    r = await client.post("/api/v1/rules", headers=tenant.headers, json={
        "name": "Over\nload\u0085 \u202eA", "scope": {"kind": "area", "value": "Hall\u2028A"},
        "condition": {"parameter": "power_kw", "operator": ">", "value": 100}})
    assert r.status_code == 201, r.text
    rule = r.json()["data"]
    assert rule["name"] == "Over load  A" and rule["scope"]["value"] == "Hall A"
    r = await client.post("/api/v1/users", headers=tenant.headers, json={
        "email": "ida@test.io", "full_name": "Ida\r\nInvited\x1b[31m", "role": "user"})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["full_name"] == "Ida  Invited[31m"
