"""The OpenAPI document, made to say what the API does.

Every error leaves the API as the error envelope (`api/error_handlers.py`), so every documented
error response uses the `ErrorEnvelope` schema; FastAPI's own `HTTPValidationError` (a
`{detail}` body the API never sends) does not appear. Most error answers follow from a route's
dependencies, and are derived from them here so that a new route is documented the day it is
written:

- a caller's credentials (`get_credentials`): 401, and 429 (API keys are rate limited);
- a permission or the super-admin role: 403;
- a path parameter: 404 (a resource of another factory is not found either);
- any parameter or body: 422;
- the metadata database (`get_db`): 503 while it is unreachable or saturated.

Answers that depend on what a route does (409 on a taken name, 400 on a wrong current
password, ...) are declared on the route with `responses=errors(...)`.
`tests/integration/test_openapi_errors.py` calls every route's documented error cases and
checks each body against the documented schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from app.api.deps import (
    get_credentials,
    get_db,
)
from app.schemas.common import ErrorEnvelope

ERROR_SCHEMA = "ErrorEnvelope"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}

# What each status means in this API, with the codes a client can branch on.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request cannot be carried out as sent (e.g. INVALID_CURRENT_PASSWORD, "
         "INVALID_LINK, LINK_EXPIRED).",
    401: "No valid credentials: NOT_AUTHENTICATED, INVALID_TOKEN, INVALID_API_KEY, "
         "API_KEY_REVOKED or API_KEY_EXPIRED (a provider callback: SIGNATURE_REQUIRED).",
    403: "Signed in, but without the permission (PERMISSION_DENIED, `details.permission` "
         "names it) or the super-admin role (SUPER_ADMIN_REQUIRED) this needs.",
    404: "No such resource in the caller's factory (`<ENTITY>_NOT_FOUND`); another factory's "
         "resources are not found either.",
    413: "The request body is larger than the route accepts (PAYLOAD_TOO_LARGE).",
    409: "The change conflicts with the current state; the code says which (e.g. "
         "DEVICE_EXISTS, NODE_NAME_TAKEN, SHIFT_OVERLAP, LAST_SUPER_ADMIN).",
    422: "The request is not valid. VALIDATION_ERROR lists every problem in `details` as "
         "`{field, message, type}`; other codes (INVALID_RANGE, UNKNOWN_PARAMETER, ...) "
         "describe a rule the values break.",
    429: "Too many requests (RATE_LIMITED): an API key's rate limit, or too many sign-in "
         "attempts. `Retry-After` and `details.retry_after` give the seconds to wait.",
    503: "A backing service is unavailable or saturated (DATABASE_UNAVAILABLE, "
         "DATABASE_BUSY, OBJECT_STORE_UNAVAILABLE, ...). Retry after `Retry-After` seconds.",
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                                "schema": {"type": "integer"}}}

TAGS: list[dict[str, str]] = [
    {"name": "auth", "description": "Signing in with email and password: access tokens "
                                    "(15 minutes) and rotating refresh tokens, invitations, "
                                    "password resets. Programs use API keys instead."},
    {"name": "api-keys", "description": "Credentials for programs (super admin): a key acts "
                                        "with the permissions it was given, is shown once, "
                                        "and is sent as `X-API-Key` or `Authorization: Bearer`."},
    {"name": "factories", "description": "The caller's factory: its settings, data "
                                         "retention and storage use."},
    {"name": "devices", "description": "Machines and meters: registration (with their MQTT "
                                       "credentials), approval of discovered devices, and "
                                       "the parameters discovered from their telemetry."},
    {"name": "ingest", "description": "Telemetry over HTTP for gateways that do not speak "
                                      "MQTT: the same payloads, parser and quotas as MQTT, "
                                      "sent with the device's token or an API key holding "
                                      "the ingest permission."},
    {"name": "kpis", "description": "Live values and KPI history of a device's selected "
                                    "parameters."},
    {"name": "telemetry", "description": "Raw telemetry of a device as CSV or JSON lines."},
    {"name": "energy", "description": "Energy, cost and peak demand of devices, asset nodes, "
                                      "virtual meters and the whole factory."},
    {"name": "assets", "description": "The asset tree (sites, lines, cells) and virtual "
                                      "meters summing devices."},
    {"name": "production", "description": "Production quantities per node and day, and "
                                          "ISO 50006 energy baselines."},
    {"name": "shifts", "description": "Shift definitions and energy per shift."},
    {"name": "dashboard", "description": "The factory overview in one call."},
    {"name": "rules", "description": "Alert rules on telemetry: conditions, scope, "
                                     "schedule, recipients; dry runs and tests."},
    {"name": "alerts", "description": "Alerts raised by rules: list, acknowledge, resolve."},
    {"name": "users", "description": "People of the factory: invitations, roles and "
                                     "permissions (super admin)."},
    {"name": "notifications", "description": "Where alerts are delivered: webhooks (signed "
                                             "JSON posts), WhatsApp templates, and the log of "
                                             "every delivery."},
    {"name": "callbacks", "description": "Delivery status reports posted by the WhatsApp "
                                         "providers, checked against their signatures; not "
                                         "for clients."},
    {"name": "audit", "description": "Who (a person or an API key) changed what, and when."},
    {"name": "analytics", "description": "Anomaly detection, forecasts and other analyses, "
                                         "run as background jobs."},
    {"name": "reports", "description": "PDF and Excel reports, made on demand or by "
                                       "schedule, run as background jobs."},
    {"name": "files", "description": "Downloads of job results."},
    {"name": "mqtt broker", "description": "Called by the MQTT broker (EMQX) to "
                                           "authenticate and authorise devices; not for "
                                           "clients."},
    {"name": "health", "description": "Liveness and readiness probes."},
]


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=errors(409)` on a route: error answers its dependencies do not imply."""
    return {status: {"model": ErrorEnvelope, "description": ERROR_DESCRIPTIONS[status]}
            for status in statuses}


def _dependency_calls(dependant) -> Iterator:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependency_calls(sub)


def implied_errors(route, operation: dict[str, Any]) -> set[int]:
    """The error statuses a route's dependencies and parameters can answer with."""
    calls = list(_dependency_calls(route.dependant))
    statuses: set[int] = set()
    if any(call is get_credentials for call in calls):
        statuses |= {401, 429}
    if any(getattr(call, "required_permission", None) or getattr(call, "super_admin_only", False)
           for call in calls):
        statuses.add(403)
    parameters = operation.get("parameters", [])
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if any(call is get_db for call in calls):
        statuses.add(503)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    response = {"description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": ERROR_REF}}}
    if status in (429, 503):
        response["headers"] = _RETRY_AFTER
    return response


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, description=app.description,
                           routes=app.routes, tags=TAGS)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    # FastAPI's validation error shapes: never sent (the handler answers the envelope).
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for name, schema in ErrorEnvelope.model_json_schema(
            ref_template="#/components/schemas/{model}").pop("$defs", {}).items():
        schemas.setdefault(name, schema)
    schemas[ERROR_SCHEMA] = ErrorEnvelope.model_json_schema(
        ref_template="#/components/schemas/{model}")
    schemas[ERROR_SCHEMA].pop("$defs", None)
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or not context.include_in_schema:
            continue
        for method in context.methods:
            operation = document["paths"][context.path_format].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            declared = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
            for status in declared | implied_errors(context, operation):
                responses[str(status)] = _error_response(status)
            operation["responses"] = dict(sorted(responses.items()))
    return document


def install_openapi(app: FastAPI) -> None:
    """The app's `/openapi.json` (and `app.openapi()`) is the document built above."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
