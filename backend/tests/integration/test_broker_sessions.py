"""Rotating a device's token, disabling or deleting the device ends its live session at the
broker through EMQX's REST API (a local stand-in checks the documented calls); other changes
leave it connected, and a broker that cannot be told does not block the change."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from pytest_factoryops import unique
from tests.support.emqx_admin import API_KEY, API_SECRET, EmqxAdminApi
from tests.support.notification_endpoints import free_port


@pytest.fixture(scope="module")
def emqx():
    api = EmqxAdminApi().start()
    yield api
    api.stop()




@pytest.fixture
async def broker_client(settings, emqx):
    from app.main import create_app

    application = create_app(settings.model_copy(update={
        "emqx_api_url": emqx.url, "emqx_api_key": API_KEY,
        "emqx_api_secret": SecretStr(API_SECRET)}))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            yield c


async def _online_device(client, tenant, emqx, key=None):
    key = key or unique("meter")
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": "Meter"})
    assert r.status_code == 201, r.text
    device = r.json()["data"]["device"]
    client_id = r.json()["data"]["credentials"]["client_id"]
    emqx.connected.add(client_id)
    return device["id"], client_id


@pytest.mark.parametrize("change", ["rotate", "deactivate", "disable_by_update", "delete"])
async def test_revoking_changes_close_the_live_session(broker_client, make, emqx, change):
    tenant = await make.tenant()
    device_id, client_id = await _online_device(broker_client, tenant, emqx,
                                                key=unique("aa:bb"))
    slug = tenant.factory.slug
    before = len(emqx.calls)
    path = f"/api/v1/devices/{device_id}"
    if change == "rotate":
        r = await broker_client.post(path + "/rotate-token", headers=tenant.headers)
    elif change == "deactivate":
        r = await broker_client.post(path + "/deactivate", headers=tenant.headers)
    elif change == "disable_by_update":
        r = await broker_client.patch(path, headers=tenant.headers,
                                      json={"status": "disabled"})
    else:
        r = await broker_client.delete(path, headers=tenant.headers)
    assert r.status_code in (200, 204), r.text
    calls = emqx.calls[before:]
    # Both names a device may be connected under; the id is one percent-encoded segment.
    colon_id = client_id.replace("/", ":", 1)
    assert [c.client_id for c in calls] == [client_id, colon_id]
    assert calls[0].raw_path == "/api/v5/clients/" + client_id.replace("/", "%2F").replace(
        ":", "%3A")
    assert client_id.startswith(f"{slug}/")
    assert [c.status for c in calls] == [204, 404]
    assert client_id not in emqx.connected


async def test_other_changes_leave_the_session_alone(broker_client, make, emqx):
    tenant = await make.tenant()
    device_id, client_id = await _online_device(broker_client, tenant, emqx)
    before = len(emqx.calls)
    path = f"/api/v1/devices/{device_id}"
    assert (await broker_client.patch(path, headers=tenant.headers,
                                      json={"name": "Renamed"})).status_code == 200
    assert (await broker_client.post(path + "/activate",
                                     headers=tenant.headers)).status_code == 200
    assert emqx.calls[before:] == []
    assert client_id in emqx.connected


async def test_a_broker_that_cannot_be_told_does_not_block_the_change(settings, make, emqx):
    from app.main import create_app

    tenant = await make.tenant()
    for url, key in ((f"http://127.0.0.1:{free_port()}", API_KEY),  # nothing listens
                     (emqx.url, "wrong-key")):                      # 401
        application = create_app(settings.model_copy(update={
            "emqx_api_url": url, "emqx_api_key": key,
            "emqx_api_secret": SecretStr(API_SECRET)}))
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                device_id, client_id = await _online_device(c, tenant, emqx)
                r = await c.post(f"/api/v1/devices/{device_id}/deactivate",
                                 headers=tenant.headers)
                assert r.status_code == 200 and r.json()["data"]["status"] == "disabled"
                # Still connected at the broker: the per-operation authorization refuses it.
                assert client_id in emqx.connected
