"""The rules API: validation on save, list filters, enable/disable, dry runs on current
values, permissions and the version bump that tells workers to reload."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis.asyncio as redis

from app.stores.timeseries.base import to_epoch_ms

RULE_FIELDS = {
    "id", "name", "description", "scope", "condition", "severity", "cooldown_minutes",
    "for_seconds", "schedule", "channels", "recipients", "auto_resolve", "escalation",
    "notify_on_resolve", "allow_unseen_parameters", "is_active", "created_by", "created_at",
    "updated_at",
}
POWER_ABOVE_100 = {"parameter": "power_kw", "operator": ">", "value": 100}


async def _create(client, tenant, **body):
    body.setdefault("name", "High load")
    body.setdefault("condition", POWER_ABOVE_100)
    return await client.post("/api/v1/rules", json=body, headers=tenant.headers)


@pytest.fixture
async def metered(make, tenant):
    """A device that has reported power_kw and voltage."""
    device = await make.device(tenant, name="Press 1", type="press", area="Hall A")
    await make.parameter(device, "power_kw")
    await make.parameter(device, "voltage")
    return device


async def _put_latest(app, device, **values):
    now = to_epoch_ms(datetime.now(UTC))
    await app.state.resources.latest.put_many({
        (device.factory_id, device.id): {k: (now, float(v)) for k, v in values.items()}})


# --- create and read -----------------------------------------------------------------------
async def test_create_with_every_field_and_read_back(client, tenant, metered, make):
    operator = await make.user(tenant.factory, permissions=["acknowledge_alerts"])
    body = {
        "name": "  Overload  ", "description": "Press overload",
        "scope": {"kind": "devices", "device_ids": [metered.id]},
        "condition": {"op": "and", "conditions": [
            POWER_ABOVE_100, {"parameter": "voltage", "operator": "outside",
                              "value": [207, 253]}]},
        "severity": "critical", "cooldown_minutes": 30, "for_seconds": 60,
        "schedule": {"days": [0, 1, 2, 3, 4], "start": "22:00", "end": "06:00"},
        "channels": ["email", "whatsapp"],
        "recipients": {"user_permissions": ["acknowledge_alerts"], "user_ids": [operator.id],
                       "emails": ["shift@plant.example"], "phones": ["+4915112345678"]},
        "auto_resolve": True, "is_active": True,
    }
    r = await _create(client, tenant, **body)
    assert r.status_code == 201, r.text
    rule = r.json()["data"]
    assert set(rule) == RULE_FIELDS
    assert rule["name"] == "Overload" and rule["created_by"] == tenant.admin.id
    for key in ("scope", "condition", "severity", "cooldown_minutes", "for_seconds",
                "schedule", "channels", "recipients", "auto_resolve"):
        assert rule[key] == body[key], key
    r = await client.get(f"/api/v1/rules/{rule['id']}", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"] == rule


async def test_defaults(client, tenant, metered):
    r = await _create(client, tenant)
    rule = r.json()["data"]
    assert rule["scope"] == {"kind": "all"} and rule["severity"] == "warning"
    assert (rule["cooldown_minutes"], rule["for_seconds"], rule["schedule"]) == (15, 0, None)
    assert rule["channels"] == [] and rule["is_active"] and not rule["auto_resolve"]
    assert rule["recipients"] == {"user_permissions": [], "user_ids": [], "emails": [],
                                  "phones": []}


# --- validation ----------------------------------------------------------------------------
@pytest.mark.parametrize(("condition", "path"), [
    ({"op": "and", "conditions": []}, "/conditions"),
    ({"op": "and", "conditions": [POWER_ABOVE_100, {"parameter": "power_kw",
                                                    "operator": "=~", "value": 1}]},
     "/conditions/1/operator"),
    ({"parameter": "power_kw", "operator": "between", "value": [5, 1]}, "/value"),
    ({"parameter": "power_kw", "operator": ">", "value": "100"}, "/value"),
    ([POWER_ABOVE_100], "/"),
    ({**POWER_ABOVE_100, "unit": "kW"}, "/"),
])
async def test_a_malformed_condition_answers_invalid_condition(client, tenant, metered,
                                                               condition, path):
    r = await _create(client, tenant, condition=condition)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "INVALID_CONDITION"
    assert error["details"]["path"] == path and error["details"]["reason"]
    assert path in error["message"]


async def test_too_deep_a_condition_is_refused(client, tenant, metered):
    tree = POWER_ABOVE_100
    for _ in range(8):
        tree = {"op": "or", "conditions": [tree]}
    r = await _create(client, tenant, condition=tree)
    assert r.status_code == 422 and "deeper than 8" in r.json()["error"]["message"]


async def test_an_unseen_parameter_needs_the_flag(client, tenant, metered):
    condition = {"parameter": "oil_temp", "operator": ">", "value": 80}
    r = await _create(client, tenant, condition=condition)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "UNKNOWN_PARAMETER"
    assert r.json()["error"]["details"] == {"parameters": ["oil_temp"]}
    r = await _create(client, tenant, condition=condition, allow_unseen_parameters=True)
    assert r.status_code == 201, r.text


async def test_parameters_must_exist_in_the_scope(client, tenant, metered, make):
    other = await make.device(tenant, type="pump", area="Hall B")
    await make.parameter(other, "flow")
    flow = {"parameter": "flow", "operator": "<", "value": 3}
    r = await _create(client, tenant, condition=flow, scope={"kind": "type", "value": "press"})
    assert r.json()["error"]["code"] == "UNKNOWN_PARAMETER"
    r = await _create(client, tenant, condition=flow, scope={"kind": "area", "value": "Hall B"})
    assert r.status_code == 201, r.text
    r = await _create(client, tenant, condition=flow,
                      scope={"kind": "devices", "device_ids": [metered.id]})
    assert r.json()["error"]["code"] == "UNKNOWN_PARAMETER"


async def test_another_factorys_parameters_do_not_count(client, tenant, other_tenant, make):
    foreign = await make.device(other_tenant)
    await make.parameter(foreign, "secret_kw")
    r = await _create(client, tenant, condition={"parameter": "secret_kw", "operator": ">",
                                                 "value": 1})
    assert r.json()["error"]["code"] == "UNKNOWN_PARAMETER"


async def test_scope_devices_must_belong_to_the_factory(client, tenant, other_tenant, metered,
                                                        make):
    foreign = await make.device(other_tenant)
    r = await _create(client, tenant, scope={"kind": "devices",
                                             "device_ids": [metered.id, foreign.id]})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "INVALID_SCOPE"
    assert r.json()["error"]["details"] == {"missing_device_ids": [foreign.id]}


async def test_recipient_users_must_belong_to_the_factory(client, tenant, other_tenant,
                                                          metered):
    r = await _create(client, tenant, channels=["email"],
                      recipients={"user_ids": [other_tenant.admin.id]})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "INVALID_RECIPIENTS"


@pytest.mark.parametrize(("field", "value"), [
    ("severity", "fatal"), ("cooldown_minutes", -1), ("cooldown_minutes", 10081),
    ("for_seconds", 86401), ("channels", ["sms"]), ("channels", ["email", "email"]),
    ("scope", {"kind": "everything"}), ("scope", {"kind": "devices", "device_ids": []}),
    ("scope", {"kind": "type", "value": ""}),
    ("schedule", {"days": [7], "start": "08:00", "end": "17:00"}),
    ("schedule", {"days": [], "start": "08:00", "end": "17:00"}),
    ("schedule", {"days": [1], "start": "8:00", "end": "17:00"}),
    ("schedule", {"days": [1], "start": "08:00", "end": "24:01"}),
    ("schedule", {"days": [1], "start": "08:00", "end": "08:00"}),
    ("recipients", {"phones": ["0151 1234"]}), ("recipients", {"emails": ["not-an-email"]}),
    ("recipients", {"user_permissions": ["be_boss"]}), ("recipients", {"pager": ["1"]}),
    ("name", ""), ("colour", "red"),
])
async def test_field_validation(client, tenant, metered, field, value):
    r = await _create(client, tenant, **{field: value})
    assert r.status_code == 422, (field, value, r.text)
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_schedule_to_end_of_day(client, tenant, metered):
    r = await _create(client, tenant, schedule={"days": [5, 6], "start": "00:00",
                                                "end": "24:00"})
    assert r.status_code == 201, r.text


# --- list, update, enable, delete ----------------------------------------------------------
async def test_list_filters_and_pagination(client, tenant, other_tenant, metered):
    for name, severity, active in (("Alpha load", "info", True), ("Beta load", "critical",
                                                                   False),
                                   ("Gamma voltage", "critical", True)):
        r = await _create(client, tenant, name=name, severity=severity, is_active=active)
        assert r.status_code == 201
    foreign = await client.get("/api/v1/rules", headers=other_tenant.headers)
    assert foreign.json()["total"] == 0

    async def names(**params):
        r = await client.get("/api/v1/rules", params=params, headers=tenant.headers)
        assert r.status_code == 200, r.text
        return [rule["name"] for rule in r.json()["data"]], r.json()["total"]

    assert await names() == (["Alpha load", "Beta load", "Gamma voltage"], 3)
    assert await names(severity="critical") == (["Beta load", "Gamma voltage"], 2)
    assert await names(is_active="false") == (["Beta load"], 1)
    assert await names(q="LOAD") == (["Alpha load", "Beta load"], 2)
    assert await names(per_page=2, page=2) == (["Gamma voltage"], 3)
    r = await client.get("/api/v1/rules", params={"severity": "fatal"}, headers=tenant.headers)
    assert r.status_code == 422


async def test_patch_revalidates_what_it_changes(client, tenant, metered):
    rule = (await _create(client, tenant)).json()["data"]
    url = f"/api/v1/rules/{rule['id']}"
    r = await client.patch(url, json={"severity": "critical", "schedule": None,
                                      "cooldown_minutes": 0}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["severity"], r.json()["data"]["cooldown_minutes"]) == (
        "critical", 0)
    r = await client.patch(url, json={"condition": {"op": "or", "conditions": []}},
                           headers=tenant.headers)
    assert r.json()["error"]["code"] == "INVALID_CONDITION"
    r = await client.patch(url, json={"scope": {"kind": "type", "value": "pump"}},
                           headers=tenant.headers)
    assert r.json()["error"]["code"] == "UNKNOWN_PARAMETER"
    r = await client.patch(url, json={"name": None}, headers=tenant.headers)
    assert r.status_code == 422
    r = await client.get(url, headers=tenant.headers)
    assert r.json()["data"]["scope"] == {"kind": "all"}


async def test_enable_disable_and_delete(client, tenant, metered):
    rule = (await _create(client, tenant)).json()["data"]
    url = f"/api/v1/rules/{rule['id']}"
    r = await client.post(f"{url}/disable", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["is_active"] is False
    r = await client.post(f"{url}/enable", headers=tenant.headers)
    assert r.json()["data"]["is_active"] is True
    r = await client.delete(url, headers=tenant.headers)
    assert r.status_code == 204
    r = await client.get(url, headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RULE_NOT_FOUND"


async def test_every_change_bumps_the_factory_rule_version(client, tenant, metered, settings):
    store = redis.from_url(settings.redis_url)
    key = f"fo:rules:version:{tenant.id}"
    try:
        before = int(await store.get(key) or 0)
        rule = (await _create(client, tenant)).json()["data"]
        url = f"/api/v1/rules/{rule['id']}"
        await client.patch(url, json={"severity": "info"}, headers=tenant.headers)
        await client.post(f"{url}/disable", headers=tenant.headers)
        await client.delete(url, headers=tenant.headers)
        assert int(await store.get(key)) == before + 4
    finally:
        await store.aclose()


# --- dry runs ------------------------------------------------------------------------------
async def test_dry_run_against_current_values(client, app, tenant, metered, make):
    quiet = await make.device(tenant, name="Press 2", type="press")
    await make.parameter(quiet, "power_kw")
    silent = await make.device(tenant, name="Press 3", type="press")
    await _put_latest(app, metered, power_kw=130.5, voltage=231)
    await _put_latest(app, quiet, power_kw=20)
    body = {"condition": {"op": "and", "conditions": [
        POWER_ABOVE_100, {"parameter": "voltage", "operator": "between", "value": [207, 253]}]},
        "scope": {"kind": "type", "value": "press"}}
    r = await client.post("/api/v1/rules/dry-run", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [
        {"device_id": metered.id, "device_name": "Press 1", "matched": True,
         "values": {"power_kw": 130.5, "voltage": 231.0}, "missing": []},
        {"device_id": quiet.id, "device_name": "Press 2", "matched": False,
         "values": {"power_kw": 20.0}, "missing": ["voltage"]},
        {"device_id": silent.id, "device_name": "Press 3", "matched": False,
         "values": {}, "missing": ["power_kw", "voltage"]},
    ]
    r = await client.get("/api/v1/rules", headers=tenant.headers)
    assert r.json()["total"] == 0, "a dry run creates nothing"


async def test_dry_run_validates_like_a_save(client, tenant, other_tenant, metered, make):
    r = await client.post("/api/v1/rules/dry-run", json={"condition": {"op": "and"}},
                          headers=tenant.headers)
    assert r.json()["error"]["code"] == "INVALID_CONDITION"
    foreign = await make.device(other_tenant)
    r = await client.post("/api/v1/rules/dry-run", json={
        "condition": POWER_ABOVE_100, "scope": {"kind": "devices", "device_ids": [foreign.id]}},
        headers=tenant.headers)
    assert r.json()["error"]["code"] == "INVALID_SCOPE"


async def test_test_a_saved_rule(client, app, tenant, metered):
    await _put_latest(app, metered, power_kw=99)
    rule = (await _create(client, tenant, scope={"kind": "devices",
                                                 "device_ids": [metered.id]})).json()["data"]
    r = await client.post(f"/api/v1/rules/{rule['id']}/test", headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [{"device_id": metered.id, "device_name": "Press 1",
                                 "matched": False, "values": {"power_kw": 99.0},
                                 "missing": []}]


# --- parameters across a scope -------------------------------------------------------------
async def _scope_parameters(client, tenant, scope=None):
    body = {} if scope is None else {"scope": scope}
    r = await client.post("/api/v1/rules/parameters", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_parameters_across_a_scope(client, tenant, other_tenant, metered, make):
    second = await make.device(tenant, name="Press 2", type="press", area="Hall B")
    await make.parameter(second, "power_kw", unit="kW", display_name="Active power")
    await make.parameter(second, "Power factor")
    pump = await make.device(tenant, name="Pump 1", type="pump", area="Hall A")
    await make.parameter(pump, "flow_m3h", unit="m³/h")
    retired = await make.device(tenant, name="Old press", type="press", status="disabled")
    await make.parameter(retired, "legacy_kw")
    foreign = await make.device(other_tenant, type="press")
    await make.parameter(foreign, "foreign_only")

    everything = await _scope_parameters(client, tenant)
    assert everything == [
        {"parameter_key": "Power factor", "display_name": None, "unit": None,
         "device_count": 1},
        {"parameter_key": "flow_m3h", "display_name": None, "unit": "m³/h", "device_count": 1},
        {"parameter_key": "power_kw", "display_name": "Active power", "unit": "kW",
         "device_count": 2},
        {"parameter_key": "voltage", "display_name": None, "unit": None, "device_count": 1},
    ], "sorted by key, a disabled device and another factory's devices left out"
    assert await _scope_parameters(client, tenant, {"kind": "all"}) == everything

    keys = [p["parameter_key"] for p in await _scope_parameters(
        client, tenant, {"kind": "type", "value": "press"})]
    assert keys == ["Power factor", "power_kw", "voltage"]
    keys = [p["parameter_key"] for p in await _scope_parameters(
        client, tenant, {"kind": "area", "value": "Hall A"})]
    assert keys == ["flow_m3h", "power_kw", "voltage"]
    chosen = await _scope_parameters(client, tenant, {"kind": "devices",
                                                      "device_ids": [pump.id, retired.id]})
    assert [p["parameter_key"] for p in chosen] == ["flow_m3h"]
    assert await _scope_parameters(client, tenant, {"kind": "type", "value": "kiln"}) == []


async def test_parameters_across_a_scope_are_capped_and_validated(
        client, tenant, other_tenant, metered, make, monkeypatch):
    from app.services.rules import service as rule_service

    monkeypatch.setattr(rule_service, "SCOPE_PARAMETERS_MAX", 1)
    assert [p["parameter_key"] for p in await _scope_parameters(client, tenant)] == ["power_kw"]

    foreign = await make.device(other_tenant)
    for body, code in (({"scope": {"kind": "devices", "device_ids": [foreign.id]}},
                        "INVALID_SCOPE"),
                       ({"scope": {"kind": "devices", "device_ids": []}}, "VALIDATION_ERROR"),
                       ({"scope": {"kind": "galaxy"}}, "VALIDATION_ERROR"),
                       ({"scope": {"kind": "all"}, "extra": 1}, "VALIDATION_ERROR")):
        r = await client.post("/api/v1/rules/parameters", json=body, headers=tenant.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (body, r.text)


# --- permissions ---------------------------------------------------------------------------
async def test_reading_is_open_writing_needs_manage_rules(client, make, tenant, metered):
    rule = (await _create(client, tenant)).json()["data"]
    url = f"/api/v1/rules/{rule['id']}"
    viewer = make.headers(await make.user(tenant.factory, permissions=["acknowledge_alerts"]))
    editor = make.headers(await make.user(tenant.factory, permissions=["manage_rules"]))
    assert (await client.get("/api/v1/rules", headers=viewer)).status_code == 200
    assert (await client.get(url, headers=viewer)).status_code == 200
    denied = [
        await client.post("/api/v1/rules", json={"name": "x", "condition": POWER_ABOVE_100},
                          headers=viewer),
        await client.patch(url, json={"name": "y"}, headers=viewer),
        await client.post(f"{url}/disable", headers=viewer),
        await client.post(f"{url}/enable", headers=viewer),
        await client.post(f"{url}/test", headers=viewer),
        await client.post("/api/v1/rules/dry-run", json={"condition": POWER_ABOVE_100},
                          headers=viewer),
        await client.post("/api/v1/rules/parameters", json={}, headers=viewer),
        await client.delete(url, headers=viewer),
    ]
    for r in denied:
        assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
    r = await client.patch(url, json={"name": "Renamed"}, headers=editor)
    assert r.status_code == 200
    r = await client.post("/api/v1/rules/parameters", json={}, headers=editor)
    assert r.status_code == 200
    assert (await client.get("/api/v1/rules")).status_code == 401


async def test_another_factorys_rule_is_not_found(client, tenant, other_tenant, metered):
    rule = (await _create(client, tenant)).json()["data"]
    for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/enable"),
                           ("POST", "/disable"), ("POST", "/test")):
        r = await client.request(method, f"/api/v1/rules/{rule['id']}{suffix}",
                                 json={} if method == "PATCH" else None,
                                 headers=other_tenant.headers)
        assert r.status_code == 404 and r.json()["error"]["code"] == "RULE_NOT_FOUND"
