"""Copies of users and devices that API processes keep between requests (app.core.cache_epochs):
whatever changes the row, in this process or another, the next request sees the change."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as redis
from sqlalchemy import update

from app.core.cache_epochs import CacheEpochs, EpochCache
from app.core.database import session_scope
from app.models.cache_keys import device_epoch, user_epoch
from app.models.user import User
from app.repositories.device_repo import DeviceRepository
from app.repositories.telemetry_repo import TelemetryRepository

BACKEND = Path(__file__).resolve().parents[2]


def _live(device) -> str:
    return f"/api/v1/devices/{device.id}/kpis/live"


def _history(device) -> str:
    return f"/api/v1/devices/{device.id}/kpis/history"


async def _in_another_process(code: str) -> None:
    """Run `code` (the body of `async def change(session)`) in a fresh interpreter, as another
    API process or a worker would, committing through the application's session."""
    program = ("import asyncio\n"
               "from app.core.database import session_scope\n"
               "async def change(session):\n"
               + "".join(f"    {line}\n" for line in code.strip().splitlines())
               + "async def main():\n"
               "    async with session_scope() as session:\n"
               "        await change(session)\n"
               "        await session.commit()\n"
               "asyncio.run(main())\n")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", program, cwd=BACKEND, env=dict(os.environ),
        stderr=asyncio.subprocess.PIPE)
    _, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()


# --- who is signed in -------------------------------------------------------------------------
async def test_a_change_committed_by_another_process_reaches_the_next_request(client, make):
    tenant = await make.tenant()
    device = await make.device(tenant)
    signed_out, deactivated = await make.user(tenant.factory), await make.user(tenant.factory)
    for user in (signed_out, deactivated):
        # This process now holds a copy of each user.
        assert (await client.get(_live(device), headers=make.headers(user))).status_code == 200

    await _in_another_process(f"""
from sqlalchemy import select
from app.models.user import User
users = {{u.id: u for u in (await session.execute(select(User).where(
    User.factory_id == {tenant.id}, User.id.in_([{signed_out.id}, {deactivated.id}])))).scalars()}}
users[{signed_out.id}].token_version += 1  # what a password change does
users[{deactivated.id}].is_active = False
""")
    for user in (signed_out, deactivated):
        r = await client.get(_live(device), headers=make.headers(user))
        assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


async def test_a_lost_epoch_never_serves_an_old_copy(client, make, settings):
    """A flushed or evicted epoch must not let a copy outlive a change that renewed nothing
    (here a bulk UPDATE, which the session cannot see)."""
    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    headers = make.headers(user)
    assert (await client.get("/api/v1/dashboard/summary", headers=headers)).status_code == 200

    async with session_scope() as session:
        await session.execute(update(User).where(User.factory_id == tenant.id,
                                                 User.id == user.id).values(is_active=False))
        await session.commit()
    client_redis = redis.from_url(settings.redis_url)
    await client_redis.delete(user_epoch(tenant.id, user.id))
    await client_redis.aclose()
    r = await client.get("/api/v1/dashboard/summary", headers=headers)
    assert r.status_code == 401


async def test_without_redis_every_request_reads_the_database(make, settings):
    from app.core.rate_limit import RateLimiter
    from app.services.accounts.auth import AuthService

    tenant = await make.tenant()
    user = await make.user(tenant.factory)
    token = make.headers(user)["Authorization"].removeprefix("Bearer ")
    embedded = settings.model_copy(update={"redis_url": None})
    async with session_scope() as session:
        auth = AuthService(session, embedded, RateLimiter.from_settings(embedded))
        assert (await auth.principal(token)).id == user.id
        await session.execute(update(User).where(User.factory_id == tenant.id,
                                                 User.id == user.id).values(role="super_admin"))
        await session.commit()
        assert (await auth.principal(token)).is_super_admin


async def test_an_unreachable_redis_means_no_copies():
    unreachable = CacheEpochs("redis://127.0.0.1:1/0")
    copies: EpochCache[int] = EpochCache(maxsize=10, ttl_seconds=60)
    loads = []

    async def load() -> int:
        loads.append(1)
        return len(loads)

    assert [await copies.get(unreachable, "fo:epoch:test", load) for _ in range(3)] == [1, 2, 3]
    await unreachable.close()


