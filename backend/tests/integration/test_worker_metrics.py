"""A real Celery worker process serves its task metrics and queue depths."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.core.task_queue import EVALUATE_BATCH, QUEUE_RULE_ENGINE
from pytest_factoryops import require_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _samples(port: int) -> list:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=3).text
    return [s for f in text_string_to_metric_families(text) for s in f.samples]


def test_worker_serves_task_counts_durations_and_queue_depth(settings, tmp_path):
    from app.core.task_queue import create_celery

    broker = require_env("TEST_REDIS_URL").rsplit("/", 1)[0] + "/11"
    port = _free_port()
    env = {**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
           "WORKER_METRICS_PORT": str(port)}
    (tmp_path / "prometheus").mkdir()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.workers.celery_app", "worker", "-Q",
         QUEUE_RULE_ENGINE, "-c", "1", "--loglevel", "warning", "-n", f"metrics@{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        os.environ["CELERY_BROKER_URL"] = broker  # Celery prefers it to the argument
        try:
            sender = create_celery(settings.model_copy(update={"celery_broker_url": broker}))
            for _ in range(3):
                sender.send_task(EVALUATE_BATCH, args=[{}], queue=QUEUE_RULE_ENGINE)
        finally:
            os.environ["CELERY_BROKER_URL"] = settings.celery_broker_url or ""
        deadline = time.monotonic() + 60
        finished = 0.0
        while time.monotonic() < deadline:
            try:
                samples = _samples(port)
            except httpx.HTTPError:
                time.sleep(0.3)
                continue
            finished = sum(s.value for s in samples
                           if s.name == "factoryops_worker_tasks_total"
                           and s.labels.get("task") == EVALUATE_BATCH
                           and s.labels.get("outcome") == "success")
            if finished >= 3:
                break
            time.sleep(0.3)
        assert finished >= 3, "three evaluated batches counted as successful"
        names = {s.name for s in samples}
        assert "factoryops_worker_task_duration_seconds_count" in names
        depth = [s for s in samples if s.name == "factoryops_worker_queue_depth"]
        assert depth and depth[0].labels["queue"] == QUEUE_RULE_ENGINE
    finally:
        worker.terminate()
        worker.wait(30)
