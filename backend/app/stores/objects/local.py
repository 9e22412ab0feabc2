"""Objects as files under a folder (OBJECT_STORE=local, the embedded default). The content
type of each object sits beside it in a parallel `.meta` tree, which no key can reach since
every key starts with `factories/`. Downloads go through the API (`/api/v1/files/...`)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from app.stores.objects.base import (
    CHUNK_BYTES,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    check_key,
)
from app.stores.objects.links import files_url, sign_download

_META = ".meta"


class LocalObjectStore(ObjectStore):
    def __init__(self, root: Path, *, public_url: str, link_secret: str,
                 link_algorithm: str = "HS256") -> None:
        self.root = Path(root)
        self.public_url = public_url
        self._secret = link_secret
        self._algorithm = link_algorithm

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _meta_path(self, key: str) -> Path:
        return self.root / _META / check_key(key)

    async def start(self) -> None:
        try:
            await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
        except OSError:
            pass  # reported by ping, and by the first write

    async def ping(self) -> None:
        if not (self.root.is_dir() and os.access(self.root, os.W_OK)):
            raise ObjectStoreUnavailable(f"{self.root} is not a writable folder")

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        return await asyncio.to_thread(self._write, key, data, None, content_type)

    async def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        return await asyncio.to_thread(self._write, key, None, Path(path), content_type)

    def _write(self, key: str, data: bytes | None, source: Path | None,
               content_type: str) -> ObjectInfo:
        target, meta = self._path(key), self._meta_path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            meta.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader never sees half a file.
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
            with os.fdopen(fd, "wb") as out:
                if data is not None:
                    out.write(data)
                else:
                    assert source is not None
                    with source.open("rb") as src:
                        while chunk := src.read(CHUNK_BYTES):
                            out.write(chunk)
            meta.write_text(content_type, encoding="utf-8")
            os.replace(temp, target)
            return ObjectInfo(key, target.stat().st_size, content_type)
        except OSError as exc:
            raise ObjectStoreUnavailable(f"cannot write {key}: {exc}") from exc

    async def stat(self, key: str) -> ObjectInfo:
        return await asyncio.to_thread(self._stat, key)

    def _stat(self, key: str) -> ObjectInfo:
        target = self._path(key)
        try:
            size = target.stat().st_size
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        try:
            content_type = self._meta_path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            content_type = "application/octet-stream"
        return ObjectInfo(key, size, content_type)

    async def get_bytes(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(self._path(key).open, "rb")
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    def _delete(self, key: str) -> None:
        for path in (self._path(key), self._meta_path(key)):
            path.unlink(missing_ok=True)

    async def list_keys(self, prefix: str = "factories/") -> AsyncIterator[str]:
        keys = await asyncio.to_thread(self._keys, prefix)
        for key in keys:
            yield key

    def _keys(self, prefix: str) -> list[str]:
        base = self.root / "factories"
        if not base.is_dir():
            return []
        keys = []
        for folder, _dirs, files in os.walk(base):
            for name in files:
                if name.startswith("."):
                    continue  # a write in progress (temporary file)
                key = (Path(folder) / name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return keys

    async def download_url(self, key: str, filename: str, expires_seconds: int) -> str:
        token = sign_download(self._secret, self._algorithm, check_key(key), filename,
                              expires_seconds)
        return files_url(self.public_url, key, token)
