"""A real SMTP server for the browser tests: every message it receives is written to a folder
as JSON (recipients, subject, text body), where a test can read it the way a user would read
their inbox. `python scripts/mail_sink.py --port 8825 --dir DIR` until SIGTERM."""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class FolderInbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sequence = itertools.count(1)

    async def handle_DATA(self, _server, _session, envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        record = {"to": list(envelope.rcpt_tos), "subject": str(message["Subject"]),
                  "text": body.get_content() if body else ""}
        name = f"{time.time_ns()}-{next(self.sequence)}.json"
        tmp = self.folder / f".{name}"
        tmp.write_text(json.dumps(record))
        tmp.rename(self.folder / name)  # readers never see half a message
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(FolderInbox(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
