"""Checks that a status callback really comes from the WhatsApp provider.

Meta signs each webhook POST with the app secret: `X-Hub-Signature-256: sha256=<hex
HMAC-SHA256 of the raw body>`. Twilio signs with the account's auth token:
`X-Twilio-Signature: <base64 HMAC-SHA1>` of the full URL it called followed by every POST
parameter, sorted by name, as name and value with nothing between."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def meta_signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    signed = url + "".join(key + value for key, value in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_signature_valid(auth_token: str, url: str, params: Iterable[tuple[str, str]],
                           header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, params), header.strip())
