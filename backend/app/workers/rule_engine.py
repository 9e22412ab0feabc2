"""Rule evaluation (queue `rule_engine`): one task per ingester flush, and the clock's tick
(beat, every RULE_CLOCK_SECONDS) for what no message decides."""

from __future__ import annotations

import os

from app.core.logging import get_logger
from app.core.task_queue import EVALUATE_BATCH, RULES_TICK
from app.schemas.rule_batch import Message, RuleBatch
from app.services.rules.engine import RuleEngine
from app.services.rules.versions import rule_versions_for
from app.workers import runtime
from app.workers.celery_app import celery_app
from app.workers.notifications import queue_deliveries

log = get_logger(__name__)

# Evaluation is idempotent (claims and unique keys), so a failed factory is simply tried
# again a little later.
RETRY_SECONDS = 1.0
MAX_RETRIES = 3

_engine: tuple[int, RuleEngine] | None = None


def _engine_for_process() -> RuleEngine:
    """One engine per process: it keeps the rule and device caches between batches."""
    global _engine
    if _engine is None or _engine[0] != os.getpid():
        resources = runtime.resources()
        _engine = (os.getpid(), RuleEngine(resources.latest, rule_versions_for(resources)))
    return _engine[1]


@celery_app.task(name=EVALUATE_BATCH, bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def evaluate_batch(self, message: Message) -> None:
    batch = RuleBatch.from_message(message)
    engine = _engine_for_process()
    outcome = runtime.run(engine.evaluate_batch(batch))
    queue_deliveries(outcome.deliveries())
    if outcome.failed_factories:
        retry = batch.for_factories(outcome.failed_factories)
        raise self.retry(args=[retry.to_message()], countdown=RETRY_SECONDS)


@celery_app.task(name=RULES_TICK, ignore_result=True)
def tick() -> int:
    """A failed factory waits for the next tick: each one looks at the whole state again."""
    outcome = runtime.run(_engine_for_process().tick())
    queue_deliveries(outcome.deliveries())
    return len(outcome.raised)
