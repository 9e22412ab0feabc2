"""The alert event stream over a real HTTP server (uvicorn on a free port): server-sent
events of the caller's factory only, in order, resumed with Last-Event-ID, and refused
without credentials."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from app.core.database import session_scope
from app.main import create_app
from app.models import Rule
from app.services.rules.engine import RuleEngine
from app.services.rules.versions import RuleVersions
from app.stores.timeseries.base import to_epoch_ms
from tests.support.notification_endpoints import free_port

HIGH_POWER = {"parameter": "power_kw", "operator": ">", "value": 100}


@pytest.fixture
async def server(settings, request):
    # A test may ask for a stream lifetime of its own (indirect parametrization).
    lifetime = getattr(request, "param", 60.0)
    application = create_app(settings.model_copy(update={
        "alert_stream_poll_seconds": 0.1, "alert_stream_max_seconds": lifetime}))
    port = free_port()
    running = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                            log_level="warning", lifespan="on"))
    task = asyncio.create_task(running.serve())
    for _ in range(200):  # uvicorn says "started" by a flag, not an event
        if running.started:
            break
        await asyncio.sleep(0.05)  # noqa: ASYNC110
    yield f"http://127.0.0.1:{port}", application
    running.should_exit = True
    await task


@pytest.fixture
async def engine(server, settings):
    versions = RuleVersions(settings.redis_url)
    yield RuleEngine(server[1].state.resources.latest, versions)
    await versions.close()


async def add_rule(owner) -> Rule:
    async with session_scope() as session:
        rule = Rule(factory_id=owner.id, name="High power", condition=HIGH_POWER,
                    cooldown_minutes=0)
        session.add(rule)
        await session.commit()
    return rule


async def raise_alert(engine, device) -> None:
    ts = to_epoch_ms(datetime.now(UTC))
    await engine.evaluate_batch({str(device.factory_id): {str(device.id): {
        "power_kw": [ts, 150.0]}}})


class Events:
    """Reads a text/event-stream response event by event."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()

    async def next(self, within: float = 10) -> dict[str, str]:
        async def read() -> dict[str, str]:
            fields: dict[str, str] = {}
            async for line in self.lines:
                if not line:
                    if fields:
                        return fields
                    continue
                name, _, value = line.partition(":")
                fields[name] = value.lstrip(" ")
            raise AssertionError("the stream ended")
        return await asyncio.wait_for(read(), within)


async def test_alert_events_stream_to_their_factory_and_resume(server, engine, make, tenant,
                                                               other_tenant, client):
    url, _ = server
    mine, theirs = await make.device(tenant, name="Kiln"), await make.device(other_tenant)
    await add_rule(tenant)
    await add_rule(other_tenant)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        async with http.stream("GET", "/api/v1/alerts/stream",
                               headers=tenant.headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = Events(response)
            assert (await events.next()) == {"retry": "3000"}
            await raise_alert(engine, theirs)  # another factory's: never shown here
            await raise_alert(engine, mine)
            raised = await events.next()
        assert raised["event"] == "raised"
        body = json.loads(raised["data"])
        assert body["kind"] == "raised" and body["id"] == int(raised["id"])
        assert body["alert"]["device_name"] == "Kiln" and body["alert"]["status"] == "open"

        # Disconnected, someone acknowledges; the browser reconnects where it was.
        r = await client.post(f"/api/v1/alerts/{body['alert']['id']}/acknowledge",
                              headers=tenant.headers)
        assert r.status_code == 200
        async with http.stream("GET", "/api/v1/alerts/stream", headers={
                **tenant.headers, "Last-Event-ID": raised["id"]}) as response:
            events = Events(response)
            await events.next()  # retry
            missed = await events.next()
        assert missed["event"] == "acknowledged" and int(missed["id"]) > int(raised["id"])
        assert json.loads(missed["data"])["alert"]["status"] == "acknowledged"

        r = await http.get("/api/v1/alerts/stream")
        assert r.status_code == 401


@pytest.mark.parametrize("server", [1.0], indirect=True)
async def test_a_stream_ends_by_itself_and_the_reconnect_misses_nothing(server, engine, make,
                                                                          tenant):
    """A stream lives ALERT_STREAM_MAX_SECONDS; what is raised between its end and the
    reconnect arrives on the new connection."""
    url, _ = server
    device = await make.device(tenant)
    await add_rule(tenant)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        await raise_alert(engine, device)
        loop = asyncio.get_running_loop()
        opened = loop.time()
        async with http.stream("GET", "/api/v1/alerts/stream",
                               headers=tenant.headers) as response:
            lines = [line async for line in response.aiter_lines()]
        lasted = loop.time() - opened
        assert 0.9 <= lasted < 10, f"the stream lasted {lasted:.1f} s"
        assert lines[0] == "retry: 3000"  # a new connection starts from now: no event
        assert not any(line.startswith("id:") for line in lines)
        last = await _last_event_id(http, tenant)

        await raise_alert(engine, await make.device(tenant))  # while disconnected
        async with http.stream("GET", "/api/v1/alerts/stream", headers={
                **tenant.headers, "Last-Event-ID": str(last)}) as response:
            events = Events(response)
            await events.next()  # retry
            missed = await events.next()
        assert missed["event"] == "raised" and int(missed["id"]) > last


async def _last_event_id(http: httpx.AsyncClient, tenant) -> int:
    """The position of the factory's newest event, read from a stream resumed at 0."""
    async with http.stream("GET", "/api/v1/alerts/stream", headers={
            **tenant.headers, "Last-Event-ID": "0"}) as response:
        ids = [int(line[3:]) async for line in response.aiter_lines()
               if line.startswith("id:")]
    assert ids, "the first alert's event is on the stream"
    return ids[-1]
