"""API keys end to end: issued once, stored hashed, accepted in either header, refused once
revoked or expired, rate limited per key, their use recorded cheaply and their actions audited
under the key's name. Their service accounts never appear among the factory's people."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from app.core.api_key_format import API_KEY_PATTERN, new_api_key
from app.core.database import session_scope
from app.models import ApiKey, AuditLog

API = "/api/v1"


async def _issue(client, tenant, **body):
    body = {"name": "MES line 2", "permissions": ["manage_devices"], **body}
    r = await client.post(f"{API}/api-keys", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r


async def _key_row(key_id: int, factory_id: int) -> ApiKey:
    async with session_scope() as session:
        return (await session.execute(select(ApiKey).where(
            ApiKey.id == key_id, ApiKey.factory_id == factory_id))).scalar_one()


async def test_a_key_is_shown_once_with_a_scannable_prefix_and_stored_hashed(client, tenant):
    r = await _issue(client, tenant, expires_at="2099-01-01T00:00:00Z")
    assert r.headers["cache-control"] == "no-store"
    created = r.json()["data"]
    secret = created["key"]
    assert re.fullmatch(API_KEY_PATTERN, secret), secret
    assert created["prefix"] == secret[:14] and created["status"] == "active"
    assert created["permissions"] == ["manage_devices"]
    assert created["created_by"]["id"] == tenant.admin.id

    row = await _key_row(created["id"], tenant.id)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr({c.name: getattr(row, c.key) for c in ApiKey.__mapper__.columns})

    shown = (await client.get(f"{API}/api-keys/{created['id']}", headers=tenant.headers)).json()
    listed = (await client.get(f"{API}/api-keys", headers=tenant.headers)).json()
    assert "key" not in shown["data"] and secret not in str(listed)
    assert [k["id"] for k in listed["data"]] == [created["id"]]


async def test_a_key_is_accepted_as_bearer_or_x_api_key(client, tenant, make):
    key = await make.api_key(tenant)
    device = await make.device(tenant)
    for headers in (key.headers, key.bearer):
        r = await client.get(f"{API}/devices/{device.id}", headers=headers)
        assert r.status_code == 200, r.text
        # A route that loads the whole account, not only the cached principal.
        assert (await client.get(f"{API}/alerts", headers=headers)).status_code == 200


async def test_unknown_tampered_and_misplaced_credentials_answer_401(client, tenant, make):
    key = await make.api_key(tenant)
    tampered = key.secret[:-1] + ("A" if key.secret[-1] != "A" else "B")
    cases = {
        "unknown": {"X-API-Key": new_api_key()},
        "tampered": {"X-API-Key": tampered},
        "truncated bearer": {"Authorization": f"Bearer {key.secret[:20]}"},
        "an access token as a key": {"X-API-Key": tenant.headers["Authorization"][7:]},
    }
    for name, headers in cases.items():
        r = await client.get(f"{API}/devices", headers=headers)
        assert r.status_code == 401, name
        assert r.json()["error"]["code"] == "INVALID_API_KEY", name


async def test_a_revoked_key_answers_401_at_once(client, tenant, make):
    created = (await _issue(client, tenant)).json()["data"]
    headers = {"X-API-Key": created["key"]}
    assert (await client.get(f"{API}/devices", headers=headers)).status_code == 200

    r = await client.post(f"{API}/api-keys/{created['id']}/revoke", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "revoked"
    for path in ("/devices", "/alerts"):  # cached principal and loaded account alike
        r = await client.get(API + path, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "API_KEY_REVOKED"
    # A key made revoked in the database is refused without ever having been cached.
    revoked = await make.api_key(tenant, revoked_at=datetime.now(UTC))
    r = await client.get(f"{API}/devices", headers=revoked.bearer)
    assert r.json()["error"]["code"] == "API_KEY_REVOKED"
    audit = await client.get(f"{API}/audit", params={"action": "api_key.revoked"},
                             headers=tenant.headers)
    assert audit.json()["data"][0]["entity_id"] == str(created["id"])


async def test_an_expired_key_answers_401_even_while_remembered(client, tenant, make):
    expired = await make.api_key(tenant, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await client.get(f"{API}/devices", headers=expired.headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "API_KEY_EXPIRED"

    expiring = await make.api_key(tenant, expires_at=datetime.now(UTC) + timedelta(seconds=1.5))
    assert (await client.get(f"{API}/devices", headers=expiring.headers)).status_code == 200
    await asyncio.sleep(1.6)
    r = await client.get(f"{API}/devices", headers=expiring.headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "API_KEY_EXPIRED"


async def test_a_key_may_do_what_its_permissions_allow_and_nothing_of_a_super_admin(
        client, tenant, make):
    writer = await make.api_key(tenant, permissions=["manage_devices"])
    reader = await make.api_key(tenant)
    body = {"device_key": "press-7", "name": "Press 7"}
    r = await client.post(f"{API}/devices", json=body, headers=reader.headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
    assert (await client.post(f"{API}/devices", json=body, headers=writer.headers)
            ).status_code == 201
    for method, path in (("GET", "/users"), ("GET", "/api-keys"), ("GET", "/audit"),
                         ("POST", "/api-keys")):
        r = await client.request(method, API + path, headers=writer.headers,
                                 **({"json": {"name": "x"}} if method == "POST" else {}))
        assert r.status_code == 403, path
        assert r.json()["error"]["code"] == "SUPER_ADMIN_REQUIRED", path


async def test_what_a_key_does_is_audited_under_its_name(client, tenant, make):
    key = await make.api_key(tenant, permissions=["manage_devices"], name="ERP connector")
    r = await client.post(f"{API}/devices", json={"device_key": "pump-1", "name": "Pump"},
                          headers=key.bearer)
    assert r.status_code == 201
    entries = (await client.get(f"{API}/audit", params={"action": "device.created"},
                                headers=tenant.headers)).json()["data"]
    actor = entries[0]["user"]
    assert actor["full_name"] == "ERP connector" and actor["kind"] == "service"
    assert entries[0]["user_id"] == key.account.id


async def test_last_use_is_recorded_without_a_write_per_request(client, tenant, make):
    key = await make.api_key(tenant)
    assert (await _key_row(key.row.id, tenant.id)).last_used_at is None
    before = datetime.now(UTC)
    assert (await client.get(f"{API}/devices", headers=key.headers)).status_code == 200
    first = (await _key_row(key.row.id, tenant.id)).last_used_at
    assert first is not None and first >= before - timedelta(seconds=1)
    for _ in range(3):
        assert (await client.get(f"{API}/devices", headers=key.headers)).status_code == 200
    assert (await _key_row(key.row.id, tenant.id)).last_used_at == first
    listed = (await client.get(f"{API}/api-keys/{key.row.id}", headers=tenant.headers)).json()
    assert listed["data"]["last_used_at"] is not None


async def test_each_key_has_its_own_rate_limit(make, settings, database_url):
    from app.main import create_app

    app = create_app(settings.model_copy(update={"api_key_rate_limit": "3/minute"}))
    tenant = await make.tenant()
    busy = await make.api_key(tenant, permissions=["manage_devices"])
    quiet = await make.api_key(tenant)
    device = await make.device(tenant)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            # A route that checks the principal and loads the account: still one hit each.
            codes = [(await c.patch(f"{API}/devices/{device.id}", json={"name": f"n{i}"},
                                    headers=busy.headers)).status_code for i in range(4)]
            assert codes == [200, 200, 200, 429]
            r = await c.get(f"{API}/devices", headers=busy.headers)
            assert r.json()["error"]["code"] == "RATE_LIMITED"
            assert int(r.headers["Retry-After"]) >= 1
            assert (await c.get(f"{API}/devices", headers=quiet.headers)).status_code == 200
            # People's sessions are not counted against keys.
            assert (await c.get(f"{API}/devices", headers=tenant.headers)).status_code == 200


async def test_another_factorys_key_sees_404(client, tenant, make):
    stranger = await make.api_key(await make.tenant(), permissions=["manage_devices"])
    device = await make.device(tenant)
    for method in ("GET", "PATCH", "DELETE"):
        r = await client.request(method, f"{API}/devices/{device.id}", headers=stranger.headers,
                                 **({"json": {"name": "x"}} if method == "PATCH" else {}))
        assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"


async def test_service_accounts_are_not_people(client, tenant, make):
    key = await make.api_key(tenant, permissions=["acknowledge_alerts"])
    users = (await client.get(f"{API}/users", headers=tenant.headers)).json()
    directory = (await client.get(f"{API}/users/directory", headers=tenant.headers)).json()
    assert key.account.id not in {u["id"] for u in users["data"] + directory["data"]}
    r = await client.get(f"{API}/users/{key.account.id}", headers=tenant.headers)
    assert r.status_code == 404
    r = await client.post(f"{API}/auth/login", json={
        "factory_id": tenant.id, "email": key.account.email, "password": key.secret})
    assert r.status_code == 401
    rule = {"name": "hot", "condition": {"parameter": "t", "operator": ">", "value": 1},
            "allow_unseen_parameters": True, "channels": ["email"],
            "recipients": {"user_ids": [key.account.id]}}
    r = await client.post(f"{API}/rules", json=rule, headers=tenant.headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_RECIPIENTS"


async def test_creating_a_key_validates_its_permissions_devices_and_expiry(
        client, tenant, make, other_tenant):
    own = await make.device(tenant)
    foreign = await make.device(other_tenant)
    cases = [
        ({"permissions": ["ingest"]}, "VALIDATION_ERROR"),
        ({"permissions": [], "ingest_device_ids": [own.id]}, "VALIDATION_ERROR"),
        ({"permissions": ["ingest"], "ingest_device_ids": [foreign.id]}, "INVALID_DEVICES"),
        ({"permissions": ["super_admin"]}, "VALIDATION_ERROR"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "VALIDATION_ERROR"),
        ({"expires_at": "2099-01-01T00:00:00"}, "VALIDATION_ERROR"),
        ({"name": "  "}, "VALIDATION_ERROR"),
    ]
    for extra, code in cases:
        body = {"name": "k", "permissions": [], **extra}
        r = await client.post(f"{API}/api-keys", json=body, headers=tenant.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (extra, r.text)
    r = await _issue(client, tenant, permissions=["ingest"], ingest_device_ids=[own.id])
    assert r.json()["data"]["ingest_device_ids"] == [own.id]
    async with session_scope() as session:
        created = (await session.execute(select(AuditLog).where(
            AuditLog.factory_id == tenant.id, AuditLog.action == "api_key.created"))).scalar_one()
    assert created.details["ingest_device_ids"] == [own.id]
