"""Result files: download links for a factory's own objects, and the API's own streaming of
objects for the local-folder store (and for any client that prefers its bearer token)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from app.core.errors import ServiceUnavailable, not_found
from app.core.logging import get_logger
from app.stores.objects import ObjectInfo, ObjectNotFound, ObjectStore, ObjectStoreUnavailable
from app.stores.objects.base import factory_of

log = get_logger(__name__)


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("File storage is unavailable. Try again shortly.",
                              code="OBJECT_STORE_UNAVAILABLE")


@dataclass(frozen=True)
class FileDownload:
    info: ObjectInfo
    filename: str
    chunks: AsyncIterator[bytes]


class FileService:
    def __init__(self, objects: ObjectStore, link_seconds: int) -> None:
        self.objects = objects
        self.link_seconds = link_seconds

    async def link(self, factory_id: int, key: str, filename: str) -> str | None:
        """A download link for `key`, only when it is a key of `factory_id`; None when the
        store cannot issue one now (the job view still answers)."""
        if factory_of(key) != factory_id:
            log.error("files.link_refused_foreign_key", key=key)
            return None
        try:
            return await self.objects.download_url(key, filename, self.link_seconds)
        except ObjectStoreUnavailable as exc:
            log.warning("files.link_failed", key=key, error=str(exc))
            return None

    async def open(self, key: str, filename: str | None = None) -> FileDownload:
        """The object for streaming. The caller has checked the key's factory already."""
        try:
            info = await self.objects.stat(key)
        except ObjectNotFound as exc:
            raise not_found("file") from exc
        except ObjectStoreUnavailable as exc:
            raise unavailable() from exc
        return FileDownload(info, filename or key.rsplit("/", 1)[-1],
                            self.objects.stream(key))

    async def delete_all(self, keys: list[str]) -> None:
        for key in keys:
            try:
                await self.objects.delete(key)
            except ObjectStoreUnavailable as exc:
                raise unavailable() from exc
