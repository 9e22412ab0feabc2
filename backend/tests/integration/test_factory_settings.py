from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.repositories.factory_repo import FactoryRepository

URL = "/api/v1/factories/current"

TOU = {
    "kind": "tou",
    "default_price_per_kwh": 0.18,
    "periods": [
        {"name": "peak", "days": [4, 0, 1, 2, 3, 3], "start": "08:00", "end": "12:00",
         "price_per_kwh": 0.31},
        {"name": "shoulder", "days": [0, 1, 2, 3, 4], "start": "12:00", "end": "20:00",
         "price_per_kwh": 0.24},
        {"name": "late", "days": [0, 1, 2, 3, 4], "start": "22:00", "end": "24:00",
         "price_per_kwh": 0.1},
        {"name": "weekend", "days": [5, 6], "start": "00:00", "end": "24:00",
         "price_per_kwh": 0.12},
    ],
}


async def _stored(factory_id):
    from app.core.database import session_scope

    async with session_scope() as session:
        return await FactoryRepository(session).get(factory_id)


async def test_super_admin_changes_the_factory_settings(client, tenant, other_tenant):
    r = await client.patch(URL, headers=tenant.headers, json={
        "name": " Plant North ", "timezone": "Europe/Berlin", "currency": "CHF",
        "co2_kg_per_kwh": 0.128, "tariff": {"kind": "flat", "price_per_kwh": 0.27},
        "online_threshold_seconds": 600, "allow_auto_register": False})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["id"] == tenant.id and data["slug"] == tenant.factory.slug
    assert (data["name"], data["timezone"], data["currency"]) == ("Plant North",
                                                                  "Europe/Berlin", "CHF")
    assert Decimal(str(data["co2_kg_per_kwh"])) == Decimal("0.128")
    assert data["tariff"] == {"kind": "flat", "price_per_kwh": 0.27}
    assert data["settings"] == {"allow_auto_register": False, "online_threshold_seconds": 600}

    assert (await client.get(URL, headers=tenant.headers)).json()["data"] == data
    stored = await _stored(tenant.id)
    assert stored.timezone == "Europe/Berlin" and stored.co2_kg_per_kwh == Decimal("0.128")
    untouched = await _stored(other_tenant.id)
    assert untouched.name == other_tenant.factory.name and untouched.timezone == "UTC"
    assert untouched.settings == {"allow_auto_register": True}


