"""Users API: invitations followed by email, roles and permissions, deactivation, and the
safeguards that keep a factory administrable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update

from pytest_factoryops import TEST_PASSWORD
from tests.support.smtp_sink import html_of, link_in, text_of

NEW_PASSWORD = "Turbine-Blade-2031"


async def _invite(client, tenant, email, **fields):
    body = {"email": email, "full_name": "Ida Invited", "role": "user",
            "permissions": ["acknowledge_alerts"], **fields}
    return await client.post("/api/v1/users", json=body, headers=tenant.headers)


async def _login(client, factory, email, password):
    return await client.post("/api/v1/auth/login", json={
        "factory_id": factory.id, "email": email, "password": password})


async def test_invite_email_link_sets_the_password_once(mail_client, smtp_sink, make):
    tenant = await make.tenant(name="Invite Works")
    r = await _invite(mail_client, tenant, "Ida.Invited@Test.io")
    assert r.status_code == 201, r.text
    invited = r.json()["data"]
    assert invited["email"] == "ida.invited@test.io"
    assert invited["status"] == "invited" and invited["is_active"] is True
    assert invited["permissions"] == ["acknowledge_alerts"] and invited["invited_at"]

    (message,) = await smtp_sink.wait_for("ida.invited@test.io")
    assert "Invite Works" in message["Subject"]
    link, query = link_in(message, "accept-invite")
    assert link.startswith("http://127.0.0.1:8000/accept-invite?")
    assert query["factory"] == tenant.factory.slug and len(query["token"]) >= 40
    assert query["token"] in html_of(message) and "72 hours" in text_of(message)

    # Not signed in yet: no password exists.
    assert (await _login(mail_client, tenant.factory, invited["email"],
                         NEW_PASSWORD)).status_code == 401
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        "factory": query["factory"], "token": query["token"], "password": NEW_PASSWORD,
        "full_name": "Ida Accepted"})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"user_id": invited["id"], "email": "ida.invited@test.io",
                                "factory_id": tenant.id, "factory_slug": tenant.factory.slug}
    r = await _login(mail_client, tenant.factory, "ida.invited@test.io", NEW_PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["user"]["full_name"] == "Ida Accepted"

    # Single use.
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        "factory_slug": tenant.factory.slug, "token": query["token"],
        "password": "Another-Pass-77"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_INVALID"
    r = await mail_client.get(f"/api/v1/users/{invited['id']}", headers=tenant.headers)
    assert r.json()["data"]["status"] == "active"


async def test_only_the_token_hash_is_stored(mail_client, smtp_sink, make, db):
    from app.core.security import hash_token
    from app.repositories.user_repo import UserTokenRepository

    tenant = await make.tenant()
    invited = (await _invite(mail_client, tenant, "hash@test.io")).json()["data"]
    (message,) = await smtp_sink.wait_for("hash@test.io")
    token = link_in(message, "accept-invite")[1]["token"]
    repo = UserTokenRepository(db, tenant.id)
    assert await repo.get_by_hash(token, "invite") is None
    stored = await repo.get_by_hash(hash_token(token), "invite")
    assert stored is not None and stored.user_id == invited["id"]
    lifetime = stored.expires_at - datetime.now(UTC)
    assert timedelta(hours=71) < lifetime <= timedelta(hours=72)


async def test_expired_invitation_is_refused(mail_client, smtp_sink, make, db):
    from app.models.user import UserToken

    tenant = await make.tenant()
    invited = (await _invite(mail_client, tenant, "late@test.io")).json()["data"]
    (message,) = await smtp_sink.wait_for("late@test.io")
    query = link_in(message, "accept-invite")[1]
    await db.execute(update(UserToken).where(
        UserToken.factory_id == tenant.id, UserToken.user_id == invited["id"]
    ).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    await db.commit()
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        "factory_id": tenant.id, "token": query["token"], "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_EXPIRED"
    assert "expired" in r.json()["error"]["message"]


async def test_weak_password_keeps_the_link_usable(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    await _invite(mail_client, tenant, "weakling@test.io")
    (message,) = await smtp_sink.wait_for("weakling@test.io")
    query = link_in(message, "accept-invite")[1]
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        **query, "password": "weakling"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "WEAK_PASSWORD"
    assert {d["rule"] for d in error["details"]} == {"min_length", "not_only_letters",
                                                     "not_email"}
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        **query, "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text


async def test_link_of_one_factory_does_not_open_another(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    other = await make.tenant()
    await _invite(mail_client, tenant, "roamer@test.io")
    (message,) = await smtp_sink.wait_for("roamer@test.io")
    token = link_in(message, "accept-invite")[1]["token"]
    for reference in ({"factory": other.factory.slug}, {"factory_id": other.id},
                      {"factory": "no-such-factory"}):
        r = await mail_client.post("/api/v1/auth/accept-invite", json={
            **reference, "token": token, "password": NEW_PASSWORD})
        assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_INVALID"


async def test_resend_invite_kills_the_previous_link(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    invited = (await _invite(mail_client, tenant, "twice@test.io")).json()["data"]
    (first,) = await smtp_sink.wait_for("twice@test.io")
    r = await mail_client.post(f"/api/v1/users/{invited['id']}/resend-invite",
                               headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "invited"
    first_mail, second_mail = await smtp_sink.wait_for("twice@test.io", count=2)
    old = link_in(first_mail, "accept-invite")[1]
    new = link_in(second_mail, "accept-invite")[1]
    assert old["token"] != new["token"]
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        **old, "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_INVALID"
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        **new, "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    # Accepted: nothing left to resend.
    r = await mail_client.post(f"/api/v1/users/{invited['id']}/resend-invite",
                               headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "INVITE_ALREADY_ACCEPTED"


# --- the invitation link when email is off ------------------------------------------------
async def test_with_email_off_the_answer_carries_a_working_link(client, make, settings):
    assert not settings.smtp_host, "the default app of the tests sends no email"
    tenant = await make.tenant()
    r = await _invite(client, tenant, "offline@test.io")
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    invited = r.json()["data"]
    link = invited["invite_link"]
    assert link.startswith(f"{settings.public_url}/accept-invite?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query["factory"] == tenant.factory.slug

    # Never in a plain read: the link is shown once, to the inviter.
    r = await client.get(f"/api/v1/users/{invited['id']}", headers=tenant.headers)
    assert "invite_link" not in r.json()["data"]
    r = await client.get("/api/v1/users", headers=tenant.headers)
    assert all("invite_link" not in u for u in r.json()["data"])

    r = await client.post(f"/api/v1/users/{invited['id']}/resend-invite",
                          headers=tenant.headers)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    fresh = {k: v[0] for k, v in parse_qs(urlsplit(r.json()["data"]["invite_link"]).query
                                          ).items()}
    assert fresh["token"] != query["token"]
    r = await client.post("/api/v1/auth/accept-invite", json={**query, "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_INVALID"
    r = await client.post("/api/v1/auth/accept-invite", json={**fresh, "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert (await _login(client, tenant.factory, "offline@test.io",
                         NEW_PASSWORD)).status_code == 200


async def test_with_email_on_the_link_goes_only_by_email(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    r = await _invite(mail_client, tenant, "online@test.io")
    assert r.status_code == 201 and r.json()["data"]["invite_link"] is None
    (message,) = await smtp_sink.wait_for("online@test.io")
    query = link_in(message, "accept-invite")[1]
    r = await mail_client.post(f"/api/v1/users/{r.json()['data']['id']}/resend-invite",
                               headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["invite_link"] is None
    _, second = await smtp_sink.wait_for("online@test.io", count=2)
    assert link_in(second, "accept-invite")[1]["token"] != query["token"]


# --- the directory -------------------------------------------------------------------------
async def test_directory_names_active_users_to_every_user(client, make):
    tenant = await make.tenant()
    editor = await make.user(tenant.factory, email="rita.rules@test.io",
                             full_name="Rita Rules", permissions=["manage_rules"],
                             phone="+4915112345678")
    plain = await make.user(tenant.factory, email="pat.plain@test.io", full_name="",
                            permissions=[])
    await make.user(tenant.factory, email="gone@test.io", is_active=False)
    other = await make.tenant()
    await make.user(other.factory, email="rita.elsewhere@test.io", full_name="Rita Other")

    r = await client.get("/api/v1/users/directory", headers=make.headers(editor))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and (body["page"], body["per_page"]) == (1, 20)
    assert body["data"] == sorted(body["data"], key=lambda u: u["email"])
    assert {u["email"] for u in body["data"]} == {tenant.admin.email, "rita.rules@test.io",
                                                  "pat.plain@test.io"}
    assert all(set(u) == {"id", "full_name", "email"} for u in body["data"])

    async def search(**params):
        r = await client.get("/api/v1/users/directory", params=params,
                             headers=make.headers(plain))
        assert r.status_code == 200, r.text
        return r.json()

    assert (await search(q="RITA"))["data"] == [
        {"id": editor.id, "full_name": "Rita Rules", "email": "rita.rules@test.io"}]
    assert (await search(q="gone"))["total"] == 0, "a deactivated user is not offered"
    paged = await search(per_page=2, page=2)
    assert paged["total"] == 3 and len(paged["data"]) == 1
    r = await client.get("/api/v1/users/directory", params={"q": "x" * 201},
                         headers=tenant.headers)
    assert r.status_code == 422
    assert (await client.get("/api/v1/users/directory")).status_code == 401


async def test_invite_validation_and_duplicates(client, make):
    tenant = await make.tenant()
    existing = await make.user(tenant.factory)
    r = await _invite(client, tenant, existing.email.upper())
    assert r.status_code == 409 and r.json()["error"]["code"] == "USER_EXISTS"
    for bad in ({"email": "not-an-email"}, {"role": "owner"},
                {"permissions": ["delete_everything"]}, {"surprise": True}):
        r = await _invite(client, tenant, **{"email": "valid@test.io", **bad})
        assert r.status_code == 422, (bad, r.text)
    r = await _invite(client, tenant, "admin2@test.io", role="super_admin", permissions=[])
    assert r.status_code == 201 and r.json()["data"]["role"] == "super_admin"


async def test_the_users_api_is_for_super_admins_only(client, make):
    tenant = await make.tenant()
    from app.models.user import PERMISSIONS

    powerful = await make.user(tenant.factory, permissions=PERMISSIONS)
    headers = make.headers(powerful)
    for method, url in (("GET", "/api/v1/users"), ("POST", "/api/v1/users"),
                        ("GET", f"/api/v1/users/{tenant.admin.id}"),
                        ("PATCH", f"/api/v1/users/{tenant.admin.id}"),
                        ("POST", f"/api/v1/users/{tenant.admin.id}/deactivate")):
        r = await client.request(method, url, headers=headers, json={})
        assert r.status_code == 403, (method, url, r.text)
        assert r.json()["error"]["code"] == "SUPER_ADMIN_REQUIRED"
    assert (await client.get("/api/v1/users")).status_code == 401


async def test_list_filters_and_pagination(client, make):
    tenant = await make.tenant()
    await make.user(tenant.factory, email="anna.operator@test.io", full_name="Anna Operator")
    await make.user(tenant.factory, email="bert@test.io", full_name="Bert Builder",
                    is_active=False)
    await make.user(tenant.factory, email="carla@test.io", role="super_admin")
    other = await make.tenant()
    await make.user(other.factory, email="anna.elsewhere@test.io")

    async def emails(**params):
        r = await client.get("/api/v1/users", params=params, headers=tenant.headers)
        assert r.status_code == 200, r.text
        return [u["email"] for u in r.json()["data"]], r.json()["total"]

    everyone, total = await emails()
    assert total == 4 and "anna.elsewhere@test.io" not in everyone
    assert everyone == sorted(everyone)
    assert (await emails(q="ANNA"))[0] == ["anna.operator@test.io"]
    assert (await emails(q="builder"))[0] == ["bert@test.io"]
    assert (await emails(is_active="false"))[0] == ["bert@test.io"]
    admins, _ = await emails(role="super_admin")
    assert set(admins) == {"carla@test.io", tenant.admin.email}
    page, total = await emails(per_page=3, page=2)
    assert total == 4 and page == everyone[3:]
    r = await client.get("/api/v1/users", params={"role": "owner"}, headers=tenant.headers)
    assert r.status_code == 422
    statuses = {u["email"]: u["status"] for u in
                (await client.get("/api/v1/users", headers=tenant.headers)).json()["data"]}
    assert statuses["bert@test.io"] == "deactivated"
    assert statuses["anna.operator@test.io"] == "active"


async def test_another_factorys_user_is_not_found(client, make):
    tenant = await make.tenant()
    other = await make.tenant()
    for method, suffix in (("GET", ""), ("PATCH", ""), ("POST", "/deactivate"),
                           ("POST", "/reactivate"), ("POST", "/resend-invite")):
        r = await client.request(method, f"/api/v1/users/{other.admin.id}{suffix}",
                                 headers=tenant.headers, json={"full_name": "x"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "USER_NOT_FOUND"


async def test_patch_changes_role_and_permissions_at_once(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory, permissions=[])
    headers = make.headers(user)
    device = {"device_key": "perm-meter", "name": "Meter"}
    r = await client.post("/api/v1/devices", json=device, headers=headers)
    assert r.status_code == 403

    r = await client.patch(f"/api/v1/users/{user.id}", headers=tenant.headers, json={
        "full_name": "Pat Promoted", "permissions": ["manage_devices", "manage_devices"]})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["full_name"] == "Pat Promoted" and data["permissions"] == ["manage_devices"]
    # The same access token: permissions are read per request, not from the token.
    assert (await client.post("/api/v1/devices", json=device, headers=headers)).status_code == 201

    r = await client.patch(f"/api/v1/users/{user.id}", headers=tenant.headers,
                           json={"role": "super_admin"})
    assert r.json()["data"]["role"] == "super_admin"
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 200
    r = await client.patch(f"/api/v1/users/{user.id}", headers=tenant.headers,
                           json={"role": "user"})
    assert r.status_code == 200
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 403
    for bad in ({"role": None}, {"permissions": ["fly"]}, {"email": "x@test.io"}):
        r = await client.patch(f"/api/v1/users/{user.id}", headers=tenant.headers, json=bad)
        assert r.status_code == 422, bad


async def test_super_admin_cannot_demote_or_deactivate_themself(client, make):
    tenant = await make.tenant()
    me = f"/api/v1/users/{tenant.admin.id}"
    r = await client.patch(me, headers=tenant.headers, json={"role": "user"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "CANNOT_DEMOTE_SELF"
    r = await client.post(f"{me}/deactivate", headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "CANNOT_DEACTIVATE_SELF"
    # Renaming oneself is fine.
    r = await client.patch(me, headers=tenant.headers, json={"full_name": "Still In Charge"})
    assert r.status_code == 200


async def test_a_factory_keeps_its_last_active_super_admin(make, db, settings):
    """Reachable without acting on oneself when no user acts (the CLI) or when two admins
    act at the same moment; the service refuses either way."""
    from app.core.errors import Conflict
    from app.schemas.user import UserUpdate
    from app.services.accounts.users import UserService

    tenant = await make.tenant()
    service = UserService(db, tenant.id, settings=settings)
    admin = await service.load(tenant.admin.id)
    with pytest.raises(Conflict) as refused:
        await service.deactivate(admin)
    assert refused.value.code == "LAST_SUPER_ADMIN"
    with pytest.raises(Conflict) as refused:
        await service.update(admin, UserUpdate(role="user"))
    assert refused.value.code == "LAST_SUPER_ADMIN"
    await db.rollback()

    second = await make.user(tenant.factory, role="super_admin")
    r = await service.deactivate(await service.load(second.id))
    assert r.status == "deactivated"
    # An inactive super admin does not count.
    with pytest.raises(Conflict):
        await service.update(await service.load(tenant.admin.id), UserUpdate(role="user"))


async def test_deactivation_ends_access_and_refresh_tokens_at_once(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    tokens = (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).json()["data"]
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=bearer)).status_code == 200

    r = await client.post(f"/api/v1/users/{user.id}/deactivate", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "deactivated"
    r = await client.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401
    assert (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).status_code == 401
    # Deactivating twice changes nothing.
    r = await client.post(f"/api/v1/users/{user.id}/deactivate", headers=tenant.headers)
    assert r.status_code == 200

    r = await client.post(f"/api/v1/users/{user.id}/reactivate", headers=tenant.headers)
    assert r.status_code == 200 and r.json()["data"]["status"] == "active"
    assert (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).status_code == 200
    # Tokens from before the deactivation stay dead.
    assert (await client.get("/api/v1/auth/me", headers=bearer)).status_code == 401
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_deactivated_invitee_cannot_use_the_link(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    invited = (await _invite(mail_client, tenant, "gone@test.io")).json()["data"]
    (message,) = await smtp_sink.wait_for("gone@test.io")
    query = link_in(message, "accept-invite")[1]
    await mail_client.post(f"/api/v1/users/{invited['id']}/deactivate", headers=tenant.headers)
    r = await mail_client.post("/api/v1/auth/accept-invite", json={
        **query, "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVITE_INVALID"
    r = await mail_client.post(f"/api/v1/users/{invited['id']}/resend-invite",
                               headers=tenant.headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "USER_INACTIVE"


async def test_users_are_never_deleted(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    r = await client.delete(f"/api/v1/users/{user.id}", headers=tenant.headers)
    assert r.status_code == 405


async def test_phone_for_whatsapp_alerts(client, make):
    tenant = await make.tenant()
    r = await _invite(client, tenant, "phoned@test.io", phone="+4915112345678")
    assert r.status_code == 201 and r.json()["data"]["phone"] == "+4915112345678"
    url = f"/api/v1/users/{r.json()['data']['id']}"
    r = await client.patch(url, headers=tenant.headers, json={"phone": "+33612345678"})
    assert r.json()["data"]["phone"] == "+33612345678"
    r = await client.patch(url, headers=tenant.headers, json={"phone": None})
    assert r.status_code == 200 and r.json()["data"]["phone"] is None
    for bad in ("015112345678", "+49 151 1234", "+0123456789"):
        r = await client.patch(url, headers=tenant.headers, json={"phone": bad})
        assert r.status_code == 422, bad
