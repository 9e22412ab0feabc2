"""The work of a report job, run by the reporting worker: gather the figures through the
EnergyService, render the PDF or workbook, store it, and for a scheduled report mail it to
the schedule's recipients as an attachment."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from functools import partial
from html import escape

import aiosmtplib

from app.core.config import Settings
from app.core.database import session_scope
from app.core.email import Attachment, OutgoingEmail, send_email
from app.models.analytics_job import ReportJob
from app.repositories.factory_repo import FactoryRepository
from app.repositories.report_repo import ReportJobRepository
from app.services.energy.aggregate_cache import aggregate_cache
from app.services.energy.analysis import EnergyAnalysisService
from app.services.energy.service import EnergyService
from app.services.energy.shifts import ShiftService
from app.services.jobs.runner import JobFailed, JobOutput, JobRun, execute
from app.services.reports import data as report_data
from app.services.reports.format import number
from app.services.reports.pdf import render_pdf
from app.services.reports.xlsx import render_xlsx
from app.stores.objects import factory_key
from app.stores.resources import Resources

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportNotMailed(ConnectionError):
    """The SMTP server refused or could not be reached: worth another attempt."""


async def run_report_job(resources: Resources, factory_id: int, job_id: int) -> float | None:
    run = JobRun(ReportJobRepository, factory_id, job_id, resources.settings,
                 resources.objects)
    return await execute(run, partial(_work, resources))


def file_name(data: report_data.ReportData, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", data.factory.slug.lower()).strip("-") or "factory"
    # The end is exclusive: a period ending at midnight ends with the day before.
    last_day = data.local_end - timedelta(microseconds=1)
    return (f"{data.kind.replace('_', '-')}-{slug}-{data.local_start:%Y%m%d}-"
            f"{last_day:%Y%m%d}.{fmt}")


async def _work(resources: Resources, job: ReportJob, run: JobRun) -> JobOutput:
    request = job.parameters or {}
    start = datetime.fromisoformat(request["start"]).astimezone(UTC)
    end = datetime.fromisoformat(request["end"]).astimezone(UTC)
    async with session_scope() as session:
        factory = await FactoryRepository(session).get(job.factory_id)
        if factory is None:
            raise JobFailed("The factory no longer exists.")
        cache = aggregate_cache(resources)
        energy = EnergyService(session, factory, resources.timeseries, cache)
        try:
            data = await report_data.gather(
                session, energy, kind=job.kind, start=start, end=end,
                device_ids=request.get("device_ids"), node_id=request.get("node_id"),
                hourly=job.format == "xlsx", device_hours=job.kind == "device_detail",
                progress=run.progress,
                analysis=EnergyAnalysisService(session, factory, resources.timeseries, cache),
                shifts=ShiftService(session, factory, resources.timeseries, cache))
        except LookupError as exc:
            raise JobFailed("The report's asset node no longer exists.") from exc
    await run.progress(65)
    render = render_pdf if job.format == "pdf" else render_xlsx
    content = await asyncio.to_thread(render, data)
    await run.progress(85)
    name = file_name(data, job.format)
    stored = await run.store(
        factory_key(job.factory_id, "reports", str(job.id), f"report.{job.format}"), name,
        content, CONTENT_TYPES[job.format])
    recipients = list(request.get("recipients") or [])
    if recipients:
        await run.progress(92)
        await _mail(resources.settings, data, recipients, Attachment(
            name, CONTENT_TYPES[job.format], content), request.get("schedule_name"))
    return JobOutput(result={
        "title": data.title,
        "timezone": data.zone.key,
        "period": {"start": data.local_start.isoformat(), "end": data.local_end.isoformat()},
        "devices": len(data.devices),
        "energy_kwh": data.totals.energy_kwh,
        "cost": data.totals.cost,
        "currency": data.currency,
        "alerts": data.alerts_total,
        "emailed_to": recipients,
    }, object_key=stored.key)


async def _mail(settings: Settings, data: report_data.ReportData, recipients: list[str],
                attachment: Attachment, schedule_name: str | None) -> None:
    subject = f"{data.factory.name}: {data.title}, {data.local_start:%d %b %Y}"
    lines = [f"{data.title} for {data.factory.name}", f"Period: {data.period_label}", "",
             f"Energy: {number(data.totals.energy_kwh)} kWh",
             f"Cost: {number(data.totals.cost)} {data.currency}",
             f"Peak demand: {number(data.totals.peak_demand_kw)} kW",
             f"Alerts raised: {data.alerts_total}", "",
             f"The full report is attached ({attachment.filename})."]
    if schedule_name:
        lines += ["", f"You receive this because you are a recipient of the schedule "
                      f"\"{schedule_name}\"."]
    text = "\n".join(lines) + "\n"
    html = ("<!doctype html><html><body style=\"font-family:sans-serif;color:#1f2937\">"
            + "".join(f"<p>{escape(line)}</p>" for line in lines if line)
            + "</body></html>")
    for recipient in recipients:
        try:
            await send_email(settings, OutgoingEmail(to=recipient, subject=subject, text=text,
                                                     html=html, attachments=(attachment,)))
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ReportNotMailed(f"mail to {recipient} failed: {exc}") from exc
