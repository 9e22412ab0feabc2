"""One rule-evaluation task per flush, carrying the latest values of the devices that changed.
A task per message would cap throughput near a thousand messages a second."""

from __future__ import annotations

import asyncio

from app.core.logging import get_logger
from app.core.task_queue import EVALUATE_BATCH, QUEUE_RULE_ENGINE
from app.schemas.rule_batch import RuleBatch
from telemetry.metrics import IngestStats

log = get_logger("telemetry.dispatch")


class RuleDispatcher:
    def __init__(self, celery_app, stats: IngestStats) -> None:
        self.celery = celery_app
        self.stats = stats

    def _send(self, batch: RuleBatch) -> None:
        self.celery.send_task(EVALUATE_BATCH, args=[batch.to_message()],
                              queue=QUEUE_RULE_ENGINE)

    async def send(self, batch: RuleBatch) -> None:
        if not batch:
            return
        try:
            # Publishing is a blocking network call in kombu: keep it off the event loop.
            await asyncio.wait_for(asyncio.to_thread(self._send, batch), timeout=5)
            self.stats.rule_batches_sent += 1
        except Exception as exc:  # a queue outage must not stop ingestion
            self.stats.rule_batches_failed += 1
            log.warning("telemetry.rule_dispatch_failed", error=str(exc)[:200],
                        factories=list(batch.root)[:10])
