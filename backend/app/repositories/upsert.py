"""INSERT that skips rows a unique key already holds, on MySQL/MariaDB and SQLite. Used where
several processes may create the same row at once (two ingesters discovering one key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignoring_duplicates(session: AsyncSession, table: Table,
                                     rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    if dialect in ("mysql", "mariadb"):
        stmt = mysql.insert(table)
        # A no-op update (not INSERT IGNORE, which would also swallow truncation and
        # other data errors).
        first_key = next(iter(rows[0]))
        stmt = stmt.on_duplicate_key_update({first_key: stmt.inserted[first_key]})
    else:
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    await session.execute(stmt, list(rows))
