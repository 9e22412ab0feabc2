"""Refresh-token rotation under real concurrency on MariaDB, and what presenting a rotated-out
refresh token does to the sessions of its user."""

from __future__ import annotations

import asyncio

from pytest_factoryops import TEST_PASSWORD


async def _sign_in(client, factory, user) -> dict:
    r = await client.post("/api/v1/auth/login", json={
        "factory_id": factory.id, "email": user.email, "password": TEST_PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _refresh(client, token: str):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def _bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def rotated_a_minute_ago(db, refresh_token: str) -> None:
    """Moves a rotation back in time, past the grace that absorbs racing refreshes."""
    from datetime import timedelta

    import jwt

    from app.repositories.user_repo import RefreshTokenRepository

    claims = jwt.decode(refresh_token, options={"verify_signature": False})
    record = await RefreshTokenRepository(db, claims["factory_id"]).get_by_jti(claims["jti"])
    record.revoked_at -= timedelta(minutes=1)
    await db.commit()


async def test_of_concurrent_refreshes_with_one_token_exactly_one_wins(client, make):
    factory = await make.factory()
    user = await make.user(factory)
    for _round in range(8):
        tokens = await _sign_in(client, factory, user)
        answers = await asyncio.gather(*(_refresh(client, tokens["refresh_token"])
                                         for _ in range(3)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 401, 401], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()["data"]
        # Losing the race is not a theft: the winner's new session keeps working.
        assert (await client.get("/api/v1/auth/me", headers=_bearer(winner))).status_code == 200
        assert (await _refresh(client, winner["refresh_token"])).status_code == 200


async def test_reusing_a_rotated_refresh_token_ends_access_tokens_already_issued(
        client, make, tenant, db):
    factory = await make.factory()
    user = await make.user(factory, role="super_admin")
    laptop = await _sign_in(client, factory, user)
    phone = await _sign_in(client, factory, user)
    # Both access tokens in use: verified and remembered by this process, principal cached.
    for session in (laptop, phone):
        assert (await client.get("/api/v1/auth/me", headers=_bearer(session))).status_code == 200
        assert (await client.get("/api/v1/devices", headers=_bearer(session))).status_code == 200

    rotated = (await _refresh(client, laptop["refresh_token"])).json()["data"]
    assert rotated["refresh_token"] != laptop["refresh_token"]
    assert (await client.get("/api/v1/devices", headers=_bearer(rotated))).status_code == 200

    # Within seconds of the rotation the old token is a racing tab: refused, nothing ends.
    assert (await _refresh(client, laptop["refresh_token"])).status_code == 401
    assert (await client.get("/api/v1/devices", headers=_bearer(phone))).status_code == 200

    # A minute later the old refresh token comes back: someone else holds a copy.
    await rotated_a_minute_ago(db, laptop["refresh_token"])
    r = await _refresh(client, laptop["refresh_token"])
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"

    for session in (phone, rotated):
        for path in ("/api/v1/auth/me", "/api/v1/devices"):
            r = await client.get(path, headers=_bearer(session))
            assert r.status_code == 401, (path, r.text)
        assert (await _refresh(client, session["refresh_token"])).status_code == 401
    # Another user of the factory is untouched, and the owner can sign in again.
    assert (await client.get("/api/v1/devices", headers=tenant.headers)).status_code == 200
    fresh = await _sign_in(client, factory, user)
    assert (await client.get("/api/v1/devices", headers=_bearer(fresh))).status_code == 200


async def test_two_refreshes_that_both_read_the_token_before_writing_cannot_both_win(
        client, make, db):
    """Holds the token's row lock so that both refreshes read it unrevoked and then queue on
    their writes; released, the database lets exactly one of them rotate it."""
    import jwt
    from sqlalchemy import text

    from app.models.user import RefreshToken
    from app.repositories.user_repo import RefreshTokenRepository

    factory = await make.factory()
    user = await make.user(factory)
    tokens = await _sign_in(client, factory, user)
    jti = jwt.decode(tokens["refresh_token"], options={"verify_signature": False})["jti"]
    repo = RefreshTokenRepository(db, factory.id)
    await db.execute(repo.select().where(RefreshToken.jti == jti).with_for_update())

    racing = [asyncio.create_task(_refresh(client, tokens["refresh_token"])) for _ in range(2)]
    waiting = text("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() "
                   "AND INFO LIKE 'UPDATE refresh_tokens%'")
    for _ in range(200):
        async with db.bind.connect() as probe:
            if (await probe.execute(waiting)).scalar_one() == 2:
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the two refreshes never queued on the token's row")
    await db.rollback()  # releases the lock

    answers = await asyncio.gather(*racing)
    assert sorted(a.status_code for a in answers) == [200, 401], [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()["data"]
    assert (await client.get("/api/v1/auth/me", headers=_bearer(winner))).status_code == 200
