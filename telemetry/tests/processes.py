"""The real ingester as a child process (`factoryops-ingester`), for tests that kill it,
stop it with SIGTERM or measure its memory. Its settings come from the environment the test
session exported (test servers) plus the overrides given."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from telemetry.tests.brokers import free_port

INGESTER = Path(sys.executable).parent / "factoryops-ingester"


class IngesterProcess:
    def __init__(self, log_file: Path, **env: str | int | float | Path) -> None:
        self.metrics_port = free_port()
        self.env = {**os.environ, "INGEST_METRICS_PORT": str(self.metrics_port),
                    "LOG_LEVEL": "INFO", "LOG_JSON": "true",
                    **{k.upper(): str(v) for k, v in env.items()}}
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None

    @property
    def spool_root(self) -> Path:
        return Path(self.env["INGEST_SPOOL_DIR"])

    def spawn(self) -> None:
        with open(self.log_file, "ab") as log:
            self.proc = subprocess.Popen([str(INGESTER)], env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)

    async def start(self, within: float = 60) -> None:
        """Spawn the process and wait until it is subscribed."""
        self.spawn()
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the ingester exited ({self.proc.returncode}):\n"
                                     + self.log_tail())
            if (await self.metrics_or_none() or {}).get("subscribed"):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the ingester did not subscribe:\n" + self.log_tail())

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_file.read_text(errors="replace")[-chars:]

    async def metrics_or_none(self) -> dict[str, float] | None:
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                text = (await client.get(f"http://127.0.0.1:{self.metrics_port}/metrics")).text
        except httpx.HTTPError:
            return None
        values: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                name = sample.name.removeprefix("factoryops_ingest_")
                if sample.labels.get("reason"):
                    name = f"{name}{{{sample.labels['reason']}}}"
                values[name] = sample.value
        return values

    async def metrics(self) -> dict[str, float]:
        values = await self.metrics_or_none()
        assert values is not None, "the ingester's metrics do not answer:\n" + self.log_tail()
        return values

    def rss_mb(self) -> float:
        """Resident memory now, and `peak_rss_mb` the most it ever had."""
        return self._status_kb("VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return self._status_kb("VmHWM") / 1024

    def _status_kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(f"{field} not in /proc/{self.proc.pid}/status")

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    async def wait_exit(self, within: float = 60) -> int:
        deadline = time.monotonic() + within
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError("the ingester did not exit:\n" + self.log_tail())
            await asyncio.sleep(0.05)
        return self.proc.returncode

    async def kill(self) -> None:
        self.signal(signal.SIGKILL)
        await self.wait_exit(10)

    async def terminate(self, within: float = 60) -> int:
        self.signal(signal.SIGTERM)
        return await self.wait_exit(within)

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
