"""The signature on every webhook delivery, and its check for receivers written in Python.

    X-FactoryOps-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>

The HMAC is keyed with the endpoint's secret (the whole `whsec_...` string, as UTF-8) and
taken over `<t>.<raw request body>`. A receiver recomputes it over the bytes it received,
compares in constant time, and refuses a timestamp further than the replay window from its
own clock, so a captured request cannot be played again later. Each retry is signed afresh
with its own timestamp."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-FactoryOps-Signature"
EVENT_HEADER = "X-FactoryOps-Event"
DELIVERY_HEADER = "X-FactoryOps-Delivery"
REPLAY_WINDOW_SECONDS = 300
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    moment = int(time.time()) if timestamp is None else timestamp
    return f"t={moment},v1={signature(secret, moment, body)}"


def verify(secret: str, header: str | None, body: bytes, *, now: float | None = None,
           window_seconds: int = REPLAY_WINDOW_SECONDS) -> bool:
    """True when `header` signs `body` with `secret` and its timestamp is within the window."""
    if not header:
        return False
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields.get("t", [""])[0])
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > window_seconds:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))
