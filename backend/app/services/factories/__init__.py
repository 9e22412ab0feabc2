"""Factories: their settings, tariff and directory (service), and the snapshot of settings
that hot read paths keep."""

from __future__ import annotations

from app.services.factories.service import FactoryService

__all__ = ["FactoryService"]
