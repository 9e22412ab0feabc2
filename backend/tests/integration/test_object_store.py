"""One contract, two adapters: the local folder and S3 against the real S3-protocol server
on loopback (each test run in a bucket of its own). Download links are followed for real:
the S3 link with httpx against the server, the local link through the API."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from app.stores.objects import ObjectNotFound, ObjectStoreUnavailable, factory_key
from app.stores.objects.base import factory_of
from app.stores.objects.local import LocalObjectStore
from app.stores.objects.s3 import S3ObjectStore
from pytest_factoryops import TEST_JWT_SECRET, require_env

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
# A factory id no test factory has: the local adapter shares the app's folder, so that the
# API can serve the links it signs.
FACTORY = 9_000_000_000 + uuid.uuid4().int % 1_000_000


def _s3(bucket: str | None = None, endpoint: str | None = None) -> S3ObjectStore:
    return S3ObjectStore(endpoint=endpoint or require_env("TEST_S3_ENDPOINT"),
                         access_key=require_env("TEST_S3_ACCESS_KEY"),
                         secret_key=require_env("TEST_S3_SECRET_KEY"),
                         bucket=bucket or f"fo-contract-{uuid.uuid4().hex[:12]}")


def _local(settings) -> LocalObjectStore:
    return LocalObjectStore(settings.objects_dir, public_url="http://testserver",
                            link_secret=TEST_JWT_SECRET)


@pytest.fixture(params=["local", "s3"])
async def store(request, settings):
    if request.param == "local":
        adapter = _local(settings)
    else:
        adapter = _s3()
    async with adapter:
        yield adapter


async def _follow(link: str, client: httpx.AsyncClient) -> httpx.Response:
    """S3 links go to the S3 server; the API's own links go through the API."""
    parts = urlsplit(link)
    if parts.netloc == "testserver":
        return await client.get(f"{parts.path}?{parts.query}")
    async with httpx.AsyncClient(timeout=10) as plain:
        return await plain.get(link)


async def test_put_stat_get_stream_delete(store):
    key = factory_key(FACTORY, "reports", "1", "chart.png")
    info = await store.put_bytes(key, PNG, "image/png")
    assert (info.key, info.size, info.content_type) == (key, len(PNG), "image/png")
    assert await store.exists(key)
    stat = await store.stat(key)
    assert (stat.size, stat.content_type) == (len(PNG), "image/png")
    assert await store.get_bytes(key) == PNG
    assert b"".join([chunk async for chunk in store.stream(key)]) == PNG
    await store.delete(key)
    assert not await store.exists(key)
    await store.delete(key)  # deleting twice is not an error


async def test_list_keys_under_a_prefix(store):
    factory = FACTORY + uuid.uuid4().int % 10**9
    keys = {factory_key(factory, "reports", "1", "a.pdf"), factory_key(factory, "x.csv"),
            factory_key(factory + 1, "other.csv")}
    for key in keys:
        await store.put_bytes(key, b"1", "text/plain")
    mine = {key async for key in store.list_keys(f"factories/{factory}/")}
    assert mine == {k for k in keys if k.startswith(f"factories/{factory}/")}
    everything = {key async for key in store.list_keys()}
    assert keys <= everything
    for key in keys:
        await store.delete(key)


async def test_put_file_keeps_content_type(store, tmp_path):
    source = tmp_path / "data.csv"
    source.write_bytes(b"time,value\n" + b"2026-01-01T00:00:00Z,1.5\n" * 5000)
    key = factory_key(FACTORY, "analytics", "3", "data.csv")
    info = await store.put_file(key, source, "text/csv")
    assert info.size == source.stat().st_size
    assert (await store.stat(key)).content_type == "text/csv"
    assert await store.get_bytes(key) == source.read_bytes()


async def test_overwrite_replaces_the_object(store):
    key = factory_key(FACTORY, "a", "file.txt")
    await store.put_bytes(key, b"first", "text/plain")
    await store.put_bytes(key, b"second version", "text/markdown")
    assert await store.get_bytes(key) == b"second version"
    assert (await store.stat(key)).content_type == "text/markdown"


async def test_missing_objects(store):
    key = factory_key(FACTORY, "nothing", "here.pdf")
    assert not await store.exists(key)
    with pytest.raises(ObjectNotFound):
        await store.stat(key)
    with pytest.raises(ObjectNotFound):
        await store.get_bytes(key)
    with pytest.raises(ObjectNotFound):
        async for _ in store.stream(key):
            pass


