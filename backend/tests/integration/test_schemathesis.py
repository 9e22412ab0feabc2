"""Schemathesis over the live OpenAPI document: every operation is called with generated
requests (valid and invalid) by a super admin of a factory of its own, on a real server
(uvicorn in a child process on the test servers), and every answer must be a documented
status with a body valid against the documented schema, and never a server error.

Kept short with a few examples per operation: the point is the contract of every route on
every run, not a long search (run `SCHEMATHESIS_EXAMPLES=200 pytest -k schemathesis` for one)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.v1.mqtt import BROKER_SECRET_HEADER
from pytest_factoryops.builders import Factories

BROKER_SECRET = "broker-secret-for-schemathesis"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(database_url):
    """The API as deployed (uvicorn, its own process), on the run's test database."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "LOG_LEVEL": "WARNING", "MQTT_AUTH_SECRET": BROKER_SECRET,
             # The WhatsApp providers' callbacks answer 503 until these are configured.
             "WHATSAPP_VERIFY_TOKEN": "verify", "WHATSAPP_APP_SECRET": "meta-secret",
             "TWILIO_AUTH_TOKEN": "twilio-token"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the API did not start: "
                               + process.stderr.read().decode()[-2000:])
        time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
async def caller(settings) -> dict[str, str]:
    tenant = await Factories(settings).tenant()
    # The broker's routes are called with its secret; every other route ignores the header.
    return {**tenant.headers, BROKER_SECRET_HEADER: BROKER_SECRET}


def _exercise(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    run()


def test_every_operation_keeps_its_documented_contract(live_server, caller):
    # Driven through Hypothesis directly: schemathesis' pytest plugin does not run on this
    # pytest version. Every operation is exercised; the failures are reported together.
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    failures, exercised = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            exercised += 1
            try:
                _exercise(operation, mode, caller)
            except Unsatisfiable:
                # No invalid request exists for a route without parameters or body.
                assert mode is GenerationMode.NEGATIVE and not (
                    operation.path_parameters or operation.query or operation.body), \
                    operation.label
            except (Exception, BaseExceptionGroup) as exc:  # each operation's failure is kept
                failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
    assert exercised > 150, f"only {exercised} operation runs"
    assert not failures, "\n\n".join(failures)
