"""The Python example of README's "Integrating" section, run as written against the API in a
process of its own: what integrators copy must work."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.test_schemathesis import live_server  # noqa: F401  (a fixture)

README = Path(__file__).resolve().parents[3] / "README.md"


def integrating_example() -> str:
    section = README.read_text().split("## Integrating", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Integrating section has one Python example"
    return blocks[0]


async def test_the_python_example_runs(live_server, make):  # noqa: F811
    tenant = await make.tenant()
    async with httpx.AsyncClient(base_url=live_server) as client:
        r = await client.post("/api/v1/devices", headers=tenant.headers,
                              json={"device_key": "line2-meter", "name": "Line 2 meter"})
        assert r.status_code == 201, r.text
        device_id = r.json()["data"]["device"]["id"]
    key = await make.api_key(tenant, permissions=["ingest"], ingest_device_ids=[device_id])
    # In a thread: the example's requests need this event loop free when the server shares it.
    run = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", integrating_example()], capture_output=True,
        text=True, timeout=60, env={
            **os.environ, "FACTORYOPS_API": f"{live_server}/api/v1",
            "FACTORYOPS_KEY": key.secret, "FACTORYOPS_DEVICE": "line2-meter"})
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0] == "accepted: 2"
    assert lines[1].startswith("power_kw [") and "42.1" in lines[1], run.stdout
