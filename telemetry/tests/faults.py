"""What the fault tests share: a load generator in its own process, counting a factory's
points in the test InfluxDB, and time-series reads of one device's points."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx
import orjson


async def run_loadgen(port: int, slug: str, **options) -> dict:
    """`python -m telemetry.loadgen` against the broker on `port`; its JSON summary."""
    args = [sys.executable, "-m", "telemetry.loadgen", "--port", str(port), "--slug", slug]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()[-2000:]
    return orjson.loads(out.decode().strip().splitlines()[-1])


def influx_address() -> tuple[str, int]:
    host, port = os.environ["TEST_INFLUX_URL"].removeprefix("http://").split(":")
    return host, int(port)


def influx_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=os.environ["TEST_INFLUX_URL"], timeout=30)


async def influx_query(query: str, database: str | None = None,
                       client: httpx.AsyncClient | None = None) -> list[dict]:
    """One InfluxQL read; pass `client` when polling, so that a connection per query does
    not add to the times measured."""
    params = {"db": database or os.environ["TEST_INFLUX_DATABASE"], "q": query, "epoch": "ms"}
    if client is None:
        async with influx_client() as influx:
            r = await influx.get("/query", params=params)
    else:
        r = await client.get("/query", params=params)
    r.raise_for_status()
    return r.json()["results"][0].get("series") or []


async def influx_admin(statement: str) -> None:
    async with influx_client() as influx:
        (await influx.post("/query", data={"q": statement})).raise_for_status()


async def count_points(factory_id: int, database: str | None = None) -> int:
    """Distinct points of a factory (a point written twice counts once)."""
    series = await influx_query(
        f'SELECT count("value") FROM "telemetry" WHERE "factory_id" = \'{factory_id}\'',
        database)
    return int(series[0]["values"][0][1]) if series else 0


async def point_times(factory_id: int, since_ms: int,
                      client: httpx.AsyncClient | None = None) -> list[int]:
    series = await influx_query(
        f'SELECT "value" FROM "telemetry" WHERE "factory_id" = \'{factory_id}\' '
        f"AND time >= {since_ms}ms", client=client)
    return [row[0] for row in series[0]["values"]] if series else []


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
