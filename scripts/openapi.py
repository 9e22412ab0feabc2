"""Writes the API's OpenAPI document as JSON, the input of the web app's generated types.

Built from the app factory itself, so no server, database or broker is needed. The settings
are the code defaults, never the environment or a `.env` file: the document must be the same
on every machine, or the drift check in the tests would depend on who runs it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.core.config import Settings
from app.main import create_app


def openapi_document() -> dict:
    # model_construct skips the environment sources; only the class defaults apply.
    return create_app(Settings.model_construct()).openapi()


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: openapi.py OUTPUT.json")
    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    Path(sys.argv[1]).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
