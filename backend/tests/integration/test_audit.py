"""The audit trail: what is recorded for sign-ins, users, devices and factory settings, what
is never recorded (secrets), and how a super admin searches it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from pytest_factoryops import TEST_PASSWORD

CLIENT_IP = "203.0.113.7"  # the address the test client connects from


async def _entries(client, tenant, **params):
    r = await client.get("/api/v1/audit", params={"per_page": 100, **params},
                         headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def _actions(client, tenant, **params) -> list[str]:
    return [e["action"] for e in (await _entries(client, tenant, **params))["data"]]


async def test_sign_ins_and_failed_sign_ins_are_recorded(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory, email="clocked@test.io")
    for email, password in ((user.email, "wrong-password"), ("ghost@test.io", TEST_PASSWORD),
                            (user.email, TEST_PASSWORD)):
        await client.post("/api/v1/auth/login", json={
            "factory_id": tenant.id, "email": email, "password": password})
    data = (await _entries(client, tenant, entity_type="user"))["data"]
    assert [e["action"] for e in data] == ["auth.login", "auth.login_failed",
                                           "auth.login_failed"]
    ok, ghost, wrong = data
    assert ok["user_id"] == user.id and ok["entity_id"] == str(user.id)
    assert ok["user"] == {"id": user.id, "email": user.email, "full_name": user.full_name,
                          "kind": "person"}
    assert ok["ip_address"] == CLIENT_IP
    assert ghost["user_id"] is None and ghost["user"] is None
    assert ghost["details"] == {"email": "ghost@test.io", "reason": "unknown_email"}
    assert wrong["details"] == {"email": user.email, "reason": "wrong_password"}
    for entry in data:
        assert TEST_PASSWORD not in str(entry) and "wrong-password" not in str(entry)


async def test_device_life_cycle_is_recorded_without_secrets(client, make):
    tenant = await make.tenant()
    r = await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": "audited-meter", "name": "Audited"})
    created = r.json()["data"]
    device_id = created["device"]["id"]
    url = f"/api/v1/devices/{device_id}"
    await client.patch(url, headers=tenant.headers, json={"name": "Renamed", "area": "Hall B"})
    await client.post(f"{url}/deactivate", headers=tenant.headers)
    await client.post(f"{url}/activate", headers=tenant.headers)
    rotated = (await client.post(f"{url}/rotate-token", headers=tenant.headers)).json()["data"]
    assert (await client.delete(url, headers=tenant.headers)).status_code == 204

    body = await _entries(client, tenant, entity_type="device", entity_id=str(device_id))
    assert [e["action"] for e in body["data"]] == [
        "device.deleted", "device.token_rotated", "device.activated", "device.deactivated",
        "device.updated", "device.created"]
    updated = body["data"][4]
    assert updated["details"] == {"fields": ["area", "name"]}
    for entry in body["data"]:
        assert entry["user_id"] == tenant.admin.id and entry["ip_address"] == CLIENT_IP
        text = str(entry)
        for secret in (created["credentials"]["password"], rotated["credentials"]["password"]):
            assert secret not in text


async def test_factory_settings_and_user_administration_are_recorded(client, make):
    tenant = await make.tenant()
    r = await client.patch("/api/v1/factories/current", headers=tenant.headers,
                           json={"currency": "USD", "allow_auto_register": False})
    assert r.status_code == 200
    (entry,) = (await _entries(client, tenant, entity_type="factory"))["data"]
    assert entry["action"] == "factory.updated" and entry["entity_id"] == str(tenant.id)
    assert entry["details"] == {"fields": ["allow_auto_register", "currency"]}

    r = await client.post("/api/v1/users", headers=tenant.headers, json={
        "email": "audited@test.io", "role": "user", "permissions": ["run_analytics"]})
    user_id = r.json()["data"]["id"]
    await client.patch(f"/api/v1/users/{user_id}", headers=tenant.headers,
                       json={"permissions": ["run_analytics", "generate_reports"],
                             "full_name": "Audrey"})
    await client.post(f"/api/v1/users/{user_id}/deactivate", headers=tenant.headers)
    await client.post(f"/api/v1/users/{user_id}/reactivate", headers=tenant.headers)
    data = (await _entries(client, tenant, entity_type="user",
                           entity_id=str(user_id)))["data"]
    assert [e["action"] for e in data] == ["user.reactivated", "user.deactivated",
                                           "user.updated", "user.invited"]
    assert data[2]["details"] == {"fields": ["full_name", "permissions"],
                                  "permissions": ["generate_reports", "run_analytics"]}
    assert data[3]["details"] == {"email": "audited@test.io", "role": "user",
                                  "permissions": ["run_analytics"]}
    assert all(e["user_id"] == tenant.admin.id for e in data)


async def test_password_changes_are_recorded_without_the_password(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    new_password = "Boiler-House-2031"
    r = await client.post("/api/v1/auth/change-password", headers=make.headers(user), json={
        "current_password": TEST_PASSWORD, "new_password": new_password})
    assert r.status_code == 200
    (entry,) = (await _entries(client, tenant, action="user.password_changed"))["data"]
    assert entry["user_id"] == user.id and entry["entity_id"] == str(user.id)
    assert new_password not in str(entry) and TEST_PASSWORD not in str(entry)


async def test_filters_pagination_and_order(client, make, db):
    from app.models.audit_log import AuditLog

    tenant = await make.tenant()
    other_user = await make.user(tenant.factory, permissions=["manage_devices"])
    for key in ("f-1", "f-2", "f-3"):
        await client.post("/api/v1/devices", headers=tenant.headers,
                          json={"device_key": key, "name": key})
    await client.post("/api/v1/devices", headers=make.headers(other_user),
                      json={"device_key": "f-4", "name": "f-4"})
    # Back-date the first entry to exercise the time window.
    first = (await _entries(client, tenant, action="device.created"))["data"][-1]
    await db.execute(update(AuditLog).where(
        AuditLog.factory_id == tenant.id, AuditLog.id == first["id"]
    ).values(created_at=datetime.now(UTC) - timedelta(days=2)))
    await db.commit()

    everything = await _entries(client, tenant, action="device.created")
    assert everything["total"] == 4
    ids = [e["id"] for e in everything["data"]]
    times = [e["created_at"] for e in everything["data"]]
    assert times == sorted(times, reverse=True) and ids[-1] == first["id"]
    page = await _entries(client, tenant, action="device.created", per_page=2, page=2)
    assert [e["id"] for e in page["data"]] == ids[2:4] and page["total"] == 4

    by_other = await _entries(client, tenant, user_id=other_user.id)
    assert [e["details"]["device_key"] for e in by_other["data"]] == ["f-4"]
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    recent = await _entries(client, tenant, action="device.created", since=since)
    assert recent["total"] == 3 and first["id"] not in [e["id"] for e in recent["data"]]
    old = await _entries(client, tenant, action="device.created", until=since)
    assert [e["id"] for e in old["data"]] == [first["id"]]
    assert (await _entries(client, tenant, action="no.such.action"))["total"] == 0
    r = await client.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00"},
                         headers=tenant.headers)
    assert r.status_code == 422  # a moment without a time zone is ambiguous


async def test_the_trail_is_for_the_factorys_super_admins_only(client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    await client.patch("/api/v1/factories/current", headers=other.headers,
                       json={"currency": "GBP"})
    assert await _actions(client, tenant, entity_type="factory") == []
    from app.models.user import PERMISSIONS

    everything_but_admin = await make.user(tenant.factory, permissions=PERMISSIONS)
    r = await client.get("/api/v1/audit", headers=make.headers(everything_but_admin))
    assert r.status_code == 403 and r.json()["error"]["code"] == "SUPER_ADMIN_REQUIRED"
    assert (await client.get("/api/v1/audit")).status_code == 401


async def test_rule_changes_are_recorded(client, make):
    tenant = await make.tenant()
    device = await make.device(tenant)
    await make.parameter(device, "power_kw")
    r = await client.post("/api/v1/rules", headers=tenant.headers, json={
        "name": "High load", "condition": {"parameter": "power_kw", "operator": ">",
                                           "value": 100}})
    assert r.status_code == 201, r.text
    url = f"/api/v1/rules/{r.json()['data']['id']}"
    await client.patch(url, headers=tenant.headers, json={"severity": "critical"})
    await client.post(f"{url}/disable", headers=tenant.headers)
    await client.post(f"{url}/enable", headers=tenant.headers)
    assert (await client.delete(url, headers=tenant.headers)).status_code == 204
    data = (await _entries(client, tenant, entity_type="rule"))["data"]
    assert [e["action"] for e in data] == ["rule.deleted", "rule.enabled", "rule.disabled",
                                           "rule.updated", "rule.created"]
    assert data[3]["details"] == {"fields": ["severity"]}
    assert {e["entity_id"] for e in data} == {url.rsplit("/", 1)[1]}
    assert all(e["user_id"] == tenant.admin.id and e["ip_address"] == CLIENT_IP for e in data)
