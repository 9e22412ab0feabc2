"""WhatsApp template messages as each provider documents them, filled from an alert's facts.

Meta's Cloud API takes `{"type": "template", "template": {"name", "language": {"code"},
"components": [{"type": "body", "parameters": [{"type": "text", "text"}, ...]}]}}`. Twilio
takes the Messages resource's form fields `ContentSid` and `ContentVariables`, a JSON object
of `{"1": ..., "2": ...}`. Pure functions."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.safe_text import clean_name

# Meta refuses a variable holding a line break, a tab or more than four spaces in a row
# (error 132018), and one longer than the template allows; "-" stands in for nothing.
MAX_PARAMETER_LENGTH = 500
_SPACES = re.compile(r" {2,}")
MISSING = "-"


@dataclass(frozen=True)
class TemplateChoice:
    """What to send for one message: the provider's template and the variables' values."""

    meta_name: str | None
    meta_language: str | None
    twilio_content_sid: str | None
    values: tuple[str, ...]


def parameter_text(value: str | None) -> str:
    text = _SPACES.sub(" ", clean_name(value or ""))
    if len(text) > MAX_PARAMETER_LENGTH:
        text = text[:MAX_PARAMETER_LENGTH - 1] + "…"
    return text or MISSING


def template_values(fields: Sequence[str], facts: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(parameter_text(facts.get(name)) for name in fields)


def meta_template_message(to: str, name: str, language: str, values: Sequence[str]) -> dict:
    template: dict = {"name": name, "language": {"code": language}}
    if values:
        template["components"] = [{
            "type": "body",
            "parameters": [{"type": "text", "text": value} for value in values]}]
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": to.lstrip("+"), "type": "template", "template": template}


def twilio_content_form(sender: str, to: str, content_sid: str, values: Sequence[str],
                        status_callback: str | None) -> dict[str, str]:
    form = {"From": f"whatsapp:{sender}", "To": f"whatsapp:{to}", "ContentSid": content_sid}
    if values:
        form["ContentVariables"] = json.dumps(
            {str(position): value for position, value in enumerate(values, start=1)},
            ensure_ascii=False)
    if status_callback:
        form["StatusCallback"] = status_callback
    return form
