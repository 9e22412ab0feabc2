"""Every failure leaves the API as the error envelope with a stable code; nothing else
(no HTML, no FastAPI `detail`, no stack trace) ever reaches a client."""

from __future__ import annotations

from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError
from app.core.logging import get_logger
from app.stores.objects import ObjectStoreUnavailable
from app.stores.timeseries import TimeSeriesUnavailable

log = get_logger(__name__)

_HTTP_CODES = {
    400: ("BAD_REQUEST", "The request could not be processed."),
    401: ("NOT_AUTHENTICATED", "Authentication is required."),
    403: ("FORBIDDEN", "You do not have permission to do this."),
    404: ("NOT_FOUND", "No such resource or route."),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed on this route."),
    406: ("NOT_ACCEPTABLE", "The requested representation is not available."),
    409: ("CONFLICT", "The request conflicts with the current state."),
    413: ("PAYLOAD_TOO_LARGE", "The request body is too large."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "The request content type is not supported."),
    422: ("VALIDATION_ERROR", "The request is not valid."),
    429: ("RATE_LIMITED", "Too many requests. Try again later."),
    503: ("SERVICE_UNAVAILABLE", "A backing service is unavailable."),
}


# What FastAPI raises (as a 400) when it cannot decode a request body at all.
_UNREADABLE_BODY = "There was an error parsing the body"


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        details.append({
            "field": ".".join(loc),
            "message": err.get("msg", "invalid value"),
            "type": err.get("type", "value_error"),
        })
    return details


def _validation_message(details: list[dict[str, Any]]) -> str:
    if not details:
        return "The request is not valid."
    first = details[0]
    field = first["field"].removeprefix("body.").removeprefix("query.").removeprefix("path.")
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{field}: {first['message']}{more}" if field else first["message"] + more


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _field_errors(exc)
        return error_response(422, "VALIDATION_ERROR", _validation_message(details), details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNREADABLE_BODY:
            # A body that is not text (bad UTF-8) or a broken form: a request that is not
            # valid like any other, answered as the 422 every route documents.
            return error_response(422, "VALIDATION_ERROR", "body: the body could not be read",
                                  [{"field": "body", "message": "the body could not be read "
                                    "(not UTF-8 JSON, or a broken form)",
                                    "type": "body_unreadable"}])
        code, message = _HTTP_CODES.get(exc.status_code,
                                        (f"HTTP_{exc.status_code}", "The request failed."))
        return error_response(exc.status_code, code, message,
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("db.integrity_error", error=str(exc.orig)[:300])
        return error_response(409, "CONFLICT", "The change conflicts with existing data.")

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        # Lost connections and refused connections: the metadata database is down or
        # restarting. Answer 503 so clients and load balancers retry; the pool recovers by
        # itself (pre-ping) when the database is back.
        log.error("db.unavailable", error=str(exc.orig)[:300])
        return error_response(503, "DATABASE_UNAVAILABLE",
                              "The metadata database is unavailable. Try again shortly.",
                              headers={"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def database_busy(_request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every pooled connection stayed busy for the pool's whole wait: an overload, not a
        # fault. Ask the client to come back in a moment rather than report a failure.
        log.warning("db.pool_exhausted", error=str(exc)[:300])
        return error_response(503, "DATABASE_BUSY",
                              "The service is busy. Try again in a moment.",
                              headers={"Retry-After": "1"})

    # The stores behind the metadata database: down, restarting or too slow to answer within
    # their timeout. Like the database, a 503 the client can retry, never a 500.
    @app.exception_handler(TimeSeriesUnavailable)
    async def timeseries_unavailable(_request: Request, exc: TimeSeriesUnavailable
                                     ) -> JSONResponse:
        log.error("timeseries.unavailable", error=str(exc)[:300])
        return error_response(503, "TIMESERIES_UNAVAILABLE",
                              "The time-series store is unavailable. Try again shortly.",
                              headers={"Retry-After": "5"})

    @app.exception_handler(ObjectStoreUnavailable)
    async def objects_unavailable(_request: Request, exc: ObjectStoreUnavailable
                                  ) -> JSONResponse:
        log.error("objects.unavailable", error=str(exc)[:300])
        return error_response(503, "OBJECT_STORE_UNAVAILABLE",
                              "File storage is unavailable. Try again shortly.",
                              headers={"Retry-After": "5"})

    @app.exception_handler(redis.ConnectionError)
    @app.exception_handler(redis.TimeoutError)
    async def redis_unavailable(_request: Request, exc: redis.RedisError) -> JSONResponse:
        log.error("redis.unavailable", error=str(exc)[:300])
        return error_response(503, "CACHE_UNAVAILABLE",
                              "The live-value store is unavailable. Try again shortly.",
                              headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("api.unhandled_error", error_type=type(exc).__name__)
        return error_response(500, "INTERNAL_ERROR",
                              "An unexpected error occurred. It has been logged.")
