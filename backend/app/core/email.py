"""Email over SMTP (aiosmtplib), configured by the SMTP_* settings. Every message goes out
as plain text with an HTML alternative. With SMTP_HOST empty nothing is sent and the message
is written to the log instead: on the embedded default that is how a developer sees an
invitation or password-reset link."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import aiosmtplib

from app.core.config import Settings
from app.core.logging import get_logger

log = get_logger(__name__)

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    # Sent by the process that builds the message (a report worker); files are not queued.
    attachments: tuple[Attachment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for a Celery task argument."""
        if self.attachments:
            raise ValueError("a message with attachments is sent where it is built")
        data = asdict(self)
        del data["attachments"]
        return data


def build_message(settings: Settings, email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain(settings.smtp_from))
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype,
                               subtype=subtype or "octet-stream", filename=attachment.filename)
    return message


def email_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


async def send_email(settings: Settings, email: OutgoingEmail) -> bool:
    """True when the message was handed to the SMTP server, False when email is off.
    SMTP and connection errors propagate: the caller decides whether to retry."""
    if not email_enabled(settings):
        # A warning, so that it shows at the WARNING level `make run` logs at.
        log.warning("email.not_sent_smtp_disabled", to=email.to, subject=email.subject,
                    text=email.text)
        return False
    await aiosmtplib.send(
        build_message(settings, email),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        use_tls=settings.smtp_ssl,
        start_tls=settings.smtp_starttls,
        timeout=SMTP_TIMEOUT_SECONDS,
    )
    log.info("email.sent", to=email.to, subject=email.subject)
    return True


def _sender_domain(sender: str) -> str | None:
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] if "@" in address else None
