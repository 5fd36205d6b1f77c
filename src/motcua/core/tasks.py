"""Celery tasks: the outbox's jobs and the scheduled commands (see :mod:`motcua.core.jobs`, :mod:`.schedule`)."""

from __future__ import annotations

import io
import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone

from motcua.celery import app

from . import jobs
from .models import Job, JobStatus
from .observability import reset_request_id, set_request_id

logger = logging.getLogger(__name__)
# How long a scheduled command's lock lasts at most (a run that dies keeps it no longer).
COMMAND_LOCK_SECONDS = 3600
# A due row handed to Celery is not handed again for this long (its message is queued or running).
DISPATCH_GRACE_SECONDS = 300


@app.task(name="motcua.jobs.run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_outbox_job(job_id: int, request_id: str = "") -> str:
    """Run one outbox job (acknowledged after it ran: a killed worker's job is delivered again)."""
    token = set_request_id(request_id or None)
    try:
        status = jobs.run_job_atomically(job_id)
        logger.info("Job %s: %s", job_id, status)
        return status
    finally:
        reset_request_id(token)


@app.task(name="motcua.jobs.dispatch_due", ignore_result=True)
def dispatch_due(limit: int = 1000) -> int:
    """Hand the due pending rows to the workers (those not handed over in the last few minutes); rows left
    ``running`` by the old runner (``motcua jobs run``) of a process that died go back to pending first."""
    now = timezone.now()
    Job.objects.filter(status=JobStatus.RUNNING, updated_at__lt=now - jobs.STALE_AFTER).update(
        status=JobStatus.PENDING)
    sent = 0
    for job_id in (Job.objects.filter(status=JobStatus.PENDING, run_after__lte=now)
                   .order_by("run_after", "id").values_list("id", flat=True)[:limit]):
        key = f"jobs:dispatched:{job_id}"
        if not cache.add(key, 1, timeout=DISPATCH_GRACE_SECONDS):
            continue  # handed over a moment ago: its message is queued or running
        if jobs.dispatch(job_id):
            sent += 1
        else:
            cache.delete(key)  # not handed over: the next pass tries again
    return sent


def previous_month(today=None) -> str:
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"


@app.task(name="motcua.command", ignore_result=True)
def run_command(command: str, *args: str) -> str:
    """Run a ``motcua`` management command once at a time across all workers (a lock in the shared cache)."""
    from django.core.management import CommandError, call_command, get_commands

    args = tuple(a.replace("{previous_month}", previous_month()) for a in args)
    if command == "@monthly_report":
        return _monthly_report(*args)
    if command not in get_commands():
        logger.warning("Scheduled command %r is not installed in this version; skipped.", command)
        return "missing"
    lock = f"beat:lock:{command}:{' '.join(args)}"
    if not cache.add(lock, 1, timeout=COMMAND_LOCK_SECONDS):
        logger.info("Scheduled command %s %s is still running elsewhere; skipped.", command, " ".join(args))
        return "locked"
    token = set_request_id(None)
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=out)
    except (SystemExit, CommandError) as exc:
        if isinstance(exc, CommandError) and "invalid choice" not in str(exc):
            raise
        # An unknown subcommand in this version (e.g. a Decree 118 command not yet installed).
        logger.warning("Scheduled command %s %s is not available (%s); skipped.", command, " ".join(args), exc)
        return "missing"
    finally:
        cache.delete(lock)
        reset_request_id(token)
    logger.info("Scheduled command %s %s done: %s", command, " ".join(args), out.getvalue()[-500:].strip())
    return "done"


def _monthly_report(period: str, scope: str = "national") -> str:
    """The month's report (DOCX), written to the document store as ``reports/monthly/<period>-<scope>.docx``."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    name = f"reports/monthly/{period}-{scope}.docx"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.docx"
        call_command("report", "monthly", "--period", period, "--scope", scope, "--out", str(out), "--no-progress",
                     stdout=io.StringIO())
        if default_storage.exists(name):
            default_storage.delete(name)
        with out.open("rb") as handle:
            default_storage.save(name, File(handle))
    return name
