"""PDF and Excel reports: report jobs (service), their data, rendering (pdf, xlsx, charts),
schedules and the calendar that says when each runs, and the worker-side runner."""

from __future__ import annotations

from app.services.reports.runner import run_report_job
from app.services.reports.scheduled import run_due_schedules
from app.services.reports.schedules import ReportScheduleService
from app.services.reports.service import ReportService

__all__ = ["ReportScheduleService", "ReportService", "run_due_schedules", "run_report_job"]
