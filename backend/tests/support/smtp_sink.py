"""A real SMTP server (aiosmtpd) inside the test process, and an app that sends its email
there. Messages are kept for the test to read; nothing about SMTP is faked."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope

from pytest_factoryops.apps import client_of, running_app

LINK = re.compile(r"https?://\S+")


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0
        self._arrived = asyncio.Event()

    async def handle_DATA(self, _server, _session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self._arrived.set()
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1, within: float = 15
                       ) -> list[EmailMessage]:
        """The first `count` messages to `address`, waiting for them to arrive."""
        async def arrived() -> list[EmailMessage]:
            while len(self.to(address)) < count:
                self._arrived.clear()
                await self._arrived.wait()
            return self.to(address)[:count]

        return await asyncio.wait_for(arrived(), within)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, page: str) -> tuple[str, dict[str, str]]:
    """The link to `page` in the message's text, and its query parameters."""
    for link in LINK.findall(text_of(message)):
        parts = urlsplit(link)
        if parts.path.endswith(f"/{page}"):
            return link, {k: v[0] for k, v in parse_qs(parts.query).items()}
    raise AssertionError(f"no link to {page} in: {text_of(message)}")


@pytest.fixture
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(partial(SMTP, sink, hostname="sink.test"),
                                      "127.0.0.1", 0)
    sink.port = server.sockets[0].getsockname()[1]
    try:
        yield sink
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def mail_app(settings, smtp_sink):
    """The API with SMTP pointed at the sink and no Celery broker: the API process sends
    its email itself (in the background, as on the embedded default)."""
    variant = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.port,
                                          "celery_broker_url": None})
    async with running_app(variant) as application:
        yield application


@pytest.fixture
async def mail_client(mail_app) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(mail_app, "203.0.113.9") as c:
        yield c
