"""`factoryops-ingester`: subscribe to device telemetry and store it. Stops cleanly on
SIGTERM or Ctrl-C, writing everything it has received first."""

from __future__ import annotations

import asyncio
import gc
import signal

from app.core.config import get_settings
from app.core.database import dispose_database
from app.core.logging import configure_logging, get_logger
from telemetry.ingester import Ingester
from telemetry.metrics import serve_metrics

log = get_logger("telemetry.main")


async def run() -> None:
    settings = get_settings()
    ingester = Ingester(settings)
    serve_metrics(ingester.stats, settings.ingest_metrics_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await ingester.start()
    tune_garbage_collector()
    log.info("telemetry.started", metrics_port=settings.ingest_metrics_port,
             tsdb=settings.tsdb_backend)
    await stop.wait()
    log.info("telemetry.stopping")
    await ingester.stop()
    await dispose_database()


def tune_garbage_collector() -> None:
    """The ingester allocates tens of thousands of small tuples a second that live until the
    next flush. With the default thresholds the cyclic collector keeps walking them, which
    measured a third of the per-message cost; they hold no reference cycles, so collect far
    less often, and leave the start-up objects out of it altogether."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run())


if __name__ == "__main__":
    main()
