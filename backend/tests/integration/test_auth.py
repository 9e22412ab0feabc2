import asyncio

import jwt

from pytest_factoryops import TEST_JWT_SECRET, TEST_PASSWORD


async def _login(client, factory, email, password=TEST_PASSWORD, by="id"):
    body = {"email": email, "password": password}
    body["factory_id" if by == "id" else "factory_slug"] = (
        factory.id if by == "id" else factory.slug)
    return await client.post("/api/v1/auth/login", json=body)


async def test_login_by_id_and_slug_returns_tokens_and_user(client, make):
    factory = await make.factory(name="Alpha Works")
    user = await make.user(factory, permissions=["manage_rules"])
    for by in ("id", "slug"):
        r = await _login(client, factory, user.email, by=by)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert data["token_type"] == "bearer" and data["expires_in"] == 900
        assert data["user"]["email"] == user.email
        assert data["user"]["factory"]["name"] == "Alpha Works"
        assert data["user"]["permissions"] == ["manage_rules"]
        claims = jwt.decode(data["access_token"], TEST_JWT_SECRET, algorithms=["HS256"])
        assert claims["factory_id"] == factory.id and claims["sub"] == str(user.id)
        assert claims["role"] == "user"


async def test_email_is_case_insensitive(client, make):
    factory = await make.factory()
    user = await make.user(factory, email="MiXed@Test.io".lower())
    r = await _login(client, factory, "  Mixed@TEST.io ")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["user"]["id"] == user.id


async def test_unknown_email_wrong_password_and_wrong_factory_look_the_same(client, make):
    factory = await make.factory()
    other = await make.factory()
    user = await make.user(factory)
    answers = [
        await _login(client, factory, "nobody@test.io"),
        await _login(client, factory, user.email, password="wrong-password"),
        await _login(client, other, user.email),
        await client.post("/api/v1/auth/login", json={
            "factory_slug": "no-such-factory", "email": user.email, "password": TEST_PASSWORD}),
    ]
    for r in answers:
        assert r.status_code == 401
        assert r.json() == {"error": {"code": "INVALID_CREDENTIALS",
                                      "message": "Incorrect email or password."}}


async def test_deactivated_user_cannot_sign_in_and_their_tokens_stop_working(client, make, db):
    from app.repositories.user_repo import UserRepository

    factory = await make.factory()
    user = await make.user(factory)
    headers = make.headers(user)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    loaded = await UserRepository(db, factory.id).get(user.id)
    loaded.is_active = False
    await db.commit()
    r = await client.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    assert (await _login(client, factory, user.email)).status_code == 401


async def test_me_requires_a_valid_bearer_token(client, tenant):
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "NOT_AUTHENTICATED"
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer garbage"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    none_token = jwt.encode({"sub": str(tenant.admin.id), "factory_id": tenant.id,
                             "type": "access", "jti": "x", "exp": 9999999999},
                            key=None, algorithm="none")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {none_token}"})
    assert r.status_code == 401
    forged = jwt.encode({"sub": str(tenant.admin.id), "factory_id": tenant.id,
                         "type": "access", "jti": "x", "exp": 9999999999},
                        "guessed-secret-guessed-secret-guessed", algorithm="HS256")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    expired = jwt.encode({"sub": str(tenant.admin.id), "factory_id": tenant.id,
                          "type": "access", "jti": "x", "exp": 1000, "ver": 0},
                         TEST_JWT_SECRET, algorithm="HS256")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401


async def test_token_for_another_factorys_user_id_is_refused(client, make):
    a = await make.tenant()
    b = await make.tenant()
    # A token claiming factory A with factory B's user id names no user of factory A.
    crafted = jwt.encode({"sub": str(b.admin.id), "factory_id": a.id, "type": "access",
                          "jti": "x", "exp": 9999999999, "ver": 0},
                         TEST_JWT_SECRET, algorithm="HS256")
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {crafted}"})
    assert r.status_code == 401


async def test_logout_revokes_the_refresh_token(client, make):
    factory = await make.factory()
    user = await make.user(factory)
    tokens = (await _login(client, factory, user.email)).json()["data"]
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"
    # Signing out twice is harmless.
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204


async def test_access_token_is_not_accepted_for_refresh(client, make):
    factory = await make.factory()
    user = await make.user(factory)
    tokens = (await _login(client, factory, user.email)).json()["data"]
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert r.status_code == 401


async def test_login_is_rate_limited_per_account_with_retry_after(client, make):
    factory = await make.factory()
    user = await make.user(factory)
    for _ in range(5):
        r = await _login(client, factory, user.email, password="bad-guess")
        assert r.status_code == 401
    r = await _login(client, factory, user.email)  # even the right password waits now
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    # Another account of the same factory is not affected.
    other = await make.user(factory)
    assert (await _login(client, factory, other.email)).status_code == 200


async def test_concurrent_logins_all_succeed(client, make):
    factory = await make.factory()
    users = [await make.user(factory) for _ in range(4)]
    answers = await asyncio.gather(*(_login(client, factory, u.email) for u in users))
    assert [a.status_code for a in answers] == [200] * 4
