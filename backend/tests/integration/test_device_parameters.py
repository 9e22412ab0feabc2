from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models.device_parameter import PARAMETER_ROLES
from app.repositories.device_repo import DeviceParameterRepository
from app.stores.timeseries.base import from_epoch_ms, to_epoch_ms

PARAMETER_FIELDS = {"id", "device_id", "parameter_key", "display_name", "unit", "role",
                    "is_kpi_selected", "first_seen_at", "last_seen_at", "latest"}


async def _stored(factory_id, *parameter_ids):
    from app.core.database import session_scope

    async with session_scope() as session:
        rows = await DeviceParameterRepository(session, factory_id).get_many(parameter_ids)
    return {p.id: p for p in rows}


def _url(device, parameter=None) -> str:
    base = f"/api/v1/devices/{device.id}/parameters"
    return f"{base}/{parameter.id}" if parameter is not None else base


# --- list ----------------------------------------------------------------------------------
async def test_list_shows_parameters_by_key_with_latest_values(app, client, make, tenant):
    device = await make.device(tenant)
    other = await make.device(tenant)
    power = await make.parameter(device, "power_kw", unit="kW", role="active_power",
                                 is_kpi_selected=True, display_name="Power")
    await make.parameter(device, "Voltage L1")
    await make.parameter(device, "energy")
    await make.parameter(other, "power_kw")
    ts_ms = to_epoch_ms(datetime.now(UTC).replace(microsecond=0))
    await app.state.resources.latest.put_many({
        (tenant.id, device.id): {"power_kw": (ts_ms, 42.5), "Voltage L1": (ts_ms - 1000, 231.0)},
        (tenant.id, other.id): {"power_kw": (ts_ms, 1.0)},
    })

    r = await client.get(_url(device), headers=tenant.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 20)
    items = body["data"]
    assert [p["parameter_key"] for p in items] == ["Voltage L1", "energy", "power_kw"]
    assert all(set(p) == PARAMETER_FIELDS and p["device_id"] == device.id for p in items)
    by_key = {p["parameter_key"]: p for p in items}
    assert by_key["power_kw"]["id"] == power.id
    assert by_key["power_kw"]["latest"]["value"] == 42.5
    assert datetime.fromisoformat(by_key["power_kw"]["latest"]["ts"]) == from_epoch_ms(ts_ms)
    assert by_key["Voltage L1"]["latest"]["value"] == 231.0
    assert by_key["energy"]["latest"] is None
    assert (by_key["power_kw"]["unit"], by_key["power_kw"]["role"]) == ("kW", "active_power")
    assert by_key["power_kw"]["is_kpi_selected"] is True
    assert by_key["power_kw"]["display_name"] == "Power"


async def test_latest_values_are_read_once_per_request(app, client, make, tenant, monkeypatch):
    device = await make.device(tenant)
    for i in range(12):
        await make.parameter(device, f"p{i:02}")
    latest = app.state.resources.latest
    calls = []
    real_get = latest.get

    async def counting_get(factory_id, device_id):
        calls.append((factory_id, device_id))
        return await real_get(factory_id, device_id)

    monkeypatch.setattr(latest, "get", counting_get)
    r = await client.get(_url(device), params={"per_page": 100}, headers=tenant.headers)
    assert r.status_code == 200 and len(r.json()["data"]) == 12
    assert calls == [(tenant.id, device.id)]


async def test_list_is_paginated_up_to_a_hundred(client, make, tenant):
    device = await make.device(tenant)
    for i in range(105):
        await make.parameter(device, f"m{i:03}")
    r = await client.get(_url(device), params={"per_page": 500}, headers=tenant.headers)
    body = r.json()
    assert body["total"] == 105 and body["per_page"] == 100 and len(body["data"]) == 100
    r = await client.get(_url(device), params={"per_page": 100, "page": 2},
                         headers=tenant.headers)
    assert [p["parameter_key"] for p in r.json()["data"]] == [f"m{i:03}" for i in (100, 101,
                                                                                   102, 103,
                                                                                   104)]
    r = await client.get(_url(device), params={"per_page": 2, "page": 3},
                         headers=tenant.headers)
    assert [p["parameter_key"] for p in r.json()["data"]] == ["m004", "m005"]


