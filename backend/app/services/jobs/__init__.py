"""What analytics and report jobs share: their lifecycle (service, runner), sending them to
the queue (dispatch) and their result files (files)."""

from __future__ import annotations

from app.services.jobs.files import FileService
from app.services.jobs.runner import recover_stale_jobs
from app.services.jobs.service import JobService

__all__ = ["FileService", "JobService", "recover_stale_jobs"]
