"""The one session factory. The engine is built lazily from settings so that the CLI, the
API, the workers and the tests all share one way of reaching the metadata database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.cache_epochs import EpochSession
from app.core.config import get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the ingester, the workers and the API share one file without blocking readers;
    # the busy timeout turns short lock waits into waits instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def build_engine(url: str, *, echo: bool = False, pool_size: int = 10,
                 max_overflow: int = 20) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 15})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=5,
    )


class Database:
    def __init__(self, url: str, **options) -> None:
        self.url = url
        self.engine = build_engine(url, **options)
        self.sessionmaker = async_sessionmaker(self.engine, class_=EpochSession,
                                               expire_on_commit=False, autoflush=False)

    async def dispose(self) -> None:
        await self.engine.dispose()


_database: Database | None = None


def get_database() -> Database:
    global _database
    if _database is None:
        settings = get_settings()
        _database = Database(
            settings.database_url,
            echo=settings.database_echo,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
    return _database


def set_database(database: Database | None) -> None:
    """Replace the process-wide database (tests, CLI with an explicit URL)."""
    global _database
    _database = database


async def dispose_database() -> None:
    global _database
    if _database is not None:
        await _database.dispose()
        _database = None


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """A session for code outside a request: workers, the ingester, the CLI."""
    async with get_database().sessionmaker() as session:
        yield session