async def test_a_device_without_parameters_lists_none(client, make, tenant):
    device = await make.device(tenant)
    r = await client.get(_url(device), headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"] == [] and r.json()["total"] == 0


# --- single update -------------------------------------------------------------------------
async def test_patch_names_a_parameter_and_gives_it_a_role(client, make, tenant):
    device = await make.device(tenant)
    parameter = await make.parameter(device, "kwh_total")
    r = await client.patch(_url(device, parameter), headers=tenant.headers, json={
        "display_name": " Energy counter ", "unit": "kWh", "role": "energy_counter",
        "is_kpi_selected": True})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert set(data) == PARAMETER_FIELDS
    assert (data["display_name"], data["unit"], data["role"]) == ("Energy counter", "kWh",
                                                                  "energy_counter")
    assert data["is_kpi_selected"] is True and data["parameter_key"] == "kwh_total"

    # Only the fields sent change; null clears an optional one.
    r = await client.patch(_url(device, parameter), json={"role": None},
                           headers=tenant.headers)
    data = r.json()["data"]
    assert data["role"] is None and data["unit"] == "kWh" and data["is_kpi_selected"] is True
    stored = (await _stored(tenant.id, parameter.id))[parameter.id]
    assert (stored.display_name, stored.unit, stored.role, stored.is_kpi_selected) == (
        "Energy counter", "kWh", None, True)


@pytest.mark.parametrize("role", PARAMETER_ROLES)
async def test_every_known_role_is_accepted(client, make, tenant, role):
    device = await make.device(tenant)
    parameter = await make.parameter(device, "x")
    r = await client.patch(_url(device, parameter), json={"role": role}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["role"] == role


@pytest.mark.parametrize("body,field", [
    ({"role": "wattage"}, "body.role"),
    ({"is_kpi_selected": None}, "body"),
    ({"is_kpi_selected": "perhaps"}, "body.is_kpi_selected"),
    ({"unit": "u" * 33}, "body.unit"),
    ({"display_name": "d" * 201}, "body.display_name"),
    ({"parameter_key": "renamed"}, "body.parameter_key"),
])
async def test_patch_validates(client, make, tenant, body, field):
    device = await make.device(tenant)
    parameter = await make.parameter(device, "x")
    r = await client.patch(_url(device, parameter), json=body, headers=tenant.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]]


async def test_a_parameter_of_another_device_is_not_found(client, make, tenant):
    device = await make.device(tenant)
    sibling = await make.device(tenant)
    parameter = await make.parameter(sibling, "power_kw")
    r = await client.patch(_url(device, parameter), json={"unit": "kW"},
                           headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "PARAMETER_NOT_FOUND"
    r = await client.patch(f"{_url(device)}/{2**62}", json={"unit": "kW"},
                           headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "PARAMETER_NOT_FOUND"
    assert (await _stored(tenant.id, parameter.id))[parameter.id].unit is None


# --- bulk update ---------------------------------------------------------------------------
async def test_bulk_update_changes_every_listed_parameter(app, client, make, tenant):
    device = await make.device(tenant)
    power = await make.parameter(device, "power_kw")
    voltage = await make.parameter(device, "voltage", unit="V")
    untouched = await make.parameter(device, "temperature")
    ts_ms = to_epoch_ms(datetime.now(UTC) - timedelta(seconds=5))
    await app.state.resources.latest.put_many({(tenant.id, device.id): {"power_kw": (ts_ms,
                                                                                     7.5)}})
    r = await client.patch(_url(device), headers=tenant.headers, json={"items": [
        {"id": voltage.id, "role": "voltage", "is_kpi_selected": True},
        {"id": power.id, "role": "active_power", "unit": "kW", "is_kpi_selected": True},
    ]})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [p["parameter_key"] for p in data] == ["power_kw", "voltage"]
    assert data[0]["latest"]["value"] == 7.5 and data[1]["latest"] is None
    stored = await _stored(tenant.id, power.id, voltage.id, untouched.id)
    assert (stored[power.id].role, stored[power.id].unit) == ("active_power", "kW")
    assert (stored[voltage.id].role, stored[voltage.id].unit) == ("voltage", "V")
    assert stored[power.id].is_kpi_selected and stored[voltage.id].is_kpi_selected
    assert not stored[untouched.id].is_kpi_selected and stored[untouched.id].role is None


async def test_bulk_update_is_all_or_nothing(client, make, tenant, other_tenant):
    device = await make.device(tenant)
    sibling = await make.device(tenant)
    mine = await make.parameter(device, "power_kw")
    siblings = await make.parameter(sibling, "power_kw")
    foreign_device = await make.device(other_tenant)
    foreign = await make.parameter(foreign_device, "power_kw")
    for stranger in (2**62, siblings.id, foreign.id):
        r = await client.patch(_url(device), headers=tenant.headers, json={"items": [
            {"id": mine.id, "unit": "kW", "is_kpi_selected": True},
            {"id": stranger, "unit": "W"},
        ]})
        assert r.status_code == 404, r.text
        error = r.json()["error"]
        assert error["code"] == "PARAMETER_NOT_FOUND"
        assert error["details"] == {"missing_ids": [stranger]}
    stored = await _stored(tenant.id, mine.id, siblings.id)
    assert stored[mine.id].unit is None and not stored[mine.id].is_kpi_selected
    assert stored[siblings.id].unit is None
    assert (await _stored(other_tenant.id, foreign.id))[foreign.id].unit is None


@pytest.mark.parametrize("items", [
    [],
    [{"id": 1}] * 2,
    [{"id": i} for i in range(1, 502)],
    [{"unit": "kW"}],
    [{"id": 1, "role": "bogus"}],
    [{"id": 0}],
    "not a list",
])
async def test_bulk_update_validates(client, make, tenant, items):
    device = await make.device(tenant)
    r = await client.patch(_url(device), json={"items": items}, headers=tenant.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_bulk_update_of_five_hundred(client, make, tenant, db):
    from app.models import DeviceParameter

    device = await make.device(tenant)
    db.add_all([DeviceParameter(factory_id=tenant.id, device_id=device.id,
                                parameter_key=f"k{i:03}") for i in range(500)])
    await db.commit()
    r = await client.get(_url(device), params={"per_page": 100}, headers=tenant.headers)
    assert r.json()["total"] == 500
    ids = []
    for page in range(1, 6):
        r = await client.get(_url(device), params={"per_page": 100, "page": page},
                             headers=tenant.headers)
        ids += [p["id"] for p in r.json()["data"]]
    r = await client.patch(_url(device), headers=tenant.headers,
                           json={"items": [{"id": i, "unit": "u"} for i in ids]})
    assert r.status_code == 200 and len(r.json()["data"]) == 500
    assert {p["unit"] for p in r.json()["data"]} == {"u"}
