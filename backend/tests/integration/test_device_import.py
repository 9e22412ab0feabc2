"""Bulk provisioning: up to 1,000 devices from CSV or JSON, validated per row, all or nothing,
with the new credentials returned once as CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from app.core.database import session_scope
from app.models import Device

CSV = {"Content-Type": "text/csv"}


def credentials(response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.text)))


async def device_count(factory_id: int) -> int:
    async with session_scope() as session:
        return await session.scalar(select(func.count()).select_from(Device)
                                    .where(Device.factory_id == factory_id))


async def test_a_thousand_devices_from_csv_with_their_credentials_once(client, tenant):
    lines = ["device_key,name,type,area"] + [f"meter-{i:04d},Meter {i},energy_meter,Hall {i % 3}"
                                             for i in range(1000)]
    r = await client.post("/api/v1/devices/import", content="\n".join(lines).encode(),
                          headers={**tenant.headers, **CSV})
    assert r.status_code == 200, r.text[:500]
    rows = credentials(r)
    assert len(rows) == 1000 and {row["action"] for row in rows} == {"created"}
    assert rows[0]["username"] == f"{tenant.factory.slug}/meter-0000"
    assert len({row["password"] for row in rows}) == 1000
    assert await device_count(tenant.id) == 1000
    listed = (await client.get("/api/v1/devices", params={"q": "meter-0999"},
                               headers=tenant.headers)).json()["data"]
    assert listed[0]["area"] == "Hall 0"
    # The token in the file is the device's: it sends telemetry with it.
    r = await client.post("/api/v1/ingest", content=b'{"v": 1}',
                          headers={"X-Device-Token": rows[999]["password"]})
    assert r.status_code == 202 and r.json()["data"]["accepted"] == 1


async def test_existing_keys_are_updated_and_keep_their_token(client, tenant, make):
    device = await make.device(tenant, device_key="press-1", name="Old name")
    r = await client.post("/api/v1/devices/import", headers=tenant.headers, json={"devices": [
        {"device_key": "press-1", "name": "Press 1", "area": "Stamping"},
        {"device_key": "press-2", "name": "Press 2"}]})
    assert r.status_code == 200, r.text
    rows = credentials(r)
    assert [(row["device_key"], row["action"], bool(row["password"])) for row in rows] == [
        ("press-1", "updated", False), ("press-2", "created", True)]
    updated = (await client.get(f"/api/v1/devices/{device.id}",
                                headers=tenant.headers)).json()["data"]
    assert (updated["name"], updated["area"]) == ("Press 1", "Stamping")


async def test_any_invalid_row_is_reported_with_its_row_and_nothing_is_written(client, tenant):
    lines = ["device_key,name", "good-1,Good", "bad key,Spaces", ",No key", "good-1,Twice",
             "good-2,Good too"]
    r = await client.post("/api/v1/devices/import", content="\n".join(lines).encode(),
                          headers={**tenant.headers, **CSV})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "IMPORT_INVALID"
    assert sorted({p["row"] for p in error["details"]}) == [2, 3, 4]
    assert any(p["row"] == 4 and "row 1" in p["message"] for p in error["details"])
    assert await device_count(tenant.id) == 0


async def test_imports_are_bounded_and_guarded(client, tenant, make):
    too_many = {"devices": [{"device_key": f"k{i}", "name": "n"} for i in range(1001)]}
    r = await client.post("/api/v1/devices/import", headers=tenant.headers, json=too_many)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "VALIDATION_ERROR")
    r = await client.post("/api/v1/devices/import", content=b"serial,name\nx,y\n",
                          headers={**tenant.headers, **CSV})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "INVALID_IMPORT")
    viewer = await make.user(tenant.factory, permissions=[])
    r = await client.post("/api/v1/devices/import", headers=make.headers(viewer),
                          json={"devices": [{"device_key": "x", "name": "y"}]})
    assert r.status_code == 403
