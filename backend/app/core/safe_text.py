"""Text that people or devices chose, made safe for the places it ends up: a name as stored
(no control characters, no line breaks), a spreadsheet cell (shown, never evaluated) and a
reportlab paragraph (printed, never parsed as markup)."""

from __future__ import annotations

import unicodedata
from typing import Any
from xml.sax.saxutils import escape

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula (or a
# DDE call) when they open a CSV file, the full-width forms included, which some of them
# fold to ASCII. Tab and carriage return lead to the same when pasted.
_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# Bidirectional embeddings, overrides and isolates: they make a name display as something
# other than what it says.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKING = frozenset({"Zl", "Zp"})


def clean_name(value: Any) -> Any:
    """A name as one line of visible text: line breaks, tabs and line or paragraph separators
    become a space, other control characters and bidirectional overrides are dropped.
    Anything but a string is left to the field's own validation."""
    if not isinstance(value, str):
        return value
    kept: list[str] = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in "\t\n\r\x0b\x0c\x85" or category in _LINE_BREAKING:
            kept.append(" ")
        elif category == "Cc" or ch in _BIDI_CONTROLS:
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip()


def spreadsheet_text(value: str) -> str:
    """Text for a CSV cell: one that a spreadsheet would evaluate gets a leading apostrophe,
    the mark spreadsheets themselves use for "this is text"."""
    stripped = value.lstrip(" ")
    if stripped and stripped[0] in _FORMULA_START:
        return "'" + value
    return value


def pdf_text(value: str) -> str:
    """Text for a reportlab Paragraph, which parses its input as markup: `Pump <A>` would
    otherwise be an unknown tag and fail the whole document."""
    return escape(value)
