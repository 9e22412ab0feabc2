"""The one error module. Services raise `AppError` subclasses (no HTTP types below the API
layer); the API turns every failure, expected or not, into the error envelope
`{"error": {"code", "message", "details"?}}` with a stable code."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """A failure the caller can act on. `status` is the HTTP status the API answers with."""

    status: int = 400
    code: str = "BAD_REQUEST"
    message: str = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 details: Any = None, headers: dict[str, str] | None = None) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers
        super().__init__(self.message)


class BadRequest(AppError):
    status, code = 400, "BAD_REQUEST"


class Unauthorized(AppError):
    status, code, message = 401, "NOT_AUTHENTICATED", "Authentication is required."


class Forbidden(AppError):
    status, code, message = 403, "FORBIDDEN", "You do not have permission to do this."


class NotFound(AppError):
    status, code, message = 404, "NOT_FOUND", "The resource was not found."


class Conflict(AppError):
    status, code, message = 409, "CONFLICT", "The request conflicts with the current state."


class ValidationFailed(AppError):
    status, code, message = 422, "VALIDATION_ERROR", "The request is not valid."


class RateLimited(AppError):
    status, code, message = 429, "RATE_LIMITED", "Too many requests. Try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(
            message or f"Too many attempts. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
            details={"retry_after": retry_after},
        )


class ServiceUnavailable(AppError):
    status, code, message = 503, "SERVICE_UNAVAILABLE", "A backing service is unavailable."


def not_found(entity: str) -> NotFound:
    """`not_found("device")` → 404 with code DEVICE_NOT_FOUND, the guide's convention."""
    return NotFound(f"{entity.replace('_', ' ').capitalize()} not found.",
                    code=f"{entity.upper()}_NOT_FOUND")
