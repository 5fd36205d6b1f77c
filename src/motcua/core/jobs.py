"""Background jobs through an outbox table, dispatched after commit, retried with back-off.

``enqueue(kind, payload, key=...)`` writes a :class:`~motcua.core.models.Job` row in the caller's transaction and
registers ``transaction.on_commit`` to run it: a rolled-back change leaves no job, a committed one never loses its job
(the row survives a crash between the commit and the run), and nothing a job does can undo the change that caused it.

Where jobs run (settings, read with ``getattr`` so that nothing is required):

- ``MOTCUA_JOBS_INLINE`` (default ``True``, the embedded default): right after the commit, in the same process. A
  failure is caught, logged and recorded on the row; the caller never sees it.
- with a broker (``MOTCUA_BROKER_URL``, the production path): after the commit the job's id is handed to Celery
  (:mod:`motcua.core.tasks`); a worker runs it with :func:`run_job_atomically`: the claim, the handler's database
  writes and the outcome commit together, and the message is acknowledged only afterwards (acks late), so a worker
  killed mid-job leaves the row pending and its message is delivered again: the job runs again, once, and its
  database effect is not doubled. Celery beat's ``dispatch_due`` hands over the due rows whose message was lost
  (the broker was down at the commit) and the retries after back-off.
- otherwise rows wait for ``motcua jobs run`` (once, or ``--loop``), which processes the due ones.

A failed run is retried after ``MOTCUA_JOBS_BACKOFF_SECONDS`` × 2^(attempt-1) (default 60 s, capped at 6 h), up to
``MOTCUA_JOBS_MAX_ATTEMPTS`` (default 5) attempts; then the job stays ``failed``.

Handlers are registered by kind with :func:`handler`; a handler receives the :class:`Job` and may record progress in
``job.payload`` (it is saved even when the handler fails, so a retry resumes instead of repeating).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Job, JobStatus
from .registry import Registry

__all__ = ["Job", "backoff", "enqueue", "handler", "handlers", "run_due", "run_job", "run_job_atomically"]

logger = logging.getLogger(__name__)

Handler = Callable[[Job], None]
# The job handlers by kind (core.registry's pattern); a test may swap in a fresh Registry.
job_handlers: Registry[Handler] = Registry("job handler")
MAX_BACKOFF = timedelta(hours=6)
# A job still "running" this long after it was claimed belongs to a worker that died: it is run again.
STALE_AFTER = timedelta(minutes=15)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of ``kind`` (a decorator): ``job_handlers.register``."""
    return job_handlers.register(kind)


def handlers() -> dict[str, Handler]:
    """The registered handlers (a copy)."""
    _load_handlers()
    return job_handlers.as_dict()


def _load_handlers() -> None:
    # Handlers live in the modules that define them; importing the built-in ones here keeps `motcua jobs run` able to
    # run every job kind the project enqueues. Extra modules can be named in MOTCUA_JOBS_MODULES.
    import importlib

    for module in ("motcua.core.notify", *settings.MOTCUA_JOBS_MODULES):
        importlib.import_module(module)


def _inline() -> bool:
    return settings.MOTCUA_JOBS_INLINE


def _max_attempts() -> int:
    return max(1, settings.MOTCUA_JOBS_MAX_ATTEMPTS)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: base × 2^(attempts-1), capped at 6 hours."""
    base = settings.MOTCUA_JOBS_BACKOFF_SECONDS
    return min(timedelta(seconds=base * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def enqueue(kind: str, payload: dict, *, key: str | None = None, max_attempts: int | None = None,
            run_after: datetime | None = None) -> Job:
    """Write a job in the current transaction; run it after the commit when jobs run inline.

    With a ``key`` already used, the existing job is returned and nothing new is written (idempotent enqueue).
    """
    if key is not None:
        existing = Job.objects.filter(key=key).first()
        if existing is not None:
            return existing
    job = Job(kind=kind, key=key, payload=payload, max_attempts=max_attempts or _max_attempts(),
              run_after=run_after or timezone.now())
    try:
        # A savepoint, so that a duplicate key (a concurrent enqueue) does not break the caller's transaction.
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        if key is None:
            raise
        return Job.objects.get(key=key)
    job_id = job.pk
    if _inline():
        transaction.on_commit(lambda: _run_quietly(job_id))
    elif settings.MOTCUA_BROKER_URL:
        transaction.on_commit(lambda: dispatch(job_id))
    return job


def dispatch(job_id: int) -> bool:
    """Hand a job to Celery; ``False`` (logged) when the broker cannot be reached: the row stays pending and beat's
    ``dispatch_due`` hands it over later. Never raises into the caller."""
    from .observability import current_request_id

    try:
        from .tasks import run_outbox_job

        run_outbox_job.apply_async(args=[job_id], kwargs={"request_id": current_request_id()})
    except Exception:  # the broker is down: nothing is lost, the row waits in the outbox
        logger.warning("Job %s could not be handed to the broker; it stays in the outbox.", job_id, exc_info=True)
        return False
    return True


def _run_quietly(job_id: int) -> None:
    """Run a job after the commit without ever raising into the request that committed."""
    try:
        run_job(job_id)
    except Exception:  # the change is committed; a job problem must not surface as a failure of it
        logger.exception("Job %s could not be run inline; it stays in the outbox.", job_id)


def _claim(job_id: int, now: datetime) -> Job | None:
    """Mark a due pending job as running; ``None`` when another worker has it, or it is done or not yet due."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.PENDING, run_after__lte=now).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, updated_at=now)
    return Job.objects.get(pk=job_id) if claimed else None


