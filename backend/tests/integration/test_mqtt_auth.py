"""The broker's HTTP hooks (EMQX 5 authentication and authorization contracts): devices sign
in with their own token and may publish to their own topic only, the ingester may only
subscribe to telemetry, every other operation ($-topics included) is refused, and nothing
answers without the broker's shared secret."""

from __future__ import annotations

import httpx
import pytest

from pytest_factoryops import unique

BROKER_SECRET = "broker-secret-for-tests-0123456789"
INGESTER = ("factoryops-ingester", "ingester-password-0123")
SECRET_HEADER = {"X-FactoryOps-Broker-Secret": BROKER_SECRET}


@pytest.fixture
async def broker_client(settings):
    from pydantic import SecretStr

    from app.main import create_app

    variant = settings.model_copy(update={
        "mqtt_auth_secret": SecretStr(BROKER_SECRET), "mqtt_username": INGESTER[0],
        "mqtt_password": SecretStr(INGESTER[1])})
    application = create_app(variant)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://broker") as c:
            yield c


async def _register(client, tenant, key=None):
    """A device registered through the API, with the credentials it was given."""
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key or unique("meter"), "name": "Meter"})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _auth(client, credentials, **overrides):
    body = {"clientid": credentials["client_id"], "username": credentials["username"],
            "password": credentials["password"], **overrides}
    r = await client.post("/api/v1/mqtt/auth", json=body, headers=SECRET_HEADER)
    assert r.status_code == 200, r.text
    return r.json()


async def _authz(client, username, topic, action="publish", clientid=None):
    r = await client.post("/api/v1/mqtt/authz", headers=SECRET_HEADER, json={
        "clientid": username if clientid is None else clientid, "username": username,
        "topic": topic, "action": action})
    assert r.status_code == 200, r.text
    return r.json()["result"]


async def test_device_is_allowed_to_publish_to_its_own_topic_only(broker_client, make):
    tenant = await make.tenant()
    created = await _register(broker_client, tenant)
    credentials = created["credentials"]
    answer = await _auth(broker_client, credentials)
    # No ACL rides along: the broker asks about each operation.
    assert answer == {"result": "allow", "is_superuser": False}
    user = credentials["username"]
    assert await _authz(broker_client, user, credentials["topic"]) == "allow"
    assert credentials["topic"] == (f"factories/{tenant.factory.slug}/devices/"
                                    f"{created['device']['device_key']}/telemetry")


async def test_wrong_token_unknown_device_and_bad_usernames_are_denied(broker_client, make):
    tenant = await make.tenant()
    credentials = (await _register(broker_client, tenant))["credentials"]
    slug = tenant.factory.slug
    for overrides in (
        {"password": "not-the-token"},
        {"password": ""},
        {"username": f"{slug}:no-such-meter", "clientid": f"{slug}:no-such-meter"},
        {"username": f"no-such-plant:{credentials['username'].split('/', 1)[1]}",
         "clientid": f"no-such-plant:{credentials['username'].split('/', 1)[1]}"},
        {"username": "no-separator", "clientid": "no-separator"},
        {"username": ":meter", "clientid": ":meter"},
        # Someone else's client id would take over that client's connection.
        {"clientid": "another-client"},
    ):
        assert await _auth(broker_client, credentials, **overrides) == {"result": "deny"}, \
            overrides


async def test_a_token_does_not_open_another_factorys_device(broker_client, make):
    """Two factories with the same device key: each token opens its own device only."""
    first = await make.tenant()
    second = await make.tenant()
    mine = (await _register(broker_client, first, key="shared-key"))["credentials"]
    theirs = (await _register(broker_client, second, key="shared-key"))["credentials"]
    assert (await _auth(broker_client, mine))["result"] == "allow"
    impostor = {**theirs, "password": mine["password"]}
    assert await _auth(broker_client, impostor) == {"result": "deny"}
    assert (await _auth(broker_client, theirs))["result"] == "allow"
    own_topic = f"factories/{second.factory.slug}/devices/shared-key/telemetry"
    assert await _authz(broker_client, theirs["username"], own_topic) == "allow"
    assert await _authz(broker_client, mine["username"], own_topic) == "deny"


async def test_disabled_device_and_rotated_token_are_denied(broker_client, make):
    tenant = await make.tenant()
    created = await _register(broker_client, tenant)
    device_id = created["device"]["id"]
    old = created["credentials"]
    r = await broker_client.post(f"/api/v1/devices/{device_id}/rotate-token",
                                 headers=tenant.headers)
    new = r.json()["data"]["credentials"]
    assert await _auth(broker_client, old) == {"result": "deny"}
    assert (await _auth(broker_client, new))["result"] == "allow"

    await broker_client.post(f"/api/v1/devices/{device_id}/deactivate", headers=tenant.headers)
    assert await _auth(broker_client, new) == {"result": "deny"}
    assert await _authz(broker_client, new["username"], new["topic"]) == "deny"
    await broker_client.post(f"/api/v1/devices/{device_id}/activate", headers=tenant.headers)
    assert (await _auth(broker_client, new))["result"] == "allow"


