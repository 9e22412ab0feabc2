"""The response envelopes every route uses, and pagination."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.core.safe_text import clean_name

T = TypeVar("T")

MAX_PER_PAGE = 100

# For names people give things (devices, users, rules, factories, schedules): they end up in
# tables, exports, PDF and Excel reports and log lines, so they are one line of visible text.
# Line breaks and tabs become spaces, other control characters and bidi overrides are dropped.
# Put it after the field's StringConstraints: it still runs first, and the OpenAPI schema keeps
# the constraints (placed before them, the response schema would lose them).
OneLine = BeforeValidator(clean_name)


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class Envelope(BaseModel, Generic[T]):
    data: T


class ListEnvelope(BaseModel, Generic[T]):
    data: list[T]
    total: int
    page: int
    per_page: int


class ErrorBody(BaseModel):
    code: str = Field(description="Stable UPPER_SNAKE code to branch on",
                      examples=["DEVICE_NOT_FOUND"])
    message: str = Field(description="For people; may change between versions")
    details: list[dict[str, Any]] | dict[str, Any] | None = Field(
        default=None,
        description="For VALIDATION_ERROR a list of `{field, message, type}`, one per problem; "
                    "for other codes an object with the values involved")


class ErrorEnvelope(BaseModel):
    """The body of every error answer."""

    error: ErrorBody


class PageParams(BaseModel):
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def list_envelope(items: list[Any], total: int, params: PageParams) -> dict[str, Any]:
    return {"data": items, "total": total, "page": params.page, "per_page": params.per_page}