def run_job(job_id: int, now: datetime | None = None) -> str:
    """Run one job if it is due and pending; return its status afterwards (or ``"skipped"``).

    Success → ``done``. Failure → ``pending`` again with ``run_after`` = now + :func:`backoff`, or ``failed`` after
    the last attempt; the error text is kept in ``last_error``.
    """
    now = now or timezone.now()
    job = _claim(job_id, now)
    if job is None:
        return "skipped"
    func = handlers().get(job.kind)
    try:
        if func is None:
            raise LookupError(f"No handler registered for job kind {job.kind!r}.")
        func(job)
    except Exception as exc:  # any failure of a handler is recorded and retried
        _failed(job, exc, now)
    else:
        _succeeded(job, now)
    job.save(update_fields=["status", "finished_at", "last_error", "run_after", "payload", "updated_at"])
    return job.status


def run_job_atomically(job_id: int, now: datetime | None = None) -> str:
    """Run one due pending job in one transaction (the Celery path): claim, the handler's database writes and the
    outcome commit together or not at all. The row is locked (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite's
    immediate transactions serialise writers), so two deliveries of the same job never both run it; a process that
    dies mid-job leaves the row pending. A failing handler's writes are rolled back (savepoint) while its progress in
    ``job.payload`` is kept. Returns the status afterwards, or ``"skipped"``.
    """
    from .observability import JOBS_RUN

    now = now or timezone.now()
    with transaction.atomic():
        job = (Job.objects.select_for_update(skip_locked=True)
               .filter(pk=job_id, status=JobStatus.PENDING, run_after__lte=now).first())
        if job is None:
            return "skipped"
        job.attempts += 1
        func = handlers().get(job.kind)
        try:
            with transaction.atomic():
                if func is None:
                    raise LookupError(f"No handler registered for job kind {job.kind!r}.")
                func(job)
        except Exception as exc:  # any failure of a handler is recorded and retried
            _failed(job, exc, now)
        else:
            _succeeded(job, now)
        job.save(update_fields=["status", "attempts", "finished_at", "last_error", "run_after", "payload",
                                "updated_at"])
    JOBS_RUN.labels(job.kind, job.status).inc()
    return job.status


def _succeeded(job: Job, now: datetime) -> None:
    job.status = JobStatus.DONE
    job.finished_at = now
    job.last_error = ""


def _failed(job: Job, exc: Exception, now: datetime) -> None:
    job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED
        job.finished_at = now
        logger.error("Job %s (%s) failed for good after %s attempts: %s", job.pk, job.kind, job.attempts,
                     job.last_error)
    else:
        job.status = JobStatus.PENDING
        job.run_after = now + backoff(job.attempts)
        logger.warning("Job %s (%s) failed (attempt %s of %s), retry after %s: %s", job.pk, job.kind,
                       job.attempts, job.max_attempts, job.run_after.isoformat(), job.last_error)


def run_due(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Run the pending jobs that are due, oldest first; return how many ended in each status."""
    now = now or timezone.now()
    Job.objects.filter(status=JobStatus.RUNNING, updated_at__lt=now - STALE_AFTER).update(status=JobStatus.PENDING)
    ids = Job.objects.filter(status=JobStatus.PENDING, run_after__lte=now).order_by("run_after", "id")
    ids = list(ids.values_list("id", flat=True)[:limit] if limit else ids.values_list("id", flat=True))
    counts: dict[str, int] = {}
    for job_id in ids:
        status = run_job(job_id, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