async def test_the_older_colon_username_is_accepted_too(broker_client, make):
    tenant = await make.tenant()
    created = await _register(broker_client, tenant, key="aa:bb:cc:01")
    credentials = created["credentials"]
    assert credentials["username"] == f"{tenant.factory.slug}/aa:bb:cc:01"
    assert (await _auth(broker_client, credentials))["result"] == "allow"
    colon = f"{tenant.factory.slug}:aa:bb:cc:01"
    answer = await _auth(broker_client, credentials, username=colon, clientid=colon)
    assert answer["result"] == "allow"
    assert await _authz(broker_client, colon, credentials["topic"]) == "allow"


async def test_ingester_may_subscribe_to_telemetry_only(broker_client, make):
    answer = await _auth(broker_client, {"client_id": "factoryops-ingester-host1",
                                         "username": INGESTER[0], "password": INGESTER[1]})
    assert answer == {"result": "allow", "is_superuser": False}
    wrong = await _auth(broker_client, {"client_id": "x", "username": INGESTER[0],
                                        "password": "guess"})
    assert wrong == {"result": "deny"}

    user = INGESTER[0]
    assert await _authz(broker_client, user, "factories/+/devices/+/telemetry",
                        "subscribe", clientid="ing-1") == "allow"
    assert await _authz(broker_client, user, "$share/ingest/factories/+/devices/+/telemetry",
                        "subscribe", clientid="ing-1") == "allow"
    for topic, action in (("factories/p/devices/d/telemetry", "publish"),
                          ("#", "subscribe"), ("factories/#", "subscribe"),
                          ("$share/a/b/factories/+/devices/+/telemetry", "subscribe"),
                          ("$SYS/#", "subscribe"), ("$share/ingest/#", "subscribe"),
                          ("$share/ingest/$SYS/#", "subscribe")):
        assert await _authz(broker_client, user, topic, action, clientid="ing-1") == "deny"


async def test_authorization_per_operation(broker_client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    mine = (await _register(broker_client, tenant))["credentials"]
    neighbour = (await _register(broker_client, tenant))["credentials"]
    foreign = (await _register(broker_client, other))["credentials"]
    user = mine["username"]
    assert await _authz(broker_client, user, mine["topic"]) == "allow"
    assert await _authz(broker_client, user, neighbour["topic"]) == "deny"
    assert await _authz(broker_client, user, foreign["topic"]) == "deny"
    assert await _authz(broker_client, user, mine["topic"], "subscribe") == "deny"
    assert await _authz(broker_client, user, "factories/#", "subscribe") == "deny"
    assert await _authz(broker_client, user, mine["topic"], clientid="other-id") == "deny"


async def test_dollar_topics_are_refused_like_any_other(broker_client, make):
    """`#` does not match topics that start with `$` (MQTT 4.7.2): an ACL ending in
    `deny all #` lets them through to the broker's default. Here nothing falls through."""
    tenant = await make.tenant()
    mine = (await _register(broker_client, tenant))["credentials"]
    user = mine["username"]
    for topic in ("$SYS/brokers/+/clients/#", "$SYS/#", "$share/g/#",
                  f"$share/g/{mine['topic']}", "$queue/" + mine["topic"],
                  "$delayed/10/" + mine["topic"], "$events/client_connected"):
        for action in ("publish", "subscribe"):
            assert await _authz(broker_client, user, topic, action) == "deny", (topic, action)
    unknown = f"{tenant.factory.slug}/no-such-device"
    assert await _authz(broker_client, unknown, "$SYS/#", "subscribe") == "deny"


async def test_the_broker_must_present_the_shared_secret(broker_client, client):
    body = {"clientid": "c", "username": "u", "password": "p"}
    for headers in ({}, {"X-FactoryOps-Broker-Secret": "wrong"}):
        for path in ("/api/v1/mqtt/auth", "/api/v1/mqtt/authz"):
            r = await broker_client.post(path, json={**body, "topic": "t", "action": "publish"},
                                         headers=headers)
            assert r.status_code == 401, (path, headers)
            assert r.json()["error"]["code"] == "BROKER_SECRET_INVALID"
    # Without MQTT_AUTH_SECRET configured the hooks are off, whatever is sent.
    r = await client.post("/api/v1/mqtt/auth", json=body, headers=SECRET_HEADER)
    assert r.status_code == 503 and r.json()["error"]["code"] == "BROKER_AUTH_DISABLED"
