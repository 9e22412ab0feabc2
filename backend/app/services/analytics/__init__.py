"""Analytics jobs: creating them (service) and running them in a worker (runner):
anomaly detection and energy forecasts."""

from __future__ import annotations

from app.services.analytics.runner import run_analytics_job
from app.services.analytics.service import AnalyticsService

__all__ = ["AnalyticsService", "run_analytics_job"]
