"""Shapes analytics and report jobs share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from app.core.time_range import as_utc
from app.models.analytics_job import JOB_STATUSES
from app.schemas.common import Schema

MAX_ID = 2**63 - 1
JobStatus = Literal[JOB_STATUSES]  # type: ignore[valid-type]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _unique(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
DeviceIds = Annotated[list[Id], Field(min_length=1, max_length=20), AfterValidator(_unique)]


class JobFile(Schema):
    key: str = Field(description="The object key: GET /api/v1/files/{key} streams it with the "
                                 "bearer token of its factory")
    name: str
    content_type: str
    size: int
    url: str | None = Field(description="A download link valid for DOWNLOAD_LINK_SECONDS")


class JobRead(Schema):
    id: int
    kind: str
    status: JobStatus
    progress: int = Field(ge=0, le=100)
    request: dict[str, Any] = Field(description="What was asked for, as submitted")
    result: dict[str, Any] | None = Field(description="Summary of a complete job")
    error: str | None
    attempts: int
    created_by: int | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    download_url: str | None = Field(description="The main result file, once complete")
    files: list[JobFile]