async def test_only_the_fields_sent_change(client, make):
    tenant = await make.tenant(settings={"allow_auto_register": True, "custom": "kept"},
                               currency="USD")
    r = await client.patch(URL, json={"online_threshold_seconds": 30}, headers=tenant.headers)
    data = r.json()["data"]
    assert data["currency"] == "USD" and data["name"] == tenant.factory.name
    assert data["settings"] == {"allow_auto_register": True, "custom": "kept",
                                "online_threshold_seconds": 30}
    # null returns the threshold to the platform default.
    r = await client.patch(URL, json={"online_threshold_seconds": None}, headers=tenant.headers)
    assert r.json()["data"]["settings"] == {"allow_auto_register": True, "custom": "kept"}
    r = await client.patch(URL, json={}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["currency"] == "USD"


async def test_time_of_use_tariff_is_stored_normalised(client, tenant):
    r = await client.patch(URL, json={"tariff": TOU}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    tariff = r.json()["data"]["tariff"]
    assert tariff["kind"] == "tou" and tariff["default_price_per_kwh"] == 0.18
    assert tariff["periods"][0] == {"name": "peak", "days": [0, 1, 2, 3, 4], "start": "08:00",
                                    "end": "12:00", "price_per_kwh": 0.31}
    assert [p["name"] for p in tariff["periods"]] == ["peak", "shoulder", "late", "weekend"]
    assert (await _stored(tenant.id)).tariff == tariff
    # A flat tariff replaces it entirely.
    r = await client.patch(URL, json={"tariff": {"kind": "flat", "price_per_kwh": 0}},
                           headers=tenant.headers)
    assert r.json()["data"]["tariff"] == {"kind": "flat", "price_per_kwh": 0.0}


def _tou(*periods, default=0.2):
    return {"tariff": {"kind": "tou", "default_price_per_kwh": default,
                       "periods": [dict(name=f"p{i}", days=[0], price_per_kwh=0.3) | p
                                   for i, p in enumerate(periods)]}}


@pytest.mark.parametrize("body,field", [
    ({"timezone": "Mars/Olympus_Mons"}, "body.timezone"),
    ({"timezone": "europe/berlin"}, "body.timezone"),
    ({"timezone": ""}, "body.timezone"),
    ({"currency": "eur"}, "body.currency"),
    ({"currency": "EURO"}, "body.currency"),
    ({"co2_kg_per_kwh": -0.1}, "body.co2_kg_per_kwh"),
    ({"co2_kg_per_kwh": "lots"}, "body.co2_kg_per_kwh"),
    ({"online_threshold_seconds": 9}, "body.online_threshold_seconds"),
    ({"online_threshold_seconds": 86401}, "body.online_threshold_seconds"),
    ({"allow_auto_register": "sometimes"}, "body.allow_auto_register"),
    ({"allow_auto_register": None}, "body"),
    ({"name": None}, "body"),
    ({"name": "  "}, "body.name"),
    ({"slug": "renamed"}, "body.slug"),
    ({"tariff": {"kind": "flat", "price_per_kwh": -0.01}}, "body.tariff.flat.price_per_kwh"),
    ({"tariff": {"kind": "flat"}}, "body.tariff.flat.price_per_kwh"),
    ({"tariff": {"kind": "block", "price_per_kwh": 1}}, "body.tariff"),
    ({"tariff": {"price_per_kwh": 1}}, "body.tariff"),
    ({"tariff": None}, "body"),
    (_tou(default=-1), "body.tariff.tou.default_price_per_kwh"),
    (_tou({"start": "08:00", "end": "12:00", "price_per_kwh": -2}),
     "body.tariff.tou.periods.0.price_per_kwh"),
    (_tou({"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}),
     "body.tariff.tou"),
    (_tou({"start": "08:00", "end": "24:00", "days": [2, 3]},
          {"start": "00:00", "end": "09:00", "days": [3]}), "body.tariff.tou"),
    (_tou({"start": "12:00", "end": "08:00"}), "body.tariff.tou.periods.0"),
    (_tou({"start": "08:00", "end": "08:00"}), "body.tariff.tou.periods.0"),
    (_tou({"start": "08:00", "end": "24:01"}), "body.tariff.tou.periods.0.end"),
    (_tou({"start": "24:00", "end": "24:00"}), "body.tariff.tou.periods.0.start"),
    (_tou({"start": "8:00", "end": "12:00"}), "body.tariff.tou.periods.0.start"),
    (_tou({"start": "08:00", "end": "12:00", "days": [7]}),
     "body.tariff.tou.periods.0.days.0"),
    (_tou({"start": "08:00", "end": "12:00", "days": []}), "body.tariff.tou.periods.0.days"),
    (_tou({"start": "08:00", "end": "12:00", "name": ""}), "body.tariff.tou.periods.0.name"),
])
async def test_settings_are_validated(client, tenant, body, field):
    r = await client.patch(URL, json=body, headers=tenant.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]], error["details"]
    stored = await _stored(tenant.id)
    assert stored.tariff == {"kind": "flat", "price_per_kwh": 0.2}
    assert stored.timezone == "UTC" and stored.currency == "EUR"


async def test_touching_periods_on_one_day_and_overlapping_on_different_days_are_fine(
        client, tenant):
    body = _tou({"start": "08:00", "end": "12:00", "days": [0]},
                {"start": "12:00", "end": "18:00", "days": [0]},
                {"start": "09:00", "end": "10:00", "days": [1]})
    r = await client.patch(URL, json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text


async def test_only_a_super_admin_changes_settings(client, make, tenant):
    from app.models.user import PERMISSIONS

    user = await make.user(tenant.factory, permissions=PERMISSIONS)
    r = await client.patch(URL, json={"currency": "USD"}, headers=make.headers(user))
    assert r.status_code == 403 and r.json()["error"]["code"] == "SUPER_ADMIN_REQUIRED"
    # The permission check comes first: a bad body from a normal user is still a 403.
    r = await client.patch(URL, json={"currency": "nope"}, headers=make.headers(user))
    assert r.status_code == 403
    assert (await client.patch(URL, json={"currency": "USD"})).status_code == 401
    assert (await _stored(tenant.id)).currency == "EUR"


async def test_online_threshold_drives_device_presence(client, make, tenant):
    device = await make.device(tenant, last_seen_at=datetime.now(UTC) - timedelta(minutes=10))
    url = f"/api/v1/devices/{device.id}"
    assert (await client.get(url, headers=tenant.headers)).json()["data"]["online"] is False
    r = await client.patch(URL, json={"online_threshold_seconds": 3600}, headers=tenant.headers)
    assert r.status_code == 200
    assert (await client.get(url, headers=tenant.headers)).json()["data"]["online"] is True
    r = await client.get("/api/v1/devices", params={"online": "true"}, headers=tenant.headers)
    assert [d["id"] for d in r.json()["data"]] == [device.id]


async def test_device_quotas_are_a_factory_setting_the_ingester_applies(client, tenant):
    from app.core.config import get_settings
    from app.services.ingest.quotas import DeviceQuota

    r = await client.patch(URL, headers=tenant.headers, json={
        "device_quotas": {"messages_per_second": 2.5, "parameters_per_device": 40}})
    assert r.status_code == 200, r.text
    stored = await _stored(tenant.id)
    assert stored.settings["device_quotas"] == {"messages_per_second": 2.5,
                                                "parameters_per_device": 40}
    platform = get_settings()
    quota = DeviceQuota.for_factory(platform, stored.settings)
    assert (quota.messages_per_second, quota.parameters_per_device) == (2.5, 40)
    assert quota.values_per_message == platform.ingest_quota_values_per_message
    for bad in ({"messages_per_second": 0}, {"values_per_message": -1}, {"rows": 5},
                {"payload_bytes": 10}):
        r = await client.patch(URL, headers=tenant.headers, json={"device_quotas": bad})
        assert r.status_code == 422, bad
    r = await client.patch(URL, headers=tenant.headers, json={"device_quotas": None})
    assert "device_quotas" not in r.json()["data"]["settings"]
