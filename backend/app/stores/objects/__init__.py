"""The object store: one interface (`ObjectStore`), an S3 adapter for deployments and a
local-folder adapter for the embedded single-machine default."""

from __future__ import annotations

from app.core.config import Settings
from app.stores.objects.base import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    ObjectStoreUnavailable,
    factory_key,
    factory_of,
)
from app.stores.objects.local import LocalObjectStore

__all__ = [
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreError",
    "ObjectStoreUnavailable",
    "build_object_store",
    "factory_key",
    "factory_of",
]


def build_object_store(settings: Settings) -> ObjectStore:
    """The adapter `settings.object_store` names, not yet started."""
    if settings.object_store == "s3":
        # Imported only when chosen: the S3 SDK (minio, urllib3) adds about a second and 80
        # modules to the start of every process, which the local-folder default never uses.
        from app.stores.objects.s3 import S3ObjectStore

        return S3ObjectStore(endpoint=settings.s3_endpoint, access_key=settings.s3_access_key,
                             secret_key=settings.s3_secret_key.get_secret_value(),
                             bucket=settings.s3_bucket, secure=settings.s3_secure,
                             region=settings.s3_region)
    if settings.object_store == "local":
        return LocalObjectStore(settings.objects_dir, public_url=settings.public_url,
                                link_secret=settings.jwt_secret.get_secret_value(),
                                link_algorithm=settings.jwt_algorithm)
    raise ValueError(f"unknown object_store {settings.object_store!r}")