# --- devices ----------------------------------------------------------------------------------
async def test_parameter_edits_reach_cached_kpis_and_charts(app, client, make, tenant):
    device = await make.device(tenant)
    power = await make.parameter(device, "power", is_kpi_selected=True)
    volts = await make.parameter(device, "volts")
    live = await client.get(_live(device), headers=tenant.headers)
    assert [k["parameter_key"] for k in live.json()["data"]["kpis"]] == ["power"]

    r = await client.patch(f"/api/v1/devices/{device.id}/parameters/{volts.id}",
                           json={"is_kpi_selected": True, "display_name": "A voltage"},
                           headers=tenant.headers)
    assert r.status_code == 200, r.text
    live = await client.get(_live(device), headers=tenant.headers)
    assert [k["parameter_key"] for k in live.json()["data"]["kpis"]] == ["volts", "power"]
    chart = await client.get(_history(device), headers=tenant.headers)
    assert [(s["parameter_key"], s["display_name"]) for s in chart.json()["data"]["series"]
            ] == [("volts", "A voltage"), ("power", None)]

    r = await client.patch(f"/api/v1/devices/{device.id}/parameters/{power.id}",
                           json={"unit": "kW"}, headers=tenant.headers)
    live = await client.get(_live(device), headers=tenant.headers)
    assert live.json()["data"]["kpis"][1]["unit"] == "kW"

    assert (await client.delete(f"/api/v1/devices/{device.id}",
                                headers=tenant.headers)).status_code == 204
    for url in (_live(device), _history(device)):
        r = await client.get(url, headers=tenant.headers)
        assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"


async def test_live_kpis_show_the_ingesters_last_seen_at_once(client, make, tenant):
    device = await make.device(tenant)
    first = (await client.get(_live(device), headers=tenant.headers)).json()["data"]
    assert first["last_seen_at"] is None and first["online"] is False

    seen = datetime.now(UTC).replace(microsecond=0)
    async with session_scope() as session:  # what the ingester's metadata sync does
        await TelemetryRepository(session, tenant.id).touch_devices({device.id: seen})
        await session.commit()
    data = (await client.get(_live(device), headers=tenant.headers)).json()["data"]
    assert datetime.fromisoformat(data["last_seen_at"]) == seen and data["online"] is True


async def test_a_parameter_discovered_after_the_copy_can_be_charted(client, make, tenant):
    device = await make.device(tenant)
    await make.parameter(device, "known")
    params = {"parameters": ["known"], "interval": "1h"}
    assert (await client.get(_history(device), headers=tenant.headers,
                             params=params)).status_code == 200

    async with session_scope() as session:  # the ingester adds keys without the ORM
        await TelemetryRepository(session, tenant.id).add_parameters(
            device.id, ["found later"], datetime.now(UTC))
        await session.commit()
    r = await client.get(_history(device), headers=tenant.headers,
                         params={"parameters": ["known", "found later"], "interval": "1h"})
    assert r.status_code == 200, r.text
    assert [s["parameter_key"] for s in r.json()["data"]["series"]] == ["known", "found later"]
    r = await client.get(_history(device), headers=tenant.headers,
                         params={"parameters": ["never sent"], "interval": "1h"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "UNKNOWN_PARAMETER"


async def test_a_copy_of_one_factory_is_never_another_factorys(client, make, tenant,
                                                              other_tenant):
    device = await make.device(other_tenant)
    await make.parameter(device, "p", is_kpi_selected=True)
    for url in (_live(device), _history(device)):
        assert (await client.get(url, headers=other_tenant.headers)).status_code == 200
        r = await client.get(url, headers=tenant.headers)
        assert r.status_code == 404 and r.json()["error"]["code"] == "DEVICE_NOT_FOUND"


async def test_epochs_of_different_rows_are_independent(settings):
    epochs = CacheEpochs(settings.redis_url)
    first, second = device_epoch(1, 10**9), device_epoch(2, 10**9)
    before = (await epochs.current(first), await epochs.current(second))
    assert before[0] == await epochs.current(first)  # reading does not change it
    await epochs.renew([first])
    assert await epochs.current(first) != before[0]
    assert await epochs.current(second) == before[1]
    await epochs.close()


# --- statements built once --------------------------------------------------------------------
async def test_a_template_runs_only_scoped_to_its_repository(make, tenant, other_tenant):
    from sqlalchemy.exc import StatementError

    from app.repositories.device_repo import _SIGHTING

    mine = await make.device(tenant, last_seen_at=datetime.now(UTC) - timedelta(minutes=1))
    theirs = await make.device(other_tenant)
    async with session_scope() as session:
        devices = DeviceRepository(session, tenant.id)
        assert (await devices.sighting(mine.id)).id == mine.id
        assert await devices.sighting(theirs.id) is None
        with pytest.raises(StatementError):  # without its factory it cannot run at all
            await session.execute(_SIGHTING, {"device_id": mine.id})
