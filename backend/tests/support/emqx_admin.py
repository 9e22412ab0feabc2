"""A local stand-in for EMQX 5's REST API, the part the platform calls: `DELETE
/api/v5/clients/{clientid}` with an API key and secret as HTTP Basic credentials. It checks
the request the way EMQX does (path, percent-encoded client id, credentials) and answers as
EMQX documents: 204 when a connected client was kicked, 404 `CLIENTID_NOT_FOUND` when none
is connected, 401 `BAD_API_KEY_OR_SECRET` for wrong credentials."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

API_KEY = "factoryops-api"
API_SECRET = "emqx-api-secret-for-tests"
CLIENTS_PREFIX = "/api/v5/clients/"


@dataclass(frozen=True)
class Call:
    method: str
    raw_path: str
    client_id: str | None
    status: int


class EmqxAdminApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        # Client ids the "broker" has connected now: tests add the devices they pretend
        # are online.
        self.connected: set[str] = set()
        self._lock = threading.Lock()
        api = self
        expected = "Basic " + base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_DELETE(self):  # noqa: N802 (http.server's name)
                client_id = None
                if self.headers.get("Authorization") != expected:
                    status, body = 401, {"code": "BAD_API_KEY_OR_SECRET",
                                         "message": "Check api_key/api_secret"}
                elif not self.path.startswith(CLIENTS_PREFIX) or \
                        "/" in self.path[len(CLIENTS_PREFIX):]:
                    status, body = 404, {"code": "NOT_FOUND", "message": "no such route"}
                else:
                    client_id = unquote(self.path[len(CLIENTS_PREFIX):])
                    with api._lock:
                        kicked = client_id in api.connected
                        api.connected.discard(client_id)
                    status, body = (204, None) if kicked else (
                        404, {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"})
                with api._lock:
                    api.calls.append(Call("DELETE", self.path, client_id, status))
                self.send_response(status)
                payload = json.dumps(body).encode() if body is not None else b""
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def kicked(self) -> list[str]:
        with self._lock:
            return [c.client_id for c in self.calls if c.status == 204]

    def asked(self) -> list[str]:
        with self._lock:
            return [c.client_id for c in self.calls if c.client_id is not None]

    def start(self) -> EmqxAdminApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
