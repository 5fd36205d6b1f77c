"""The background job that computes and stores a table a page found missing (issue 14 point 9): queued by
:func:`motcua.oversight.queries.queue_preparation`, run by the outbox (:mod:`motcua.core.jobs`): a Celery worker in
production, the web process once the page has been sent in the embedded default. Imported by the app's ``ready`` so
that every process that runs jobs knows the kind."""

from __future__ import annotations

from motcua.core import jobs
from motcua.core.models import Job

from . import queries


@jobs.handler(queries.PREPARE)
def prepare_table(job: Job) -> None:
    p = job.payload
    queries.prepare(p["kind"], p["period"], p["level"], p.get("scope", ""))
