"""Ending a device's live MQTT session the moment its right to publish ends (token rotated,
device disabled or deleted). The broker authenticated the connection once, at CONNECT: without
this the old session keeps its place until it reconnects on its own.

EMQX 5 does it through its REST API: `DELETE /api/v5/clients/{clientid}` with an API key as
HTTP Basic credentials answers 204 when it closed the session and 404 when no such client is
connected. Mosquitto has no such API; there the regenerated ACL file, re-read on SIGHUP and
checked on every publish, does the work (README, "Broker authorization")."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import httpx

from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger(__name__)

REQUEST_TIMEOUT_SECONDS = 5.0
_EXTRAS_KEY = "broker_sessions"


def device_client_ids(factory_slug: str, device_key: str) -> tuple[str, ...]:
    """Every client id a device may be connected under: the broker authentication accepts
    `slug/key` and the older `slug:key`, the client id always equal to the username."""
    return f"{factory_slug}/{device_key}", f"{factory_slug}:{device_key}"


class BrokerSessions:
    """The process's client for the broker's admin API; does nothing when none is set."""

    def __init__(self, settings: Settings) -> None:
        self.http: httpx.AsyncClient | None = None
        if settings.emqx_api_url:
            secret = settings.emqx_api_secret.get_secret_value() if settings.emqx_api_secret \
                else ""
            self.http = httpx.AsyncClient(
                base_url=settings.emqx_api_url.rstrip("/"),
                auth=(settings.emqx_api_key or "", secret),
                headers={"Accept": "application/json"}, timeout=REQUEST_TIMEOUT_SECONDS)

    @property
    def configured(self) -> bool:
        return self.http is not None

    async def disconnect(self, client_ids: Iterable[str]) -> bool:
        """Closes each client's session. True when none of them is connected any more (or
        there is no broker to tell); False when the broker could not be told, which is
        logged: the per-operation authorization still refuses the device within EMQX's
        authorization cache time."""
        if self.http is None:
            return True
        closed = True
        for client_id in client_ids:
            path = "/api/v5/clients/" + quote(client_id, safe="")
            try:
                response = await self.http.delete(path)
            except httpx.HTTPError as exc:
                log.warning("broker.disconnect_failed", client_id=client_id, error=str(exc))
                closed = False
                continue
            if response.status_code == 204:
                log.info("broker.session_closed", client_id=client_id)
            elif response.status_code != 404:
                log.warning("broker.disconnect_refused", client_id=client_id,
                            status=response.status_code, body=response.text[:200])
                closed = False
        return closed

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()


def broker_sessions_for(resources) -> BrokerSessions:
    sessions = resources.extras.get(_EXTRAS_KEY)
    if sessions is None:
        sessions = resources.extras[_EXTRAS_KEY] = BrokerSessions(resources.settings)
    return sessions
