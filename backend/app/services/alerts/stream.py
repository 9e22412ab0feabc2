"""The factory's alert events as server-sent events (`text/event-stream`): each event of an
alert's timeline (raised, escalated, snoozed, acknowledged, resolved) once, in order, with
the alert as it is now. `id:` is the event's position, so a browser that reconnects with
`Last-Event-ID` gets exactly what it missed; a new connection starts from now.

The stream reads the database (every ALERT_STREAM_POLL_SECONDS while idle), which every API
process shares: no event is lost between processes, and a client may reconnect to any. It
ends by itself after ALERT_STREAM_MAX_SECONDS; the client reconnects where it was."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from app.core.config import Settings
from app.core.database import session_scope
from app.services.alerts.service import AlertService

RETRY_MS = 3000
KEEPALIVE_SECONDS = 15.0


def parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


async def alert_events(factory_id: int, settings: Settings, last_event_id: str | None,
                       disconnected: Callable[[], Awaitable[bool]]) -> AsyncIterator[str]:
    last = parse_last_event_id(last_event_id)
    if last is None:
        async with session_scope() as session:
            last = await AlertService(session, factory_id, settings).last_event_id()
    # The browser waits this long before reconnecting, and says where it was.
    yield f"retry: {RETRY_MS}\n\n"
    quiet_since = started = time.monotonic()
    while (not await disconnected()
           and time.monotonic() - started < settings.alert_stream_max_seconds):
        async with session_scope() as session:
            events = await AlertService(session, factory_id, settings).events_after(last)
        for event in events:
            last = event.id
            yield f"id: {event.id}\nevent: {event.kind}\ndata: {event.model_dump_json()}\n\n"
        if events:
            quiet_since = time.monotonic()
            continue
        if time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
            # A comment line keeps proxies from closing an idle connection.
            yield ": keep-alive\n\n"
            quiet_since = time.monotonic()
        await asyncio.sleep(settings.alert_stream_poll_seconds)
