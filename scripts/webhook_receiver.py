#!/usr/bin/env python3
"""A webhook receiver for trying the platform's webhooks: it checks each request's signature
the way the README tells a receiver to (standard library only, nothing from the platform),
answers 204 when it holds and 401 when it does not, and writes one JSON line per request to
a log (and a short line to stdout). `make run` starts it for the demo endpoint.

    scripts/webhook_receiver.py --port 8787 --secret-file data/demo-webhook-secret
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPLAY_WINDOW_SECONDS = 300


def verified(secret: str, header: str, body: bytes, window: int = REPLAY_WINDOW_SECONDS
             ) -> bool:
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > window:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


def headline(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return "(not JSON)"
    alert = document.get("alert") if isinstance(document, dict) else None
    if isinstance(alert, dict):
        device = (alert.get("device") or {}).get("name")
        return f"[{str(alert.get('severity')).upper()}] {alert.get('title')}" + (
            f" ({device})" if device else "")
    return str(document.get("text") or "ping")[:200] if isinstance(document, dict) else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--secret-file", type=Path, required=True,
                        help="the endpoint's signing secret (whsec_...), read on every request "
                             "so a rotated secret is picked up")
    parser.add_argument("--log", type=Path, help="append one JSON line per request here")
    args = parser.parse_args()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = args.secret_file.read_text().strip() if args.secret_file.is_file() else ""
            ok = bool(secret) and verified(
                secret, self.headers.get("X-FactoryOps-Signature", ""), body)
            event = self.headers.get("X-FactoryOps-Event", "?")
            delivery = self.headers.get("X-FactoryOps-Delivery", "?")
            self.send_response(204 if ok else 401)
            self.end_headers()
            line = {"at": time.time(), "path": self.path, "event": event,
                    "delivery": delivery, "verified": ok, "headline": headline(body)}
            with lock:
                print(f"webhook {event} delivery {delivery}: signature "
                      f"{'ok' if ok else 'REFUSED'}: {line['headline']}", flush=True)
                if args.log:
                    with args.log.open("a") as handle:
                        handle.write(json.dumps(line) + "\n")

        def log_message(self, *_args):
            return None

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
