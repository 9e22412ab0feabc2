"""Email delivery on the notifications queue: the API hands a composed message to the queue
and answers at once; a worker talks to the SMTP server and retries while it is unreachable."""

from __future__ import annotations

import asyncio

import aiosmtplib

from app.core.config import get_settings
from app.core.email import OutgoingEmail, send_email
from app.core.task_queue import SEND_EMAIL
from app.workers.celery_app import celery_app

# Transient: the server is down, busy or greylisting. A permanent refusal (5xx for the
# recipient) raises too, but retrying it only delays the same answer, so give up on those.
_TRANSIENT = (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected,
              aiosmtplib.SMTPTimeoutError, ConnectionError, TimeoutError)


@celery_app.task(name=SEND_EMAIL, autoretry_for=_TRANSIENT, retry_backoff=30,
                 retry_backoff_max=1800, retry_jitter=True, max_retries=8)
def send_email_task(message: dict) -> bool:
    return asyncio.run(send_email(get_settings(), OutgoingEmail(**message)))
