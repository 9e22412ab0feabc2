"""How report numbers are written, the same in the PDF and in the e-mail."""

from __future__ import annotations

from datetime import datetime

DASH = "—"


def number(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value * 100:,.{digits}f} %"


def local_time(moment: datetime | None) -> str:
    return DASH if moment is None else f"{moment:%Y-%m-%d %H:%M}"
