"""The metadata database as portable files, and back: every table as gzip'd JSON lines (a
header of column names, then one array of values per row), read inside one transaction so
that the tables agree with each other.

On MariaDB/MySQL the transaction is REPEATABLE READ, where InnoDB reads every table from the
snapshot taken at the first read. A SQLite file is first copied with SQLite's online backup
API and dumped from the copy. The format does not depend on the engine, so a backup of the
embedded SQLite default loads into MariaDB (and back).

Loading needs an empty database: the caller migrates it to the backup's revision, loads the
rows, then migrates to the current code's head."""

from __future__ import annotations

import asyncio
import gzip
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.database import build_engine

ALEMBIC_TABLE = "alembic_version"
INSERT_BATCH = 1000


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    raise TypeError(f"cannot store {type(value).__name__} in a backup")


async def _reflect(connection: AsyncConnection) -> sa.MetaData:
    metadata = sa.MetaData()
    await connection.run_sync(metadata.reflect)
    return metadata


def _sqlite_snapshot(url: str, folder: Path) -> str:
    """A consistent copy of a SQLite metadata file (the online backup API), as a URL."""
    source_path = make_url(url).database
    copy = folder / "metadata-snapshot.sqlite3"
    source, target = sqlite3.connect(source_path), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return f"sqlite+aiosqlite:///{copy}"


async def dump(url: str, folder: Path) -> dict[str, Any]:
    """Write every table under `folder`; returns {"dialect", "revision", "tables": {name:
    rows}}."""
    folder.mkdir(parents=True, exist_ok=True)
    dialect = make_url(url).get_backend_name()
    with tempfile.TemporaryDirectory() as scratch:
        source_url = url
        if dialect == "sqlite":
            source_url = await asyncio.to_thread(_sqlite_snapshot, url, Path(scratch))
        engine = build_engine(source_url, pool_size=1, max_overflow=0)
        try:
            options = {} if dialect == "sqlite" else {"isolation_level": "REPEATABLE READ"}
            async with engine.connect() as connection:
                connection = await connection.execution_options(**options)
                async with connection.begin():
                    return await _dump_tables(connection, folder, dialect)
        finally:
            await engine.dispose()


async def _dump_tables(connection: AsyncConnection, folder: Path, dialect: str
                       ) -> dict[str, Any]:
    metadata = await _reflect(connection)
    counts: dict[str, int] = {}
    revision = None
    for table in metadata.sorted_tables:
        columns = [column.name for column in table.columns]
        # Every factory's rows: a backup is of the whole platform.
        statement = sa.select(table).execution_options(cross_tenant=True)
        result = await connection.stream(statement)
        rows = 0
        with gzip.open(folder / f"{table.name}.jsonl.gz", "wb", compresslevel=6) as out:
            out.write(orjson.dumps(columns) + b"\n")
            async for partition in result.partitions(INSERT_BATCH):
                for row in partition:
                    out.write(orjson.dumps(list(row), default=_default) + b"\n")
                    rows += 1
                    if table.name == ALEMBIC_TABLE:
                        revision = row[0]
        counts[str(table.name)] = rows
    return {"dialect": dialect, "revision": revision, "tables": counts}


async def is_empty(url: str) -> bool:
    engine = build_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return not names


def _converter(column: sa.Column) -> Callable[[Any], Any]:
    """Values as the target column takes them: times and decimals come back from text, and
    JSON crosses between engines that store it as text (MariaDB) or as JSON (SQLite)."""
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, sa.Date):
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return lambda v: Decimal(v) if isinstance(v, str | int | float) else v
    if isinstance(kind, sa.JSON):
        return lambda v: orjson.loads(v) if isinstance(v, str) else v
    if isinstance(kind, sa.String | sa.Text):
        return lambda v: orjson.dumps(v).decode() if isinstance(v, dict | list) else v
    return lambda v: v


async def load(url: str, folder: Path) -> dict[str, int]:
    """Insert the dumped rows into a database already migrated to the backup's revision,
    with foreign-key checks off for the load (rows that refer to their own table come in id
    order, which need not be reference order). Returns rows per table."""
    engine = build_engine(url, pool_size=1, max_overflow=0)
    counts: dict[str, int] = {}
    dialect = make_url(url).get_backend_name()
    try:
        async with engine.connect() as connection:
            if dialect == "sqlite":
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                await connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
            metadata = await _reflect(connection)
            for table in metadata.sorted_tables:
                path = folder / f"{table.name}.jsonl.gz"
                if table.name == ALEMBIC_TABLE or not path.exists():
                    continue
                counts[str(table.name)] = await _load_table(connection, table, path)
                await connection.commit()
    finally:
        await engine.dispose()
    return counts


async def _load_table(connection: AsyncConnection, table: sa.Table, path: Path) -> int:
    with gzip.open(path, "rb") as source:
        columns = orjson.loads(source.readline())
        wanted = [name for name in columns if name in table.columns]
        convert = {name: _converter(table.columns[name]) for name in wanted}
        positions = [columns.index(name) for name in wanted]
        loaded, batch = 0, []
        for line in source:
            values = orjson.loads(line)
            batch.append({name: convert[name](values[i])
                          for name, i in zip(wanted, positions, strict=True)})
            if len(batch) >= INSERT_BATCH:
                await connection.execute(table.insert(), batch)
                loaded, batch = loaded + len(batch), []
        if batch:
            await connection.execute(table.insert(), batch)
            loaded += len(batch)
    return loaded
