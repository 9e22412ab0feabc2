"""Prometheus metrics of the API process: requests by route template and status, latency,
and the metadata database's connection pool. One API process per container; scale with
replicas, so each scrape target's numbers are its own."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from app.core import database

REQUESTS = Counter("factoryops_http_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("factoryops_http_request_duration_seconds", "HTTP request latency",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class _DatabasePoolCollector:
    def collect(self):
        # The process's database as it is now (None before the first use), not at import.
        pool = getattr(getattr(database._database, "engine", None), "pool", None)
        for name, doc, read in (
            ("factoryops_db_pool_size", "Connections the pool keeps", "size"),
            ("factoryops_db_pool_checked_out", "Connections in use", "checkedout"),
            ("factoryops_db_pool_overflow", "Connections beyond the pool size", "overflow"),
        ):
            value = getattr(pool, read, None)
            if callable(value):
                yield GaugeMetricFamily(name, doc, value=value())


_collector_registered = False


def register_collectors() -> None:
    global _collector_registered
    if not _collector_registered:
        REGISTRY.register(_DatabasePoolCollector())
        _collector_registered = True


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
