"""Data lifecycle: rollups kept up to date, retention of time series and metadata, storage
use, backup and restore."""

from __future__ import annotations

from app.services.lifecycle.maintenance import apply_retention, apply_retention_all
from app.services.lifecycle.rollups import refresh_all, refresh_factory
from app.services.lifecycle.service import DataLifecycleService

__all__ = ["DataLifecycleService", "apply_retention", "apply_retention_all", "refresh_all",
           "refresh_factory"]
