"""Sign-in limits hold against a client that lies about its address or spells the account
differently: the address is the connecting one unless a trusted proxy forwarded it, the
account count is keyed on the resolved factory and the normalised email, and the user's own
count catches spellings the database matches but normalising does not."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import select

from pytest_factoryops import TEST_PASSWORD


@asynccontextmanager
async def app_with(settings, **overrides):
    """An app on variant settings; `connect(peer)` gives a client connecting from `peer`."""
    from app.main import create_app

    app = create_app(settings.model_copy(update=overrides))
    async with app.router.lifespan_context(app):
        clients: list[httpx.AsyncClient] = []

        def connect(peer: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(peer, 40000))
            client = httpx.AsyncClient(transport=transport, base_url="http://t")
            clients.append(client)
            return client

        try:
            yield connect
        finally:
            for client in clients:
                await client.aclose()


async def _attempt(client, factory, email, password="wrong-guess", headers=None, by="id"):
    body = {"email": email, "password": password}
    if by == "id":
        body["factory_id"] = factory.id
    else:
        body["factory_slug"] = factory.slug
    return await client.post("/api/v1/auth/login", json=body, headers=headers or {})


async def test_spoofed_forwarded_headers_do_not_escape_the_address_limit(make, settings):
    factory = await make.factory()
    async with app_with(settings, login_ip_rate_limit="3/minute", trusted_proxies=[]) as connect:
        attacker = connect("198.51.100.21")
        codes = []
        for n in range(5):
            spoofed = {"X-Forwarded-For": f"192.0.2.{n + 1}", "X-Real-IP": f"192.0.2.{n + 1}"}
            r = await _attempt(attacker, factory, f"u{n}@x.io", headers=spoofed)
            codes.append(r.status_code)
        assert codes == [401, 401, 401, 429, 429]
        assert int(r.headers["Retry-After"]) >= 1
        # A different connecting address is a different client.
        assert (await _attempt(connect("198.51.100.22"), factory, "u@x.io")).status_code == 401


async def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(make, settings, db):
    from app.models.audit_log import AuditLog

    factory = await make.factory()
    async with app_with(settings, login_ip_rate_limit="3/minute",
                        trusted_proxies=["10.0.0.0/8"]) as connect:
        proxy = connect("10.1.2.3")
        codes = []
        for n in range(4):
            # The client prepends whatever it likes; the proxy appends what it saw.
            forwarded = {"X-Forwarded-For": f"192.0.2.{n + 1}, 203.0.113.50"}
            codes.append((await _attempt(proxy, factory, f"v{n}@x.io",
                                         headers=forwarded)).status_code)
        assert codes == [401, 401, 401, 429]
        # Another client behind the same proxy has its own count.
        other = {"X-Forwarded-For": "203.0.113.51"}
        assert (await _attempt(proxy, factory, "w@x.io", headers=other)).status_code == 401
        # Straight from the internet, a forwarded header naming the proxy's network is
        # ignored: the connecting address counts.
        direct = connect("203.0.113.99")
        r = await _attempt(direct, factory, "z@x.io", headers={"X-Forwarded-For": "10.0.0.1"})
        assert r.status_code == 401

    rows = (await db.execute(select(AuditLog.ip_address, AuditLog.details)
                             .where(AuditLog.factory_id == factory.id,
                                    AuditLog.action == "auth.login_failed"))).all()
    by_email = {details["email"]: ip for ip, details in rows}
    assert by_email["v0@x.io"] == "203.0.113.50"
    assert by_email["w@x.io"] == "203.0.113.51"
    assert by_email["z@x.io"] == "203.0.113.99"


async def test_accented_spellings_of_an_email_share_the_account_count(make, settings):
    factory = await make.factory()
    local = "admin" + uuid.uuid4().hex[:6]
    user = await make.user(factory, email=f"{local}@test.io")
    variants = [f"{accented}{local[1:]}@test.io" for accented in ("ä", "à", "Á", "â", "ã")]
    async with app_with(settings, login_rate_limit="5/minute",
                        login_ip_rate_limit="1000/minute") as connect:
        # A new address for every guess: only the account count can stop this.
        for n, email in enumerate(variants):
            r = await _attempt(connect(f"198.51.100.{30 + n}"), factory, email)
            assert r.status_code == 401, r.text
        r = await _attempt(connect("198.51.100.40"), factory, user.email, TEST_PASSWORD)
        assert r.status_code == 429


async def test_spellings_only_the_database_folds_are_held_by_the_user_count(make, settings):
    """A zero-width joiner is ignored by MariaDB's collation (the row is found) but kept by
    normalising (each spelling is a new account key): the resolved user's count holds."""
    factory = await make.factory()
    local = "boss" + uuid.uuid4().hex[:6]
    user = await make.user(factory, email=f"{local}@test.io")
    variants = [local[:i] + "\u200d" + local[i:] + "@test.io" for i in range(1, 6)]
    async with app_with(settings, login_rate_limit="5/minute",
                        login_ip_rate_limit="1000/minute") as connect:
        for n, email in enumerate(variants):
            r = await _attempt(connect(f"198.51.100.{50 + n}"), factory, email)
            assert r.status_code == 401, r.text
        r = await _attempt(connect("198.51.100.60"), factory, user.email, TEST_PASSWORD)
        assert r.status_code == 429


async def test_factory_id_and_slug_share_the_account_count(make, settings):
    factory = await make.factory()
    user = await make.user(factory)
    async with app_with(settings, login_rate_limit="4/minute",
                        login_ip_rate_limit="1000/minute") as connect:
        for n in range(4):
            r = await _attempt(connect(f"198.51.100.{70 + n}"), factory, user.email.upper(),
                               by="id" if n % 2 else "slug")
            assert r.status_code == 401
        r = await _attempt(connect("198.51.100.80"), factory, user.email, TEST_PASSWORD)
        assert r.status_code == 429


async def test_password_reset_requests_are_limited_per_user_as_well(make, settings):
    factory = await make.factory()
    local = "reset" + uuid.uuid4().hex[:6]
    await make.user(factory, email=f"{local}@test.io")
    async with app_with(settings, login_rate_limit="3/minute",
                        login_ip_rate_limit="1000/minute") as connect:
        codes = []
        for n in range(4):
            email = local[:2] + "\u200d" * (n + 1) + local[2:] + "@test.io"
            r = await connect(f"198.51.100.{90 + n}").post(
                "/api/v1/auth/forgot-password",
                json={"factory_id": factory.id, "email": email})
            codes.append(r.status_code)
        assert codes == [202, 202, 202, 429]
