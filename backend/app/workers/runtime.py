"""The async side of a Celery worker process.

Celery tasks are plain functions, but our database, stores and HTTP clients are async and
hold connections bound to one event loop. Each worker process therefore gets one long-lived
loop, running in a thread of its own, with the process's database engine and shared
`Resources` built on it; `run(coro)` executes a coroutine there and returns its result.
A thread rather than `run_until_complete` keeps it usable from every pool (prefork, threads,
solo) and from several task threads at once.

Started by `worker_process_init` in a prefork child, or lazily by the first `run`; stopped
by `worker_process_shutdown` (or at interpreter exit). A process that forks after starting
it builds a fresh one: connections must never be shared across a fork."""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from celery.signals import (
    setup_logging,
    worker_process_init,
    worker_process_shutdown,
    worker_shutdown,
)

from app.core.config import get_settings
from app.core.database import Database, dispose_database, set_database
from app.core.logging import configure_logging, get_logger
from app.stores.resources import Resources

T = TypeVar("T")

log = get_logger(__name__)

STOP_TIMEOUT_SECONDS = 10


class _Runtime:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="worker-runtime",
                                       daemon=True)
        self.resources: Resources | None = None
        self.thread.start()
        self.submit(self._open()).result()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def _open(self) -> None:
        settings = get_settings()
        # A database inherited from a parent process holds the parent's connections.
        set_database(Database(settings.database_url, echo=settings.database_echo,
                              pool_size=settings.database_pool_size,
                              max_overflow=settings.database_max_overflow))
        resources = Resources.from_settings(settings)
        await resources.start()
        self.resources = resources

    async def _close(self) -> None:
        if self.resources is not None:
            await self.resources.close()
        await dispose_database()

    def stop(self) -> None:
        try:
            self.submit(self._close()).result(STOP_TIMEOUT_SECONDS)
        except Exception as exc:
            log.warning("worker.runtime_close_failed", error=str(exc)[:200])
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STOP_TIMEOUT_SECONDS)


_runtime: _Runtime | None = None
_lock = threading.Lock()


_logging_configured = False


def configure_worker_logging(**_: Any) -> None:
    """Our JSON logs for the whole worker, set up before Celery redirects stdout (a child
    that configured logging after the redirect would write into Celery's proxy and lose
    every line). Connected to `setup_logging`, which also stops Celery from replacing it."""
    global _logging_configured
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    _logging_configured = True


def start() -> None:
    """Build this process's loop, database and resources (idempotent)."""
    global _runtime
    with _lock:
        if _runtime is None or _runtime.pid != os.getpid():
            if not _logging_configured:
                configure_worker_logging()
            _runtime = _Runtime()


def stop() -> None:
    global _runtime
    with _lock:
        if _runtime is not None and _runtime.pid == os.getpid():
            _runtime.stop()
        _runtime = None


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on this process's loop and return its result (or raise its error)."""
    start()
    assert _runtime is not None
    return _runtime.submit(coro).result()


def resources() -> Resources:
    """The process's shared stores and clients; valid inside coroutines given to `run`."""
    start()
    assert _runtime is not None and _runtime.resources is not None
    return _runtime.resources


atexit.register(stop)


def _start_early(**_: Any) -> None:
    # Early start only saves the first task the set-up time; a failure here (a database
    # still starting) must not kill the process: the first `run` tries again.
    try:
        start()
    except Exception as exc:
        log.warning("worker.runtime_start_failed", error=str(exc)[:200])


def _connect_worker_signals() -> None:
    setup_logging.connect(configure_worker_logging, weak=False)
    worker_process_init.connect(_start_early, weak=False)
    # Children stop on worker_process_shutdown; a solo or threads pool runs tasks in the
    # main process, which stops on worker_shutdown, before interpreter exit tears down the
    # executors that closing connections needs.
    worker_process_shutdown.connect(lambda **_: stop(), weak=False)
    worker_shutdown.connect(lambda **_: stop(), weak=False)


_connect_worker_signals()
