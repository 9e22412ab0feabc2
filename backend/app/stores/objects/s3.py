"""Objects in an S3 bucket through the `minio` SDK (MinIO, AWS S3, any S3-protocol server).
The SDK is blocking, so every call runs in a thread. Download links are presigned GETs."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import urllib3
from minio import Minio
from minio.error import S3Error

from app.core.logging import get_logger
from app.stores.objects.base import (
    CHUNK_BYTES,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    check_key,
)

log = get_logger(__name__)

_MISSING = {"NoSuchKey", "NoSuchObject", "NoSuchBucket"}
_PART_BYTES = 16 * 1024 * 1024


def _http_client() -> urllib3.PoolManager:
    # The SDK's default retries a dead endpoint for about a minute; a request should rather
    # fail fast with a 503 and let the job's own retry take over.
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=3, read=60),
        retries=urllib3.Retry(total=2, backoff_factor=0.2,
                              status_forcelist=(500, 502, 503, 504)),
        maxsize=10)


class S3ObjectStore(ObjectStore):
    def __init__(self, *, endpoint: str, access_key: str, secret_key: str, bucket: str,
                 secure: bool = False, region: str = "us-east-1") -> None:
        self.bucket = bucket
        # With the region given the SDK presigns locally, without asking the server.
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key,
                            secure=secure, region=region, http_client=_http_client())
        self._bucket_ready = False

    async def _call(self, function, *args, **kwargs):
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except S3Error as exc:
            if exc.code in _MISSING:
                raise ObjectNotFound(str(exc.object_name or exc.bucket_name)) from exc
            raise ObjectStoreUnavailable(f"S3 refused: {exc.code}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ObjectStoreUnavailable(f"S3 unreachable: {exc}") from exc

    async def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        if not await self._call(self.client.bucket_exists, self.bucket):
            try:
                await self._call(self.client.make_bucket, self.bucket)
            except ObjectStoreUnavailable:
                # Another process may have created it in between.
                if not await self._call(self.client.bucket_exists, self.bucket):
                    raise
        self._bucket_ready = True

    async def start(self) -> None:
        try:
            await self._ensure_bucket()
        except ObjectStoreUnavailable as exc:
            log.warning("objects.bucket_not_ready", bucket=self.bucket, error=str(exc))

    async def ping(self) -> None:
        # A real round trip every time: readiness must notice an outage after start-up.
        if not await self._call(self.client.bucket_exists, self.bucket):
            self._bucket_ready = False
            await self._ensure_bucket()

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        await self._ensure_bucket()
        await self._call(self.client.put_object, self.bucket, check_key(key),
                         io.BytesIO(data), len(data), content_type=content_type)
        return ObjectInfo(key, len(data), content_type)

    async def put_file(self, key: str, path: Path, content_type: str) -> ObjectInfo:
        await self._ensure_bucket()
        await self._call(self.client.fput_object, self.bucket, check_key(key), str(path),
                         content_type=content_type, part_size=_PART_BYTES)
        return await self.stat(key)

    async def stat(self, key: str) -> ObjectInfo:
        info = await self._call(self.client.stat_object, self.bucket, check_key(key))
        return ObjectInfo(key, int(info.size or 0),
                          info.content_type or "application/octet-stream")

    async def get_bytes(self, key: str) -> bytes:
        response = await self._call(self.client.get_object, self.bucket, check_key(key))
        try:
            return await self._call(response.read)
        finally:
            response.close()
            response.release_conn()

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        response = await self._call(self.client.get_object, self.bucket, check_key(key))
        try:
            while chunk := await self._call(response.read, CHUNK_BYTES):
                yield chunk
        finally:
            response.close()
            response.release_conn()

    async def delete(self, key: str) -> None:
        try:
            await self._call(self.client.remove_object, self.bucket, check_key(key))
        except ObjectNotFound:
            pass

    async def list_keys(self, prefix: str = "factories/") -> AsyncIterator[str]:
        await self._ensure_bucket()
        names = await self._call(lambda: [
            item.object_name for item in
            self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
            if item.object_name and not item.is_dir])
        for name in names:
            yield name

    async def download_url(self, key: str, filename: str, expires_seconds: int) -> str:
        disposition = f'attachment; filename="{filename}"'
        return await asyncio.to_thread(
            self.client.presigned_get_object, self.bucket, check_key(key),
            expires=timedelta(seconds=expires_seconds),
            response_headers={"response-content-disposition": disposition})
