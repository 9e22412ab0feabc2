"""Stand-ins for the third parties notifications go to: a real SMTP server (aiosmtpd) and an
HTTP endpoint that records what the WhatsApp providers are sent. Both run in threads of
their own, so a worker in another process reaches them over loopback like the real thing.
Tests can script failures: the next replies to give before accepting again."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.failures: deque[str] = deque()
        self.port = free_port()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            if self.failures:
                return self.failures.popleft()
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def start(self) -> SmtpInbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class HttpRecorder:
    """Answers 200 with `reply` (Meta's `{"messages": [{"id": ...}]}` unless a test sets
    another) to every POST, unless a failure status is queued in `failures`. Every attempt,
    failed ones included, is counted in `attempts`."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.failures: deque[int] = deque()
        self.reply: dict = {"messages": [{"id": "wamid.test"}]}
        self.attempts = 0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = recorder.failures.popleft() if recorder.failures else 200
                recorder.attempts += 1
                if status == 200:
                    recorder.requests.append(RecordedRequest(self.path, dict(self.headers),
                                                             body))
                payload = json.dumps(recorder.reply if status == 200
                                     else {"error": {"code": status}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> HttpRecorder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def inbox():
    """A real SMTP server on its own thread, reachable from worker processes too."""
    server = SmtpInbox().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def provider():
    """A local HTTP endpoint standing in for the WhatsApp provider (a third party)."""
    server = HttpRecorder().start()
    yield server
    server.stop()
