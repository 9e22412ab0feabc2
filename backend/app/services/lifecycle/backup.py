"""`factoryops backup` and `factoryops restore`: the metadata database, the time series and the
object store of a whole platform, in one folder:

    manifest.json      what was backed up, when, from which engines and revision
    metadata/          one gzip'd JSON-lines file per table (app.repositories.metadata_dump)
    timeseries/        influxd's portable backup, or a copy of the SQLite file
    objects/           every object by its key, with objects.jsonl listing content types

Consistency: the metadata is one snapshot and is taken first; the time series (a snapshot
per shard, or the whole SQLite file) and then the objects are copied after it. So every row
finds the points and files it refers to; what was written after the snapshot may be there
too, and is harmless (points of devices the snapshot knows, files no row names yet).

Restore fills fresh, empty stores (the settings' database, time-series store and object
store), migrating the metadata to the backup's revision, loading it, then migrating to this
code's head. Redis holds only caches and queues and is not part of a backup."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from app.core.config import Settings
from app.core.errors import Conflict, ValidationFailed
from app.core.migrations import upgrade
from app.repositories import metadata_dump
from app.stores.objects import ObjectStore, build_object_store
from app.stores.timeseries import TimeSeriesStore, build_timeseries_store

FORMAT = 1
MANIFEST = "manifest.json"


@dataclass
class BackupSummary:
    folder: Path
    manifest: dict[str, Any]


def _stores(settings: Settings) -> tuple[TimeSeriesStore, ObjectStore]:
    return build_timeseries_store(settings), build_object_store(settings)


async def backup(settings: Settings, folder: Path) -> BackupSummary:
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise Conflict(f"{folder} is not empty: back up into a new folder.",
                       code="BACKUP_FOLDER_NOT_EMPTY")
    folder.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    metadata = await metadata_dump.dump(settings.database_url, folder / "metadata")
    timeseries, objects = _stores(settings)
    async with timeseries, objects:
        (folder / "timeseries").mkdir()
        series = await timeseries.backup_to(folder / "timeseries")
        files = await _copy_objects_out(objects, folder / "objects")
    manifest = {"format": FORMAT, "started_at": started.isoformat(),
                "finished_at": datetime.now(UTC).isoformat(), "metadata": metadata,
                "timeseries": series, "objects": files}
    (folder / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return BackupSummary(folder, manifest)


async def _copy_objects_out(objects: ObjectStore, target: Path) -> dict[str, int]:
    target.mkdir()
    index: list[bytes] = []
    size = 0
    async for key in objects.list_keys():
        info = await objects.stat(key)
        # Job results are reports and analysis files: megabytes, fine to hold one at a time.
        data = await objects.get_bytes(key)
        await asyncio.to_thread(_write_file, target / key, data)
        index.append(orjson.dumps({"key": key, "content_type": info.content_type}))
        size += len(data)
    await asyncio.to_thread(_write_file, target / "objects.jsonl",
                            b"".join(line + b"\n" for line in index))
    return {"count": len(index), "bytes": size}


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise ValidationFailed(f"{folder} holds no {MANIFEST}: not a FactoryOps backup.",
                               code="NOT_A_BACKUP")
    manifest = orjson.loads(path.read_bytes())
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(f"backup format {manifest.get('format')} is not supported.",
                               code="NOT_A_BACKUP")
    return manifest


async def restore(settings: Settings, folder: Path) -> dict[str, Any]:
    folder = folder.resolve()
    manifest = read_manifest(folder)
    if not await metadata_dump.is_empty(settings.database_url):
        raise Conflict("The metadata database has tables already: restore into an empty "
                       "database.", code="RESTORE_TARGET_NOT_EMPTY")
    revision = manifest["metadata"]["revision"]
    await asyncio.to_thread(upgrade, settings.database_url, revision)
    loaded = await metadata_dump.load(settings.database_url, folder / "metadata")
    await asyncio.to_thread(upgrade, settings.database_url, "head")
    timeseries, objects = _stores(settings)
    async with timeseries, objects:
        await timeseries.restore_from(folder / "timeseries", manifest["timeseries"])
        restored = await _copy_objects_in(objects, folder / "objects")
    return {"tables": loaded, "objects": restored, "revision": revision}


async def _copy_objects_in(objects: ObjectStore, source: Path) -> int:
    index = source / "objects.jsonl"
    if not index.exists():
        return 0
    count = 0
    for line in index.read_bytes().splitlines():
        entry = orjson.loads(line)
        path = source / entry["key"]
        # Keys are checked by the store; a path outside the folder cannot come from one.
        await objects.put_file(entry["key"], path, entry["content_type"])
        count += 1
    return count
