"""The emails of a user's account: the invitation and the password-reset link.

With a Celery broker configured (production) a message is queued for the notifications
worker, which retries while the SMTP server is unreachable; without one (the embedded
default, and tests that point SMTP at their own server) the API process sends it itself in
the background. Either way the request never waits for the SMTP server: a forgot-password
answer that took longer for real accounts would tell an attacker which emails exist."""

from __future__ import annotations

import asyncio
from datetime import datetime
from html import escape
from urllib.parse import urlencode

from app.core.config import Settings
from app.core.email import OutgoingEmail, email_enabled, send_email
from app.core.logging import get_logger
from app.core.task_queue import QUEUE_NOTIFICATIONS, SEND_EMAIL, publish_task
from app.models.factory import Factory
from app.models.user import User

log = get_logger(__name__)

QUEUE_TIMEOUT_SECONDS = 5

# Background sends keep a reference here until they finish: the event loop holds only weak
# references to tasks, and a collected task would drop the email without a word.
_in_flight: set[asyncio.Task] = set()


def account_link(settings: Settings, page: str, factory: Factory, token: str) -> str:
    query = urlencode({"factory": factory.slug, "token": token})
    return f"{settings.public_url.rstrip('/')}/{page}?{query}"


class AccountMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send_invitation(self, *, factory: Factory, user: User, token: str,
                              expires_at: datetime, invited_by: User | None) -> str | None:
        """The link itself when email is off: no message will reach the invitee, so the
        inviter is the only one who can pass it on."""
        link = account_link(self.settings, "accept-invite", factory, token)
        app = self.settings.app_name
        inviter = (invited_by.full_name or invited_by.email) if invited_by else "An administrator"
        hours = self.settings.invite_token_hours
        greeting = f"Hello {user.full_name}," if user.full_name else "Hello,"
        text = (
            f"{greeting}\n\n"
            f"{inviter} invited you to {factory.name} on {app}.\n\n"
            f"Choose your password here to sign in:\n{link}\n\n"
            f"The link works once and expires in {hours} hours "
            f"({expires_at:%Y-%m-%d %H:%M} UTC). If you did not expect this invitation, "
            "ignore this email.\n")
        html = _html(
            greeting,
            f"{escape(inviter)} invited you to <strong>{escape(factory.name)}</strong> on "
            f"{escape(app)}.",
            link, "Choose your password",
            f"The link works once and expires in {hours} hours. If you did not expect this "
            "invitation, ignore this email.")
        await self.deliver(OutgoingEmail(
            to=user.email, subject=f"You are invited to {factory.name} on {app}",
            text=text, html=html))
        return None if email_enabled(self.settings) else link

    async def send_password_reset(self, *, factory: Factory, user: User, token: str,
                                  expires_at: datetime) -> None:
        link = account_link(self.settings, "reset-password", factory, token)
        app = self.settings.app_name
        minutes = self.settings.password_reset_token_minutes
        greeting = f"Hello {user.full_name}," if user.full_name else "Hello,"
        text = (
            f"{greeting}\n\n"
            f"Someone asked to reset the password of your {app} account at {factory.name}.\n\n"
            f"Choose a new password here:\n{link}\n\n"
            f"The link works once and expires in {minutes} minutes "
            f"({expires_at:%Y-%m-%d %H:%M} UTC). If you did not ask for this, ignore this "
            "email: your password stays as it is.\n")
        html = _html(
            greeting,
            f"Someone asked to reset the password of your {escape(app)} account at "
            f"<strong>{escape(factory.name)}</strong>.",
            link, "Choose a new password",
            f"The link works once and expires in {minutes} minutes. If you did not ask for "
            "this, ignore this email: your password stays as it is.")
        await self.deliver(OutgoingEmail(
            to=user.email, subject=f"Reset your {app} password", text=text, html=html))

    async def deliver(self, email: OutgoingEmail) -> None:
        if self.settings.celery_broker_url and await self._queue(email):
            return
        task = asyncio.create_task(self._send_now(email))
        _in_flight.add(task)
        task.add_done_callback(_in_flight.discard)

    async def _queue(self, email: OutgoingEmail) -> bool:
        try:
            await publish_task(self.settings, SEND_EMAIL, QUEUE_NOTIFICATIONS,
                               [email.to_dict()], deadline_s=QUEUE_TIMEOUT_SECONDS)
            return True
        except Exception as exc:  # the queue is down: the API sends it itself instead
            log.warning("email.queue_failed", to=email.to, error=str(exc)[:200])
            return False

    async def _send_now(self, email: OutgoingEmail) -> None:
        try:
            await send_email(self.settings, email)
        except Exception as exc:
            log.error("email.send_failed", to=email.to, subject=email.subject,
                      error=str(exc)[:300])


def _html(greeting: str, intro: str, link: str, button: str, footer: str) -> str:
    href = escape(link, quote=True)
    return (
        "<!doctype html><html><body style=\"font-family:sans-serif;color:#1f2937\">"
        f"<p>{escape(greeting)}</p><p>{intro}</p>"
        f"<p><a href=\"{href}\" style=\"display:inline-block;padding:10px 18px;"
        "background:#2563eb;color:#ffffff;border-radius:6px;text-decoration:none\">"
        f"{escape(button)}</a></p>"
        f"<p style=\"font-size:13px\">Or open this address: <br>{escape(link)}</p>"
        f"<p style=\"font-size:13px;color:#6b7280\">{escape(footer)}</p>"
        "</body></html>")
