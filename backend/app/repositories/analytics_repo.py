from __future__ import annotations

from app.models.analytics_job import AnalyticsJob
from app.repositories.job_repo import JobRepository


class AnalyticsJobRepository(JobRepository[AnalyticsJob]):
    model = AnalyticsJob
