from __future__ import annotations

import asyncio
import shlex
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.core.security import hash_token
from app.repositories.device_repo import DeviceParameterRepository, DeviceRepository
from app.stores.timeseries import Point
from app.stores.timeseries.base import to_epoch_ms

DEVICE_FIELDS = {
    "id", "device_key", "name", "type", "location", "area", "manufacturer", "model",
    "is_active", "status", "last_seen_at", "online", "metadata", "parameter_count",
    "created_at", "updated_at",
}
CREDENTIAL_FIELDS = {"mqtt_host", "mqtt_port", "tls", "topic", "client_id", "username",
                     "password", "example"}


async def _create(client, tenant, **body):
    body.setdefault("device_key", f"meter-{datetime.now(UTC).timestamp()}")
    body.setdefault("name", "Main meter")
    return await client.post("/api/v1/devices", json=body, headers=tenant.headers)


async def _stored(device_id, factory_id):
    from app.core.database import session_scope

    async with session_scope() as session:
        return await DeviceRepository(session, factory_id).get(device_id)


async def _list(client, tenant, **params):
    r = await client.get("/api/v1/devices", params=params, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _keys(body) -> list[str]:
    return [d["device_key"] for d in body["data"]]


# --- create --------------------------------------------------------------------------------
async def test_create_returns_the_device_and_its_credentials_once(client, tenant, settings):
    r = await _create(client, tenant, device_key="press-01", name="  Press 1 ",
                      type="meter", location="Hall A", area="Pressing",
                      manufacturer="Acme", model="PM-5", metadata={"serial": "X1", "phase": 3})
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    data = r.json()["data"]
    device, credentials = data["device"], data["credentials"]
    assert set(device) == DEVICE_FIELDS
    assert device["device_key"] == "press-01" and device["name"] == "Press 1"
    assert (device["type"], device["location"], device["area"]) == ("meter", "Hall A",
                                                                     "Pressing")
    assert (device["manufacturer"], device["model"]) == ("Acme", "PM-5")
    assert device["status"] == "active" and device["is_active"] is True
    assert device["online"] is False and device["last_seen_at"] is None
    assert device["metadata"] == {"serial": "X1", "phase": 3}
    assert device["parameter_count"] == 0

    slug = tenant.factory.slug
    assert set(credentials) == CREDENTIAL_FIELDS
    assert credentials["topic"] == f"factories/{slug}/devices/press-01/telemetry"
    assert credentials["client_id"] == credentials["username"] == f"{slug}/press-01"
    assert credentials["mqtt_host"] == settings.mqtt_host
    assert credentials["mqtt_port"] == settings.mqtt_port
    assert credentials["tls"] is False
    token = credentials["password"]
    assert len(token) >= 40
    assert shlex.split(credentials["example"]) == [
        "mosquitto_pub", "-h", settings.mqtt_host, "-p", str(settings.mqtt_port),
        "-i", f"{slug}/press-01", "-u", f"{slug}/press-01", "-P", token, "-q", "1",
        "-t", f"factories/{slug}/devices/press-01/telemetry",
        "-m", '{"metrics": {"power_kw": 42.5}}',
    ]

    stored = await _stored(device["id"], tenant.id)
    assert stored.token_hash == hash_token(token) and stored.token_hash != token
    assert stored.token_rotated_at is not None

    # Never shown again.
    r = await client.get(f"/api/v1/devices/{device['id']}", headers=tenant.headers)
    assert r.status_code == 200 and set(r.json()["data"]) == DEVICE_FIELDS
    listing = await client.get("/api/v1/devices", headers=tenant.headers)
    for answer in (r, listing):
        assert token not in answer.text and stored.token_hash not in answer.text


async def test_credentials_use_the_public_broker_host_when_set(make, settings):
    from app.main import create_app

    tenant = await make.tenant()
    app = create_app(settings.model_copy(update={"mqtt_public_host": "mqtt.plant.example"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await _create(c, tenant, device_key="it's-1")
    assert r.status_code == 201, r.text
    credentials = r.json()["data"]["credentials"]
    assert credentials["mqtt_host"] == "mqtt.plant.example"
    argv = shlex.split(credentials["example"])
    assert argv[argv.index("-h") + 1] == "mqtt.plant.example"
    # A quote in the key survives the shell.
    assert argv[argv.index("-t") + 1] == f"factories/{tenant.factory.slug}/devices/it's-1/telemetry"


async def test_credentials_show_the_tls_endpoint_when_devices_connect_over_tls(make, settings):
    from app.main import create_app

    tenant = await make.tenant()
    app = create_app(settings.model_copy(update={
        "mqtt_public_host": "mqtt.plant.example", "mqtt_public_port": 8883,
        "mqtt_public_tls": True}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await _create(c, tenant, device_key="tls-1")
            assert r.status_code == 201, r.text
            rotated = await c.post(f"/api/v1/devices/{r.json()['data']['device']['id']}"
                                   "/rotate-token", headers=tenant.headers)
    for answer in (r, rotated):
        credentials = answer.json()["data"]["credentials"]
        assert (credentials["mqtt_host"], credentials["mqtt_port"], credentials["tls"]) == (
            "mqtt.plant.example", 8883, True)
        argv = shlex.split(credentials["example"])
        assert argv[argv.index("-p") + 1] == "8883"
        # mosquitto_pub uses TLS only when given authorities to trust.
        assert argv[argv.index("--capath") + 1] == "/etc/ssl/certs"


async def test_duplicate_key_in_a_factory_is_a_conflict(client, tenant, other_tenant):
    assert (await _create(client, tenant, device_key="dup-1")).status_code == 201
    r = await _create(client, tenant, device_key="dup-1", name="Again")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "DEVICE_EXISTS"
    # Keys are case-sensitive, and another factory may use the same key.
    assert (await _create(client, tenant, device_key="DUP-1")).status_code == 201
    assert (await _create(client, other_tenant, device_key="dup-1")).status_code == 201


async def test_concurrent_registrations_of_one_key_create_one_device(client, tenant):
    answers = await asyncio.gather(*(
        _create(client, tenant, device_key="race-1", name=f"Racer {i}") for i in range(6)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 5, [r.text for r in answers]
    assert all(r.json()["error"]["code"] == "DEVICE_EXISTS"
               for r in answers if r.status_code == 409)
    assert _keys(await _list(client, tenant, q="race-1")) == ["race-1"]


@pytest.mark.parametrize("key", [
    "", " ", "has space", "tab\tkey", "new\nline", "a/b", "wild+card", "multi#level",
    "$SYS", "nul\x00byte", "bell\x07", "k" * 129,
])
async def test_device_keys_that_cannot_be_a_topic_level_are_refused(client, tenant, key):
    r = await _create(client, tenant, device_key=key)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == "body.device_key"


@pytest.mark.parametrize("key", ["m", "meter-01", "Zähler_1", "a:b", "x$", "k" * 128,
                                 "温度计", "it's"])
async def test_printable_device_keys_are_accepted(client, tenant, key):
    r = await _create(client, tenant, device_key=key)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["device"]["device_key"] == key


@pytest.mark.parametrize("body,field", [
    ({"device_key": "k1"}, "body.name"),
    ({"device_key": "k1", "name": "   "}, "body.name"),
    ({"device_key": "k1", "name": "n" * 201}, "body.name"),
    ({"device_key": "k1", "name": "ok", "type": "t" * 65}, "body.type"),
    ({"device_key": "k1", "name": "ok", "metadata": ["not", "an", "object"]}, "body.metadata"),
    ({"device_key": "k1", "name": "ok", "metadata": {"blob": "x" * 20_000}}, "body.metadata"),
    ({"device_key": "k1", "name": "ok", "colour": "red"}, "body.colour"),
    ({"name": "ok"}, "body.device_key"),
])
async def test_create_validates_the_body(client, tenant, body, field):
    r = await client.post("/api/v1/devices", json=body, headers=tenant.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]]


# --- permissions ---------------------------------------------------------------------------
async def test_writes_need_manage_devices_and_reads_do_not(client, make, tenant):
    device = await make.device(tenant)
    parameter = await make.parameter(device, "power_kw")
    viewer = await make.user(tenant.factory, permissions=["manage_rules", "run_analytics"])
    headers = make.headers(viewer)
    base = f"/api/v1/devices/{device.id}"
    writes = [
        ("POST", "/api/v1/devices", {"device_key": "new-1", "name": "New"}),
        ("PATCH", base, {"name": "Renamed"}),
        ("POST", f"{base}/deactivate", None),
        ("POST", f"{base}/activate", None),
        ("POST", f"{base}/rotate-token", None),
        ("DELETE", base, None),
        ("PATCH", f"{base}/parameters/{parameter.id}", {"unit": "kW"}),
        ("PATCH", f"{base}/parameters", {"items": [{"id": parameter.id, "unit": "kW"}]}),
    ]
    for method, url, body in writes:
        r = await client.request(method, url, json=body, headers=headers)
        assert r.status_code == 403, f"{method} {url}: {r.status_code}"
        error = r.json()["error"]
        assert error["code"] == "PERMISSION_DENIED"
        assert error["details"] == {"permission": "manage_devices"}
    for url in ("/api/v1/devices", base, f"{base}/parameters"):
        assert (await client.get(url, headers=headers)).status_code == 200
    stored = await _stored(device.id, tenant.id)
    assert stored is not None and stored.name == device.name

    manager = await make.user(tenant.factory, permissions=["manage_devices"])
    r = await client.patch(base, json={"name": "Renamed"}, headers=make.headers(manager))
    assert r.status_code == 200 and r.json()["data"]["name"] == "Renamed"


async def test_every_device_route_needs_a_signed_in_user(client, make, tenant):
    device = await make.device(tenant)
    for method, url in [("GET", "/api/v1/devices"), ("POST", "/api/v1/devices"),
                        ("GET", f"/api/v1/devices/{device.id}"),
                        ("DELETE", f"/api/v1/devices/{device.id}"),
                        ("GET", f"/api/v1/devices/{device.id}/parameters")]:
        r = await client.request(method, url)
        assert r.status_code == 401, f"{method} {url}"


# --- tenancy -------------------------------------------------------------------------------
async def test_another_factorys_device_is_not_found_on_every_route(client, make, tenant,
                                                                   other_tenant):
    foreign = await make.device(other_tenant)
    foreign_parameter = await make.parameter(foreign, "power_kw")
    own = await make.device(tenant)
    base = f"/api/v1/devices/{foreign.id}"
    routes = [
        ("GET", base, None),
        ("PATCH", base, {"name": "Mine now"}),
        ("POST", f"{base}/deactivate", None),
        ("POST", f"{base}/activate", None),
        ("POST", f"{base}/rotate-token", None),
        ("DELETE", base, None),
        ("GET", f"{base}/parameters", None),
        ("PATCH", f"{base}/parameters", {"items": [{"id": foreign_parameter.id}]}),
        ("PATCH", f"{base}/parameters/{foreign_parameter.id}", {"unit": "W"}),
        # Reached through one's own device, the foreign parameter does not exist either.
        ("PATCH", f"/api/v1/devices/{own.id}/parameters/{foreign_parameter.id}", {"unit": "W"}),
        ("PATCH", f"/api/v1/devices/{own.id}/parameters",
         {"items": [{"id": foreign_parameter.id, "unit": "W"}]}),
    ]
    for method, url, body in routes:
        r = await client.request(method, url, json=body, headers=tenant.headers)
        assert r.status_code == 404, f"{method} {url}: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] in ("DEVICE_NOT_FOUND", "PARAMETER_NOT_FOUND")
    listing = await _list(client, tenant, per_page=100)
    assert foreign.id not in [d["id"] for d in listing["data"]]
    stored = await _stored(foreign.id, other_tenant.id)
    assert stored.name == foreign.name and stored.status == "active"


async def test_not_found_comes_before_body_validation(client, make, tenant, other_tenant):
    foreign = await make.device(other_tenant)
    r = await client.patch(f"/api/v1/devices/{foreign.id}", json={"name": 42, "bogus": True},
                           headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"
    r = await client.patch(f"/api/v1/devices/{foreign.id}/parameters", json={"items": []},
                           headers=tenant.headers)
    assert r.status_code == 404


@pytest.mark.parametrize("device_id", ["0", "-3", "abc", str(2**63)])
async def test_malformed_device_ids_are_refused(client, tenant, device_id):
    r = await client.get(f"/api/v1/devices/{device_id}", headers=tenant.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_unknown_device_id_is_not_found(client, tenant):
    r = await client.get(f"/api/v1/devices/{2**62}", headers=tenant.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"


# --- list ----------------------------------------------------------------------------------
async def test_search_matches_name_key_and_location_case_insensitively(client, make, tenant):
    await make.device(tenant, device_key="CMP-001", name="Compressor", location="Basement")
    await make.device(tenant, device_key="oven-7", name="Oven", location="Hall B")
    await make.device(tenant, device_key="lathe", name="Lathe", location="Compressor room")
    await make.device(tenant, device_key="pct_100%", name="Percent")
    assert _keys(await _list(client, tenant, q="compressor")) == ["CMP-001", "lathe"]
    assert _keys(await _list(client, tenant, q="cmp")) == ["CMP-001"]
    assert _keys(await _list(client, tenant, q="HALL b")) == ["oven-7"]
    # LIKE wildcards in the search text are literal characters.
    assert _keys(await _list(client, tenant, q="%")) == ["pct_100%"]
    assert _keys(await _list(client, tenant, q="_")) == ["pct_100%"]
    assert _keys(await _list(client, tenant, q="nothing-like-this")) == []


async def test_filters_by_status_type_area_and_online(client, make, tenant):
    now = datetime.now(UTC)
    await make.device(tenant, device_key="a", type="meter", area="North", last_seen_at=now)
    await make.device(tenant, device_key="b", type="meter", area="South",
                      last_seen_at=now - timedelta(minutes=30))
    await make.device(tenant, device_key="c", type="drive", area="North",
                      status="discovered")
    await make.device(tenant, device_key="d", type="drive", area="South",
                      status="disabled", is_active=False, last_seen_at=now)
    assert _keys(await _list(client, tenant, status="discovered")) == ["c"]
    assert _keys(await _list(client, tenant, status="disabled")) == ["d"]
    assert _keys(await _list(client, tenant, type="meter")) == ["a", "b"]
    assert _keys(await _list(client, tenant, area="North")) == ["a", "c"]
    assert _keys(await _list(client, tenant, type="drive", area="South")) == ["d"]
    online = await _list(client, tenant, online="true")
    assert _keys(online) == ["a", "d"] and all(d["online"] for d in online["data"])
    offline = await _list(client, tenant, online="false")
    assert _keys(offline) == ["b", "c"] and not any(d["online"] for d in offline["data"])
    assert _keys(await _list(client, tenant, online="false", type="meter")) == ["b"]


async def test_online_filter_is_applied_before_paging(client, make, tenant):
    """Twenty-five offline devices sort first; the online ones must still be found."""
    now = datetime.now(UTC)
    for i in range(25):
        await make.device(tenant, device_key=f"a-{i:02}", name=f"A {i:02}")
    for i in range(3):
        await make.device(tenant, device_key=f"z-{i}", name=f"Z {i}", last_seen_at=now)
    body = await _list(client, tenant, online="true", per_page=2, page=1)
    assert body["total"] == 3 and _keys(body) == ["z-0", "z-1"]
    body = await _list(client, tenant, online="true", per_page=2, page=2)
    assert _keys(body) == ["z-2"]
    assert (await _list(client, tenant, online="false", per_page=1))["total"] == 25


async def test_online_uses_the_factory_threshold(client, make):
    tenant = await make.tenant(settings={"online_threshold_seconds": 3600})
    seen = datetime.now(UTC) - timedelta(minutes=10)
    device = await make.device(tenant, last_seen_at=seen)
    r = await client.get(f"/api/v1/devices/{device.id}", headers=tenant.headers)
    assert r.json()["data"]["online"] is True
    assert _keys(await _list(client, tenant, online="true")) == [device.device_key]

    default = await make.tenant()  # the platform default is two minutes
    device = await make.device(default, last_seen_at=seen)
    r = await client.get(f"/api/v1/devices/{device.id}", headers=default.headers)
    assert r.json()["data"]["online"] is False
    assert _keys(await _list(client, default, online="true")) == []


async def test_sort_orders(client, make, tenant):
    now = datetime.now(UTC)
    await make.device(tenant, device_key="k2", name="beta", last_seen_at=now,
                      created_at=now - timedelta(days=1))
    await make.device(tenant, device_key="k1", name="Gamma",
                      last_seen_at=now - timedelta(hours=1), created_at=now - timedelta(days=3))
    await make.device(tenant, device_key="k3", name="alpha", created_at=now - timedelta(days=2))
    assert _keys(await _list(client, tenant)) == ["k3", "k2", "k1"]
    assert _keys(await _list(client, tenant, sort="-name")) == ["k1", "k2", "k3"]
    assert _keys(await _list(client, tenant, sort="device_key")) == ["k1", "k2", "k3"]
    assert _keys(await _list(client, tenant, sort="-device_key")) == ["k3", "k2", "k1"]
    assert _keys(await _list(client, tenant, sort="created_at")) == ["k1", "k3", "k2"]
    assert _keys(await _list(client, tenant, sort="-created_at")) == ["k2", "k3", "k1"]
    # Most recently seen first; never-seen devices last.
    assert _keys(await _list(client, tenant, sort="-last_seen_at")) == ["k2", "k1", "k3"]
    assert _keys(await _list(client, tenant, sort="last_seen_at"))[1:] == ["k1", "k2"]


async def test_pagination(client, make, tenant):
    for i in range(7):
        await make.device(tenant, device_key=f"p-{i}", name=f"Device {i}")
    body = await _list(client, tenant, per_page=3, page=1)
    assert (body["total"], body["page"], body["per_page"]) == (7, 1, 3)
    assert _keys(body) == ["p-0", "p-1", "p-2"]
    assert _keys(await _list(client, tenant, per_page=3, page=3)) == ["p-6"]
    assert _keys(await _list(client, tenant, per_page=3, page=4)) == []
    assert (await _list(client, tenant, per_page=1000))["per_page"] == 100


@pytest.mark.parametrize("params", [{"status": "broken"}, {"sort": "token_hash"},
                                    {"online": "maybe"}, {"page": 0}, {"q": "x" * 201}])
async def test_bad_list_parameters_are_refused(client, tenant, params):
    r = await client.get("/api/v1/devices", params=params, headers=tenant.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_list_items_carry_parameter_counts(client, make, tenant):
    device = await make.device(tenant, device_key="counted", meta={"line": 2})
    for key in ("power_kw", "voltage", "Voltage"):
        await make.parameter(device, key)
    await make.device(tenant, device_key="empty")
    body = await _list(client, tenant)
    counts = {d["device_key"]: d["parameter_count"] for d in body["data"]}
    assert counts == {"counted": 3, "empty": 0}
    assert body["data"][0]["metadata"] == {"line": 2}
    assert set(body["data"][0]) == DEVICE_FIELDS


# --- update, activate, deactivate ----------------------------------------------------------
async def test_patch_edits_fields_and_clears_optional_ones(client, make, tenant):
    device = await make.device(tenant, location="Hall A", type="meter", meta={"a": 1})
    r = await client.patch(f"/api/v1/devices/{device.id}", headers=tenant.headers, json={
        "name": "Boiler", "location": None, "area": "Utilities", "manufacturer": "",
        "model": "X-9", "metadata": {"b": [1, 2]}})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["name"] == "Boiler" and data["location"] is None and data["type"] == "meter"
    assert data["area"] == "Utilities" and data["manufacturer"] is None
    assert data["model"] == "X-9" and data["metadata"] == {"b": [1, 2]}
    assert datetime.fromisoformat(data["updated_at"]) >= device.updated_at
    stored = await _stored(device.id, tenant.id)
    assert stored.name == "Boiler" and stored.meta == {"b": [1, 2]} and stored.location is None


async def test_approving_a_discovered_device_and_disabling_it(client, make, tenant):
    device = await make.device(tenant, status="discovered")
    url = f"/api/v1/devices/{device.id}"
    r = await client.patch(url, json={"status": "active"}, headers=tenant.headers)
    assert r.json()["data"]["status"] == "active" and r.json()["data"]["is_active"] is True
    r = await client.patch(url, json={"status": "disabled"}, headers=tenant.headers)
    assert r.json()["data"]["status"] == "disabled" and r.json()["data"]["is_active"] is False
    stored = await _stored(device.id, tenant.id)
    assert (stored.status, stored.is_active) == ("disabled", False)


@pytest.mark.parametrize("body,field", [
    ({"name": None}, "body"),
    ({"name": ""}, "body.name"),
    ({"status": "discovered"}, "body.status"),
    ({"status": None}, "body"),
    ({"metadata": None}, "body"),
    ({"metadata": "text"}, "body.metadata"),
    ({"area": "a" * 101}, "body.area"),
    ({"device_key": "renamed"}, "body.device_key"),
])
async def test_patch_validates(client, make, tenant, body, field):
    device = await make.device(tenant)
    r = await client.patch(f"/api/v1/devices/{device.id}", json=body, headers=tenant.headers)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]]


async def test_deactivate_and_activate(client, make, tenant):
    device = await make.device(tenant, status="discovered")
    url = f"/api/v1/devices/{device.id}"
    r = await client.post(f"{url}/deactivate", headers=tenant.headers)
    assert r.status_code == 200
    assert (r.json()["data"]["status"], r.json()["data"]["is_active"]) == ("disabled", False)
    r = await client.post(f"{url}/activate", headers=tenant.headers)
    assert (r.json()["data"]["status"], r.json()["data"]["is_active"]) == ("active", True)
    stored = await _stored(device.id, tenant.id)
    assert (stored.status, stored.is_active) == ("active", True)


# --- token rotation ------------------------------------------------------------------------
async def test_rotating_the_token_invalidates_the_old_one(client, tenant):
    created = (await _create(client, tenant, device_key="rot-1")).json()["data"]
    old_token = created["credentials"]["password"]
    device_id = created["device"]["id"]
    before = await _stored(device_id, tenant.id)
    r = await client.post(f"/api/v1/devices/{device_id}/rotate-token", headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    data = r.json()["data"]
    assert data["device"]["id"] == device_id and set(data["credentials"]) == CREDENTIAL_FIELDS
    new_token = data["credentials"]["password"]
    assert new_token != old_token
    assert data["credentials"]["topic"] == created["credentials"]["topic"]
    after = await _stored(device_id, tenant.id)
    assert after.token_hash == hash_token(new_token) != hash_token(old_token)
    assert after.token_rotated_at > before.token_rotated_at


# --- delete --------------------------------------------------------------------------------
async def test_delete_removes_parameters_time_series_and_latest_values(app, client, make,
                                                                       tenant):
    resources = app.state.resources
    doomed = await make.device(tenant)
    kept = await make.device(tenant)
    for key in ("power_kw", "voltage"):
        await make.parameter(doomed, key)
    await make.parameter(kept, "power_kw")
    start = datetime.now(UTC) - timedelta(minutes=5)
    ts = to_epoch_ms(start)
    await resources.timeseries.write(
        [Point(tenant.id, doomed.id, key, ts + i * 1000, float(i))
         for key in ("power_kw", "voltage") for i in range(5)]
        + [Point(tenant.id, kept.id, "power_kw", ts + i * 1000, float(i)) for i in range(5)])
    await resources.latest.put_many({(tenant.id, doomed.id): {"power_kw": (ts, 4.0)},
                                     (tenant.id, kept.id): {"power_kw": (ts, 4.0)}})
    assert (await resources.timeseries.latest(tenant.id, doomed.id)).keys() == {
        "power_kw", "voltage"}

    r = await client.delete(f"/api/v1/devices/{doomed.id}", headers=tenant.headers)
    assert r.status_code == 204 and r.content == b""

    r = await client.get(f"/api/v1/devices/{doomed.id}", headers=tenant.headers)
    assert r.status_code == 404
    assert await resources.timeseries.latest(tenant.id, doomed.id) == {}
    end = datetime.now(UTC) + timedelta(minutes=1)
    rows = [row async for chunk in resources.timeseries.raw(
        tenant.id, [(doomed.id, "power_kw"), (doomed.id, "voltage")], start, end)
        for row in chunk]
    assert rows == []
    assert await resources.latest.get(tenant.id, doomed.id) == {}

    from app.core.database import session_scope

    async with session_scope() as session:
        parameters = DeviceParameterRepository(session, tenant.id)
        assert await parameters.counts_by_device([doomed.id, kept.id]) == {kept.id: 1}
    assert await _stored(kept.id, tenant.id) is not None
    assert (await resources.timeseries.latest(tenant.id, kept.id)).keys() == {"power_kw"}
    assert (await resources.latest.get(tenant.id, kept.id)).keys() == {"power_kw"}

    r = await client.delete(f"/api/v1/devices/{doomed.id}", headers=tenant.headers)
    assert r.status_code == 404
