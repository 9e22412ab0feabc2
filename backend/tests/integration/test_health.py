async def test_healthz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"data": {"status": "ok"}}


async def test_readyz_reports_each_service(client):
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    services = r.json()["data"]["services"]
    assert services["database"]["status"] == "ok"
    assert all(s["status"] == "ok" for s in services.values())


async def test_readyz_is_503_when_a_service_is_down(settings):
    import httpx

    from app.core.database import Database, get_database, set_database
    from app.main import create_app

    app = create_app(settings)
    healthy = get_database()
    set_database(Database("mysql+asyncmy://nobody:x@127.0.0.1:1/none"))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                r = await c.get("/readyz")
    finally:
        await get_database().dispose()
        set_database(healthy)
    assert r.status_code == 503
    error = r.json()["error"]
    assert error["code"] == "NOT_READY"
    assert error["details"]["services"]["database"]["status"] == "down"
