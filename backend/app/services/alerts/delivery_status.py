"""What the WhatsApp providers report about a message after accepting it, read from their
status callbacks, and how each report moves a delivery on.

A delivery goes sent → delivered → read, or sent → failed with the provider's error code.
Reports arrive out of order and more than once: a report never moves a delivery back, so a
late "delivered" after "read" changes nothing. A message that reached one of the recipient's
devices stays delivered when another device fails it; a failure reported before a delivery
is overtaken by the delivery. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.models.notification import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_READ,
    DELIVERY_SENT,
)

_RANK = {DELIVERY_SENT: 1, DELIVERY_FAILED: 2, DELIVERY_DELIVERED: 3, DELIVERY_READ: 4}

# Twilio's MessageStatus values; those before "sent" (queued, accepted, sending, ...) say
# nothing our "sent" does not.
_TWILIO = {"sent": DELIVERY_SENT, "delivered": DELIVERY_DELIVERED, "read": DELIVERY_READ,
           "failed": DELIVERY_FAILED, "undelivered": DELIVERY_FAILED}
_META = {"sent": DELIVERY_SENT, "delivered": DELIVERY_DELIVERED, "read": DELIVERY_READ,
         "failed": DELIVERY_FAILED}


@dataclass(frozen=True)
class StatusReport:
    message_id: str
    status: str
    at: datetime
    error_code: str | None = None
    error: str | None = None


def advances(current: str, reported: str) -> bool:
    """Whether a delivery in `current` moves to `reported`."""
    return _RANK.get(reported, 0) > _RANK.get(current, 0) and current in _RANK


def _moment(seconds: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(seconds), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def meta_reports(payload: Any) -> list[StatusReport]:
    """The message statuses in a Meta webhook (`entry[].changes[].value.statuses[]`);
    anything else it carries (incoming messages, other fields) is not ours to read."""
    reports: list[StatusReport] = []
    if not isinstance(payload, Mapping):
        return reports
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, Mapping) else []:
            value = change.get("value") if isinstance(change, Mapping) else None
            for item in (value.get("statuses") or []) if isinstance(value, Mapping) else []:
                if not isinstance(item, Mapping):
                    continue
                status = _META.get(str(item.get("status")))
                message_id = item.get("id")
                if status is None or not isinstance(message_id, str):
                    continue
                errors = [e for e in item.get("errors") or [] if isinstance(e, Mapping)]
                first = errors[0] if errors else {}
                code = first.get("code")
                detail = first.get("title") or first.get("message")
                reports.append(StatusReport(
                    message_id=message_id[:128], status=status, at=_moment(item.get("timestamp")),
                    error_code=str(code)[:32] if code is not None else None,
                    error=str(detail)[:1000] if detail else None))
    return reports


def twilio_report(form: Mapping[str, str]) -> StatusReport | None:
    status = _TWILIO.get(form.get("MessageStatus", ""))
    message_id = form.get("MessageSid")
    if status is None or not message_id:
        return None
    code = form.get("ErrorCode") or None
    return StatusReport(message_id=message_id[:128], status=status, at=datetime.now(UTC),
                        error_code=code[:32] if code else None,
                        error=f"Twilio error {code}" if code else None)
