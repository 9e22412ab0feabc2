"""Signed download links for objects the API serves itself (the local-folder store): a short
JWT naming the key, the file name and an expiry, so that a browser can follow the link
without an Authorization header, exactly as it follows an S3 presigned link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import jwt

DOWNLOAD_TOKEN_TYPE = "download"
FILES_PATH = "/api/v1/files/"


class InvalidDownloadToken(Exception):
    pass


def sign_download(secret: str, algorithm: str, key: str, filename: str,
                  expires_seconds: int) -> str:
    expires = datetime.now(UTC) + timedelta(seconds=expires_seconds)
    return jwt.encode({"type": DOWNLOAD_TOKEN_TYPE, "key": key, "name": filename,
                       "exp": int(expires.timestamp())}, secret, algorithm=algorithm)


def read_download(secret: str, algorithm: str, token: str, key: str) -> str:
    """The file name a valid, unexpired token grants for `key`."""
    try:
        claims = jwt.decode(token, secret, algorithms=[algorithm],
                            options={"require": ["exp", "key", "type"]})
    except jwt.PyJWTError as exc:
        raise InvalidDownloadToken(str(exc)) from exc
    if claims.get("type") != DOWNLOAD_TOKEN_TYPE or claims.get("key") != key:
        raise InvalidDownloadToken("the link is for another file")
    return str(claims.get("name") or key.rsplit("/", 1)[-1])


def files_url(base_url: str, key: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{FILES_PATH}{quote(key)}?{urlencode({'token': token})}"