async def test_download_link_serves_the_bytes(store, client):
    key = factory_key(FACTORY, "reports", "9", "report.pdf")
    await store.put_bytes(key, PNG, "application/pdf")
    link = await store.download_url(key, "energy-report.pdf", 60)
    r = await _follow(link, client)
    assert r.status_code == 200, r.text
    assert r.content == PNG
    assert r.headers["content-type"] == "application/pdf"
    assert "energy-report.pdf" in r.headers["content-disposition"]


async def test_keys_are_checked(store):
    for bad in ("reports/1.pdf", "factories/0/x/y", "factories/7/../8/x", "factories/7/.x/y",
                "/factories/7/a/b", "factories/7/a b/c"):
        with pytest.raises(ValueError):
            await store.put_bytes(bad, b"x", "text/plain")
    with pytest.raises(ValueError):
        factory_key(FACTORY, "..")
    assert factory_of("factories/12/a/b.pdf") == 12
    assert factory_of("factories/12/../13/b.pdf") is None


async def test_local_link_expires_and_is_bound_to_its_key(settings, client):
    store = _local(settings)
    await store.start()
    key = factory_key(FACTORY, "reports", "1", "report.pdf")
    other = factory_key(FACTORY, "reports", "2", "report.pdf")
    await store.put_bytes(key, b"%PDF-1.4 one", "application/pdf")
    await store.put_bytes(other, b"%PDF-1.4 two", "application/pdf")
    link = await store.download_url(key, "report.pdf", 1)
    parts = urlsplit(link)
    r = await client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200 and r.content == b"%PDF-1.4 one"
    # The signature names one key: it opens nothing else.
    r = await client.get(f"/api/v1/files/{other}?{parts.query}")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "DOWNLOAD_LINK_INVALID"
    await asyncio.sleep(2.1)
    r = await client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "DOWNLOAD_LINK_INVALID"


async def test_s3_link_works_until_it_expires():
    async with _s3() as store:
        key = factory_key(FACTORY, "r", "x.csv")
        await store.put_bytes(key, b"a,b\n", "text/csv")
        link = await store.download_url(key, "x.csv", 2)
        query = dict(p.split("=", 1) for p in urlsplit(link).query.split("&"))
        assert query["X-Amz-Expires"] == "2"
        async with httpx.AsyncClient(timeout=10) as plain:
            answer = await plain.get(link)
            assert answer.status_code == 200 and answer.content == b"a,b\n"
            await asyncio.sleep(3)
            assert (await plain.get(link)).status_code == 403


async def test_s3_refuses_wrong_credentials():
    wrong = S3ObjectStore(endpoint=require_env("TEST_S3_ENDPOINT"), access_key="nobody",
                          secret_key="wrong-secret", bucket=f"fo-contract-{uuid.uuid4().hex[:12]}")
    with pytest.raises(ObjectStoreUnavailable):
        async with wrong:
            await wrong.put_bytes(factory_key(FACTORY, "r", "z.csv"), b"x", "text/csv")


async def test_files_route_checks_the_factory(app, client, make):
    owner = await make.tenant()
    stranger = await make.tenant()
    objects = app.state.resources.objects
    key = factory_key(owner.id, "reports", "1", "report.csv")
    await objects.put_bytes(key, b"device,kwh\n", "text/csv")
    r = await client.get(f"/api/v1/files/{key}", headers=owner.headers)
    assert r.status_code == 200 and r.content == b"device,kwh\n"
    assert r.headers["content-type"].startswith("text/csv")
    r = await client.get(f"/api/v1/files/{key}", headers=stranger.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "FILE_NOT_FOUND"
    r = await client.get(f"/api/v1/files/{key}")
    assert r.status_code == 401
    missing = factory_key(owner.id, "reports", "2", "report.csv")
    r = await client.get(f"/api/v1/files/{missing}", headers=owner.headers)
    assert r.status_code == 404


async def test_s3_outage_fails_fast_and_start_survives():
    store = _s3(endpoint="127.0.0.1:1")
    await store.start()  # logs, does not raise: the API starts during an outage
    with pytest.raises(ObjectStoreUnavailable):
        await store.ping()
    with pytest.raises(ObjectStoreUnavailable):
        await store.put_bytes(factory_key(1, "a", "b"), b"x", "text/plain")
