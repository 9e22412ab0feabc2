async def test_directory_lists_only_public_fields(client, make):
    factory = await make.factory(name="Zeta Steelworks")
    r = await client.get("/api/v1/factories", params={"search": "zeta steel", "per_page": 100})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"data", "total", "page", "per_page"}
    match = [f for f in body["data"] if f["id"] == factory.id]
    assert match == [{"id": factory.id, "name": "Zeta Steelworks", "slug": factory.slug}]


async def test_directory_pagination_is_validated_and_capped(client, make):
    for _ in range(3):
        await make.factory()
    r = await client.get("/api/v1/factories", params={"per_page": 2, "page": 1})
    body = r.json()
    assert len(body["data"]) == 2 and body["per_page"] == 2 and body["total"] >= 3
    r = await client.get("/api/v1/factories", params={"per_page": 5000})
    assert r.status_code == 200 and r.json()["per_page"] == 100
    for bad in ({"page": 0}, {"per_page": 0}, {"page": "x"}):
        r = await client.get("/api/v1/factories", params=bad)
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_directory_can_be_switched_off(make, settings):
    import httpx

    from app.main import create_app

    app = create_app(settings.model_copy(update={"public_factory_directory": False}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/api/v1/factories")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "FACTORY_DIRECTORY_DISABLED"


async def test_current_factory_is_the_users_own(client, tenant, other_tenant):
    r = await client.get("/api/v1/factories/current", headers=tenant.headers)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["id"] == tenant.id and data["slug"] == tenant.factory.slug
    assert {"timezone", "currency", "tariff", "co2_kg_per_kwh", "settings"} <= set(data)
    r = await client.get("/api/v1/factories/current", headers=other_tenant.headers)
    assert r.json()["data"]["id"] == other_tenant.id


async def test_current_factory_requires_authentication(client):
    r = await client.get("/api/v1/factories/current")
    assert r.status_code == 401
