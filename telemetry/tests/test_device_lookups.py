"""Looking up devices the ingester has not seen yet (pure logic, registry stand-in)."""

import asyncio

from app.core.config import Settings
from telemetry.handlers.ingestion import MAX_CONCURRENT_LOOKUPS, Ingestion
from telemetry.metrics import IngestStats


class CountingRegistry:
    """Answers every lookup after a pause, counting how many run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.resolved: list[tuple[str, str]] = []
        self.all_tried = asyncio.Event()

    def cached(self, _slug, _key):
        return None

    async def resolve(self, slug, key):
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.01)
        self.running -= 1
        self.resolved.append((slug, key))
        if len(self.resolved) == 60:
            self.all_tried.set()
        raise LookupError("stand-in has no devices")


async def test_a_burst_of_unknown_devices_is_looked_up_a_few_at_a_time():
    registry = CountingRegistry()
    ingestion = Ingestion(Settings(), registry, writer=None, discovery=None,
                          stats=IngestStats())
    for n in range(60):
        ingestion.handle(f"factories/acme/devices/d{n}/telemetry", b'{"p": 1}', 0, None)
    # Every lookup fails and is retried; let the first attempt of each run.
    await asyncio.wait_for(registry.all_tried.wait(), timeout=10)
    assert registry.most == MAX_CONCURRENT_LOOKUPS
    assert ingestion.held_messages == 60  # held, not dropped, while lookups retry
    for task in list(ingestion._lookups.values()):
        task.cancel()
