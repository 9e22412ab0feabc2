"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task per request)."""

from __future__ import annotations

import re
import time
import uuid

from app.api.metrics import observe
from app.core.logging import bind_context, clear_context, get_logger

log = get_logger("app.access")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    """Gives each request an id (the client's `X-Request-ID` when it is sane), returns it,
    binds it to every log line, and writes one access log line per request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        clear_context()
        bind_context(request_id=request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        status_holder = {"status": 500}
        started = time.perf_counter()

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            observe(scope.get("method", ""), route, status_holder["status"], elapsed)
            log.info(
                "http.request",
                method=scope.get("method"),
                path=scope.get("path"),
                route=route,
                status=status_holder["status"],
                duration_ms=round(elapsed * 1000, 2),
            )
            clear_context()


API_PREFIX = "/api/v1"


def route_template(scope) -> str:
    """The matched route's template (`/api/v1/devices/{device_id}`), so that metrics are
    per route and not per URL; unmatched paths are grouped under one name."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not path:
        return "unmatched"
    if path == "/{path:path}":
        return "spa"
    # Routes of included routers report their path without the outer /api/v1 prefix.
    if scope.get("path", "").startswith(API_PREFIX + "/") and not path.startswith(API_PREFIX):
        return API_PREFIX + path
    return path
