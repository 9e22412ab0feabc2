from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from app.services.devices.telemetry_export import TelemetryService
from app.stores.timeseries.base import Point, to_epoch_ms

START = datetime(2026, 2, 10, tzinfo=UTC)
TRICKY = 'line "A", main'


def _url(device) -> str:
    return f"/api/v1/devices/{device.id}/telemetry/export"


async def _device_with_data(app, make, tenant, seconds: int = 4000):
    device = await make.device(tenant, device_key="press-7")
    for key in ("power", TRICKY, "unused"):
        await make.parameter(device, key)
    points = []
    for i in range(seconds):
        ts = to_epoch_ms(START + timedelta(seconds=i))
        points.append(Point(tenant.id, device.id, "power", ts, float(i)))
        points.append(Point(tenant.id, device.id, TRICKY, ts, i / 4))
    await app.state.resources.timeseries.write(points)
    return device


async def test_export_streams_csv_rows_in_time_order(app, client, make, tenant):
    device = await _device_with_data(app, make, tenant)
    params = {"format": "csv", "parameters": ["power", TRICKY],
              "start": "2026-02-10T00:00:00Z", "end": "2026-02-10T01:00:00Z"}
    async with client.stream("GET", _url(device), headers=tenant.headers,
                             params=params) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        assert r.headers["content-disposition"].startswith(
            'attachment; filename="press-7_20260210T000000Z_20260210T010000Z.csv"')
        body = b"".join([chunk async for chunk in r.aiter_bytes()]).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["timestamp", "parameter", "value"]
    data = rows[1:]
    assert len(data) == 2 * 3600
    # The key with a comma and quotes survives the round trip through the csv module.
    assert f'"{TRICKY.replace(chr(34), chr(34) * 2)}"' in body
    assert {row[1] for row in data} == {"power", TRICKY}
    stamps = [row[0] for row in data]
    assert stamps == sorted(stamps)
    assert stamps[0] == "2026-02-10T00:00:00.000Z" and stamps[-1] == "2026-02-10T00:59:59.000Z"
    by_key = {(row[0], row[1]): float(row[2]) for row in data}
    assert by_key[("2026-02-10T00:10:00.000Z", "power")] == 600.0
    assert by_key[("2026-02-10T00:10:00.000Z", TRICKY)] == 150.0


async def test_export_comes_in_many_bounded_chunks(app, make, tenant, db):
    device = await _device_with_data(app, make, tenant)
    service = TelemetryService(db, app.state.resources, tenant.id)
    export = await service.export(device, format="csv", parameters=None,
                                  start=START, end=START + timedelta(hours=2), chunk_rows=500)
    chunks = [chunk async for chunk in export.chunks]
    assert len(chunks) >= 1 + 8000 // 500
    assert max(chunk.count(b"\n") for chunk in chunks) <= 500
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 1 + 8000


async def test_export_defaults_to_every_parameter(app, client, make, tenant):
    device = await _device_with_data(app, make, tenant, seconds=10)
    r = await client.get(_url(device), headers=tenant.headers, params={
        "start": "2026-02-10T00:00:00Z", "end": "2026-02-10T00:01:00Z"})
    assert r.status_code == 200
    assert len(r.text.strip().splitlines()) == 1 + 20


async def test_export_refusals(app, client, make, tenant, other_tenant):
    device = await _device_with_data(app, make, tenant, seconds=1)
    cases = [
        ({"format": "xlsx"}, "UNSUPPORTED_FORMAT"),
        ({"start": "2024-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"parameters": "nope"}, "UNKNOWN_PARAMETER"),
    ]
    for params, code in cases:
        r = await client.get(_url(device), headers=tenant.headers, params=params)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == code
    foreign = await make.device(other_tenant)
    r = await client.get(_url(foreign), headers=tenant.headers)
    assert r.status_code == 404


async def test_unsafe_device_keys_give_safe_file_names(app, client, make, tenant):
    device = await make.device(tenant, device_key='kiln"ä;x')
    r = await client.get(_url(device), headers=tenant.headers, params={
        "start": "2026-02-10T00:00:00Z", "end": "2026-02-10T00:01:00Z"})
    assert r.status_code == 200
    assert 'filename="kiln_x_20260210T000000Z_20260210T000100Z.csv"' in \
        r.headers["content-disposition"]
    assert r.text == "timestamp,parameter,value\n"
