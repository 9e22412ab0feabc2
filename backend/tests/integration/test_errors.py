"""Every failure answers with the error envelope and a stable code."""

from urllib.parse import urlsplit

from fastapi import APIRouter

from app.core.errors import Conflict, Forbidden


def _is_error_envelope(body: dict, code: str) -> bool:
    return set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


async def test_unknown_route_is_404_envelope(client):
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and _is_error_envelope(r.json(), "NOT_FOUND")


async def test_wrong_method_is_405_envelope(client):
    r = await client.delete("/api/v1/auth/login")
    assert r.status_code == 405 and _is_error_envelope(r.json(), "METHOD_NOT_ALLOWED")


async def test_validation_error_names_the_fields(client):
    r = await client.post("/api/v1/auth/login", json={"email": "x"})
    assert r.status_code == 422
    body = r.json()
    assert _is_error_envelope(body, "VALIDATION_ERROR")
    fields = {d["field"] for d in body["error"]["details"]}
    assert "body.password" in fields


async def test_malformed_json_is_422(client):
    r = await client.post("/api/v1/auth/login", content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and _is_error_envelope(r.json(), "VALIDATION_ERROR")


async def test_request_id_is_returned_and_accepted(client):
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\n"})
    assert r.headers["X-Request-ID"] != "bad id with spaces\n"
    assert len(r.headers["X-Request-ID"]) == 32


async def test_unexpected_and_domain_errors_use_the_envelope(settings):
    import httpx

    from app.main import create_app

    app = create_app(settings)
    router = APIRouter()

    @router.get("/api/v1/boom")
    async def boom():
        raise RuntimeError("secret internals: /etc/passwd")

    @router.get("/api/v1/forbidden")
    async def forbidden():
        raise Forbidden()

    @router.get("/api/v1/conflict")
    async def conflict():
        raise Conflict("Already there.", code="THING_EXISTS")

    app.include_router(router)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/api/v1/boom")
            assert r.status_code == 500
            assert _is_error_envelope(r.json(), "INTERNAL_ERROR")
            assert "secret" not in r.text and "Traceback" not in r.text
            r = await c.get("/api/v1/forbidden")
            assert r.status_code == 403 and _is_error_envelope(r.json(), "FORBIDDEN")
            r = await c.get("/api/v1/conflict")
            assert r.status_code == 409 and r.json()["error"] == {
                "code": "THING_EXISTS", "message": "Already there."}


async def test_an_exhausted_connection_pool_answers_503_busy(settings, database_url):
    import httpx
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.main import create_app

    # A real pool of one connection that waits a fifth of a second: the second checkout
    # while the first is held times out inside SQLAlchemy, as under overload.
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = create_app(settings)
    router = APIRouter()

    @router.get("/api/v1/crowded")
    async def crowded():
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            async with engine.connect() as second:
                await second.execute(text("SELECT 1"))

    app.include_router(router)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                r = await c.get("/api/v1/crowded")
        assert r.status_code == 503
        assert _is_error_envelope(r.json(), "DATABASE_BUSY")
        assert r.headers["retry-after"] == "1"
    finally:
        await engine.dispose()


async def test_a_stalled_time_series_store_answers_503_not_500(settings, make, tenant):
    """InfluxDB that accepts the connection and never answers (a hung or overloaded server):
    a chart request gives up at the store's timeout with a 503 the client can retry."""
    from pytest_factoryops.apps import client_of, running_app
    from pytest_factoryops.tcp_proxy import TcpProxy

    target = urlsplit(settings.influx_url)
    proxy = TcpProxy(target.hostname, target.port)
    await proxy.start()
    stalled = settings.model_copy(update={
        "influx_url": f"http://127.0.0.1:{proxy.port}", "influx_timeout_seconds": 0.5})
    device = await make.device(tenant)
    await make.parameter(device, "power_kw", is_kpi_selected=True)
    try:
        async with running_app(stalled) as application:
            proxy.pause()
            async with client_of(application, "203.0.113.9") as c:
                r = await c.get(f"/api/v1/devices/{device.id}/kpis/history",
                                params={"parameters": "power_kw"}, headers=tenant.headers)
        assert r.status_code == 503, r.text
        assert _is_error_envelope(r.json(), "TIMESERIES_UNAVAILABLE")
        assert r.headers["retry-after"] == "5"
    finally:
        proxy.restore()
        await proxy.close()
