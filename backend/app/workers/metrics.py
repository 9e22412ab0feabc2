"""Prometheus metrics of a Celery worker: tasks run, failed and retried by task name, their
durations, and the depth of the worker's queues.

Prefork children record into prometheus_client's multiprocess files, and the worker's main
process serves the sum of all of them on WORKER_METRICS_PORT. The deployment sets
PROMETHEUS_MULTIPROC_DIR to an empty folder per worker (a tmpfs in compose) before the worker
starts; without it, or without a port, the metrics are simply not served."""

from __future__ import annotations

import os
import time

import redis
from celery import signals
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server
from prometheus_client.core import GaugeMetricFamily

from app.core.logging import get_logger

log = get_logger(__name__)

TASKS = Counter("factoryops_worker_tasks_total", "Tasks finished, by outcome",
                ["task", "outcome"])
DURATION = Histogram("factoryops_worker_task_duration_seconds", "Task run time", ["task"],
                     buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))

_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, **_kw) -> None:
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_kw) -> None:
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    if started is not None:
        DURATION.labels(name).observe(time.perf_counter() - started)
    TASKS.labels(name, (state or "unknown").lower()).inc()


@signals.task_retry.connect
def _task_retried(sender=None, **_kw) -> None:
    TASKS.labels(getattr(sender, "name", "unknown"), "retry").inc()


class QueueDepthCollector:
    """Messages waiting in each Redis-backed queue, read at scrape time."""

    def __init__(self, broker_url: str, queues: list[str]) -> None:
        self.broker_url = broker_url
        self.queues = queues

    def collect(self):
        family = GaugeMetricFamily("factoryops_worker_queue_depth", "Messages waiting",
                                   labels=["queue"])
        if self.broker_url.startswith("redis"):
            client = redis.Redis.from_url(self.broker_url, socket_timeout=2)
            try:
                for queue in self.queues:
                    family.add_metric([queue], client.llen(queue))
            except redis.RedisError as exc:
                log.warning("worker.queue_depth_failed", error=str(exc))
            finally:
                client.close()
        yield family


@signals.worker_init.connect
def _serve_metrics(sender=None, **_kw) -> None:
    port = int(os.environ.get("WORKER_METRICS_PORT", "0") or 0)
    if not port or not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    app = getattr(sender, "app", None)
    if app is not None:
        # The queues this worker consumes (its -Q list).
        queues = sorted(app.amqp.queues.consume_from or app.amqp.queues)
        registry.register(QueueDepthCollector(app.conf.broker_url or "", queues))
    start_http_server(port, registry=registry)
    log.info("worker.metrics_serving", port=port)


@signals.worker_process_shutdown.connect
def _child_exit(pid=None, **_kw) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid or os.getpid())
