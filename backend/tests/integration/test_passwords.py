"""Forgotten passwords, reset links, password changes, and the email that carries the link
both ways it can travel: sent by the API process, or queued for the notifications worker."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from pytest_factoryops import TEST_PASSWORD
from tests.support.smtp_sink import link_in, text_of

NEW_PASSWORD = "Compressor-Room-88"
BACKEND = Path(__file__).resolve().parents[2]


async def _login(client, factory, email, password):
    return await client.post("/api/v1/auth/login", json={
        "factory_id": factory.id, "email": email, "password": password})


async def _forgot(client, factory, email, by="factory"):
    reference = {"factory": factory.slug} if by == "factory" else {"factory_id": factory.id}
    return await client.post("/api/v1/auth/forgot-password", json={**reference, "email": email})


async def test_reset_link_sets_a_new_password_and_signs_out_everywhere(mail_client, smtp_sink,
                                                                        make):
    tenant = await make.tenant(name="Reset Works")
    user = await make.user(tenant.factory, email="forgetful@test.io")
    signed_in = (await _login(mail_client, tenant.factory, user.email,
                              TEST_PASSWORD)).json()["data"]

    r = await _forgot(mail_client, tenant.factory, "Forgetful@Test.io")
    assert r.status_code == 202, r.text
    (message,) = await smtp_sink.wait_for("forgetful@test.io")
    assert message["Subject"] == "Reset your FactoryOps password"
    link, query = link_in(message, "reset-password")
    assert link.startswith("http://127.0.0.1:8000/reset-password?")
    assert query["factory"] == tenant.factory.slug and "60 minutes" in text_of(message)

    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**query, "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["user_id"] == user.id
    assert (await _login(mail_client, tenant.factory, user.email,
                         TEST_PASSWORD)).status_code == 401
    assert (await _login(mail_client, tenant.factory, user.email,
                         NEW_PASSWORD)).status_code == 200
    bearer = {"Authorization": f"Bearer {signed_in['access_token']}"}
    assert (await mail_client.get("/api/v1/auth/me", headers=bearer)).status_code == 401
    r = await mail_client.post("/api/v1/auth/refresh",
                               json={"refresh_token": signed_in["refresh_token"]})
    assert r.status_code == 401

    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**query, "password": "Yet-Another-Pass-9"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "RESET_TOKEN_INVALID"


async def test_forgot_password_never_tells_whether_the_account_exists(mail_client, smtp_sink,
                                                                       make):
    tenant = await make.tenant()
    other = await make.tenant()
    real = await make.user(tenant.factory, email="real@test.io")
    gone = await make.user(tenant.factory, email="gone@test.io", is_active=False)
    answers = [
        await _forgot(mail_client, tenant.factory, real.email),
        await _forgot(mail_client, tenant.factory, "nobody@test.io"),
        await _forgot(mail_client, tenant.factory, gone.email),
        await _forgot(mail_client, other.factory, real.email, by="id"),
        await mail_client.post("/api/v1/auth/forgot-password",
                               json={"factory": "no-such-plant", "email": real.email}),
    ]
    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1
    await smtp_sink.wait_for(real.email)
    await asyncio.sleep(0.5)  # time for any wrongly sent email to arrive too
    assert [m["To"] for m in smtp_sink.messages] == [real.email]


async def test_forgot_password_is_rate_limited_like_login(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    for _ in range(5):
        assert (await _forgot(client, tenant.factory, user.email)).status_code == 202
    r = await _forgot(client, tenant.factory, user.email)
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED"
    assert int(r.headers["Retry-After"]) > 0
    # The limit is per account: another address is not held back.
    assert (await _forgot(client, tenant.factory, "someone@test.io")).status_code == 202


async def test_a_newer_reset_link_replaces_the_older_one(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory, email="twice-reset@test.io")
    await _forgot(mail_client, tenant.factory, user.email)
    await _forgot(mail_client, tenant.factory, user.email)
    first, second = await smtp_sink.wait_for(user.email, count=2)
    old = link_in(first, "reset-password")[1]
    new = link_in(second, "reset-password")[1]
    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**old, "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "RESET_TOKEN_INVALID"
    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**new, "password": NEW_PASSWORD})
    assert r.status_code == 200


async def test_expired_reset_link_is_refused(mail_client, smtp_sink, make, db):
    from app.models.user import UserToken

    tenant = await make.tenant()
    user = await make.user(tenant.factory, email="slow@test.io")
    await _forgot(mail_client, tenant.factory, user.email)
    (message,) = await smtp_sink.wait_for(user.email)
    query = link_in(message, "reset-password")[1]
    await db.execute(update(UserToken).where(
        UserToken.factory_id == tenant.id, UserToken.user_id == user.id
    ).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    await db.commit()
    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**query, "password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "RESET_TOKEN_EXPIRED"
    assert (await _login(mail_client, tenant.factory, user.email,
                         TEST_PASSWORD)).status_code == 200


async def test_reset_refuses_a_weak_password_with_every_reason(mail_client, smtp_sink, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory, email="maintenance@test.io")
    await _forgot(mail_client, tenant.factory, user.email)
    (message,) = await smtp_sink.wait_for(user.email)
    query = link_in(message, "reset-password")[1]
    cases = {
        "short1": {"min_length"},
        "1234567890123": {"not_only_digits"},
        "onlylettershere": {"not_only_letters"},
        "my-maintenance-pass-1": {"not_email"},
        "Password123": {"not_common"},
    }
    for password, rules in cases.items():
        r = await mail_client.post("/api/v1/auth/reset-password",
                                   json={**query, "password": password})
        assert r.status_code == 422, password
        error = r.json()["error"]
        assert error["code"] == "WEAK_PASSWORD"
        assert {d["rule"] for d in error["details"]} == rules, password
        assert all(d["message"] for d in error["details"])
    r = await mail_client.post("/api/v1/auth/reset-password",
                               json={**query, "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text


async def test_change_password_signs_out_everywhere(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    first = (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).json()["data"]
    second = (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).json()["data"]
    bearer = {"Authorization": f"Bearer {first['access_token']}"}

    r = await client.post("/api/v1/auth/change-password", headers=bearer, json={
        "current_password": "not-my-password", "new_password": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVALID_CURRENT_PASSWORD"
    r = await client.post("/api/v1/auth/change-password", headers=bearer, json={
        "current_password": TEST_PASSWORD, "new_password": TEST_PASSWORD})
    assert r.status_code == 422 and r.json()["error"]["code"] == "PASSWORD_UNCHANGED"
    r = await client.post("/api/v1/auth/change-password", headers=bearer, json={
        "current_password": TEST_PASSWORD, "new_password": "abc"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "WEAK_PASSWORD"

    r = await client.post("/api/v1/auth/change-password", headers=bearer, json={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    fresh = r.json()["data"]
    assert fresh["user"]["id"] == user.id
    for old in (first, second):
        r = await client.get("/api/v1/auth/me",
                             headers={"Authorization": f"Bearer {old['access_token']}"})
        assert r.status_code == 401
        r = await client.post("/api/v1/auth/refresh",
                              json={"refresh_token": old["refresh_token"]})
        assert r.status_code == 401
    r = await client.get("/api/v1/auth/me",
                         headers={"Authorization": f"Bearer {fresh['access_token']}"})
    assert r.status_code == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert r.status_code == 200
    assert (await _login(client, tenant.factory, user.email, NEW_PASSWORD)).status_code == 200
    assert (await _login(client, tenant.factory, user.email, TEST_PASSWORD)).status_code == 401


async def test_guessing_the_current_password_is_throttled(client, make):
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    headers = make.headers(user)
    body = {"current_password": "guess", "new_password": NEW_PASSWORD}
    for _ in range(5):
        r = await client.post("/api/v1/auth/change-password", headers=headers, json=body)
        assert r.status_code == 400
    r = await client.post("/api/v1/auth/change-password", headers=headers, json=body)
    assert r.status_code == 429
    r = await client.post("/api/v1/auth/change-password", headers=headers, json={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 429


async def test_change_password_needs_a_signed_in_user(client):
    r = await client.post("/api/v1/auth/change-password", json={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 401


# kombu's SQLAlchemy transport uses a loader strategy SQLAlchemy 2.1 deprecates.
@pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy")
async def test_reset_email_travels_through_the_notifications_worker(settings, smtp_sink, make,
                                                                     monkeypatch):
    """Production's path: the API queues the message and a Celery worker on the
    notifications queue sends it. Broker and worker are real; the broker is kombu's SQLite
    transport in a folder of this test, so no other worker can take the message."""
    import httpx

    from app.main import create_app

    folder = Path(tempfile.mkdtemp(prefix="factoryops-mail-worker-"))
    broker = f"sqla+sqlite:///{folder / 'broker.db'}"
    results = f"db+sqlite:///{folder / 'results.db'}"
    # Celery prefers these variables to the broker it is given.
    monkeypatch.setenv("CELERY_BROKER_URL", broker)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", results)
    variant = settings.model_copy(update={"celery_broker_url": broker,
                                          "celery_result_backend": results,
                                          "data_dir": folder})
    queued_app = create_app(variant)
    tenant = await make.tenant()
    user = await make.user(tenant.factory, email="queued@test.io")
    async with queued_app.router.lifespan_context(queued_app):
        transport = httpx.ASGITransport(app=queued_app, client=("203.0.113.21", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            r = await _forgot(c, tenant.factory, user.email)
            assert r.status_code == 202
    await asyncio.sleep(0.5)
    assert smtp_sink.messages == [], "the API sent the email itself instead of queueing it"

    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": results,
           "DATA_DIR": str(folder), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_sink.port),
           "LOG_LEVEL": "WARNING"}
    worker_log = folder / "worker.log"
    with worker_log.open("wb") as output:
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "worker", "-Q",
            "notifications", "-P", "solo", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"mail-test-{os.getpid()}@%h", "--loglevel", "WARNING",
            cwd=BACKEND, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        try:
            (message,) = await smtp_sink.wait_for(user.email, within=60)
        except TimeoutError:
            pytest.fail("the worker sent no email; its log:\n" + worker_log.read_text())
        query = link_in(message, "reset-password")[1]
        assert query["factory"] == tenant.factory.slug
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(worker.wait(), 30)
        except TimeoutError:
            worker.kill()
            await worker.wait()
    log = worker_log.read_text()
    shutil.rmtree(folder, ignore_errors=True)
    assert "Traceback" not in log, log
