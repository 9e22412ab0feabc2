"""Alerts after they are raised: listing, acknowledging and resolving (service), the text of
their messages, and notifications with the senders of each channel."""

from __future__ import annotations

from app.services.alerts.notifications import NotificationService
from app.services.alerts.service import AlertService

__all__ = ["AlertService", "NotificationService"]
