"""The audit log: who did what, when, from where."""

from __future__ import annotations

from app.services.audit.service import AuditService

__all__ = ["AuditService"]
