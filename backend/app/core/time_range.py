"""The time range of a request, as every chart, export and energy query reads it: UTC,
`end` defaulting to now and `start` to a day before, at most MAX_RANGE long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.errors import ValidationFailed

MAX_RANGE = timedelta(days=400)
DEFAULT_RANGE = timedelta(hours=24)


def resolve_range(start: datetime | None, end: datetime | None, now: datetime
                  ) -> tuple[datetime, datetime]:
    """[start, end) in UTC: naive timestamps are read as UTC; end defaults to now and start to
    24 hours before end."""
    end = as_utc(end) if end is not None else now
    start = as_utc(start) if start is not None else end - DEFAULT_RANGE
    if end <= start:
        raise ValidationFailed("end must be after start.", code="INVALID_RANGE",
                               details={"start": start.isoformat(), "end": end.isoformat()})
    if end - start > MAX_RANGE:
        raise ValidationFailed(f"The range may span at most {MAX_RANGE.days} days.",
                               code="INVALID_RANGE")
    return start, end


def as_utc(moment: datetime) -> datetime:
    """Naive means UTC, as everywhere in the API."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
