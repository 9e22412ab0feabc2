"""Sessions for background writers that race each other on unique keys (rule engine,
notifications). On MySQL/MariaDB they run in READ COMMITTED: under the default REPEATABLE
READ, a locking search for a row that does not exist yet takes a gap lock, and two workers
that both then insert into that gap deadlock."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker

from app.core.cache_epochs import EpochSession
from app.core.database import Database, get_database

_cache: tuple[Database, async_sessionmaker] | None = None


def read_committed_sessions() -> async_sessionmaker:
    global _cache
    database = get_database()
    if _cache is None or _cache[0] is not database:
        engine = database.engine
        if engine.dialect.name in ("mysql", "mariadb"):
            engine = engine.execution_options(isolation_level="READ COMMITTED")
        _cache = (database, async_sessionmaker(engine, class_=EpochSession,
                                               expire_on_commit=False, autoflush=False))
    return _cache[1]
