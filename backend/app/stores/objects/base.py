"""The object store contract: result files of analytics and report jobs.

Every key starts with `factories/<factory_id>/`, so that whoever hands out a download link
can tell from the key alone which factory the object belongs to, and refuse the others."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

_FACTORY_PREFIX = re.compile(r"^factories/([1-9][0-9]{0,18})/")
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
CHUNK_BYTES = 256 * 1024


class ObjectStoreError(Exception):
    """Base of the store's own errors."""


class ObjectNotFound(ObjectStoreError):
    pass


class ObjectStoreUnavailable(ObjectStoreError):
    """The backend cannot be reached or failed on its side; retrying later may succeed."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str


def factory_key(factory_id: int, *segments: str) -> str:
    """`factories/<id>/<segment>/...`; segments are plain file-name-like words, so that a
    key never escapes its folder on disk nor needs escaping in a URL."""
    if isinstance(factory_id, bool) or not isinstance(factory_id, int) or factory_id <= 0:
        raise ValueError(f"an object key needs a factory id, got {factory_id!r}")
    for segment in segments:
        if not _SAFE_SEGMENT.match(segment) or ".." in segment:
            raise ValueError(f"unsafe object key segment {segment!r}")
    return "/".join(("factories", str(factory_id), *segments))


def factory_of(key: str) -> int | None:
    """The factory a key belongs to, or None for a key that no factory owns."""
    if not is_valid_key(key):
        return None
    match = _FACTORY_PREFIX.match(key)
    return int(match.group(1)) if match else None


def is_valid_key(key: str) -> bool:
    parts = key.split("/")
    return (len(key) <= 512 and len(parts) >= 3
            and all(_SAFE_SEGMENT.match(p) and ".." not in p for p in parts))


def check_key(key: str) -> str:
    if factory_of(key) is None:
        raise ValueError(f"invalid object key {key!r}")
    return key


class ObjectStore(ABC):
    """One interface, one adapter per backend: S3 (MinIO, AWS, any S3-protocol server) in
    production, a local folder on the embedded default."""

    @abstractmethod
    async def start(self) -> None:
        """Prepare the backend (create the bucket or folder). Must not fail when it is down:
        the API starts during outages and answers 503 on use."""

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        await self.close()

    @abstractmethod
    async def ping(self) -> None:
        """Return if the backend is usable; raise `ObjectStoreUnavailable` otherwise."""

    @abstractmethod
    async def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo: ...

    @abstractmethod
    async def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo: ...

    @abstractmethod
    async def stat(self, key: str) -> ObjectInfo:
        """Size and content type; raises `ObjectNotFound`."""

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ObjectNotFound:
            return False
        return True

    @abstractmethod
    async def get_bytes(self, key: str) -> bytes: ...

    @abstractmethod
    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The object in chunks, read lazily; raises `ObjectNotFound` before the first one."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; a missing object is not an error."""

    @abstractmethod
    def list_keys(self, prefix: str = "factories/") -> AsyncIterator[str]:
        """Every key under `prefix`, in no particular order (for backups)."""

    @abstractmethod
    async def download_url(self, key: str, filename: str, expires_seconds: int) -> str:
        """A link a browser can follow for the next `expires_seconds`. Callers check first
        that the key belongs to the signed-in user's factory: the link itself is a bearer
        credential."""
