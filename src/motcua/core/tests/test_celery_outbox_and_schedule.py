"""The outbox handed to Celery (issue 13 point 1), in-process: the job's id goes to the broker after the commit and
never before, with the request id; a broker that is down loses nothing; the beat schedule names every periodic
command, and an entry whose command this version lacks is skipped, not failed."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.celery import app
from motcua.core import jobs, tasks
from motcua.core.models import Job, JobStatus
from motcua.core.observability import current_request_id, reset_request_id, set_request_id
from motcua.core.schedule import ENTRIES, beat_schedule

pytestmark = pytest.mark.django_db
seen: list[tuple[int, str]] = []


@jobs.handler("test.remember-request-id")
def _remember(job: Job) -> None:
    seen.append((job.pk, current_request_id()))


@pytest.fixture(autouse=True)
def celery_conf():
    """Celery's configuration as it was, after each test."""
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    yield app.conf
    app.conf.update(saved)
    _forget_connections()


def _forget_connections() -> None:
    """Celery keeps its connection and producer pools for the broker it first used; the tests change brokers."""
    app.close()
    app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, celery_conf):
    settings.MOTCUA_JOBS_INLINE = False
    settings.MOTCUA_BROKER_URL = "memory://"
    celery_conf.task_always_eager = True  # the task runs here when it is sent
    seen.clear()


def test_a_job_is_handed_to_the_broker_after_the_commit_with_the_request_id(broker,
                                                                             django_capture_on_commit_callbacks):
    token = set_request_id("yeu-cau-7")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                job = jobs.enqueue("test.remember-request-id", {})
            assert seen == []  # nothing is sent before the commit
    finally:
        reset_request_id(token)
    assert len(callbacks) == 1
    assert seen == [(job.pk, "yeu-cau-7")]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)


def test_a_rolled_back_change_sends_no_job(broker, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        jobs.enqueue("test.remember-request-id", {})
        raise RuntimeError("rolled back")
    assert callbacks == [] and seen == [] and not Job.objects.exists()


def test_a_broker_that_is_down_loses_nothing_and_beat_hands_the_row_over_later(settings, celery_conf,
                                                                              django_capture_on_commit_callbacks):
    settings.MOTCUA_JOBS_INLINE = False
    settings.MOTCUA_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    celery_conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    _forget_connections()  # no connection pool of an earlier test's broker
    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("test.remember-request-id", {})
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and seen == []
    assert tasks.dispatch_due() == 0  # still down: nothing handed over, nothing marked as handed over

    celery_conf.task_always_eager = True  # the broker is back
    assert tasks.dispatch_due() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and [pk for pk, _ in seen] == [job.pk]


def test_a_second_delivery_of_a_done_job_does_nothing():
    job = Job.objects.create(kind="test.remember-request-id", payload={}, run_after=jobs.timezone.now())
    seen.clear()
    assert jobs.run_job_atomically(job.pk) == JobStatus.DONE
    assert jobs.run_job_atomically(job.pk) == "skipped"
    assert len(seen) == 1


def test_a_failing_handler_leaves_no_writes_and_is_retried_later():
    @jobs.handler("test.write-then-fail")
    def _fail(job: Job) -> None:
        Job.objects.create(kind="test.effect", payload={}, run_after=jobs.timezone.now())
        raise ValueError("registry down")

    job = Job.objects.create(kind="test.write-then-fail", payload={}, run_after=jobs.timezone.now())
    assert jobs.run_job_atomically(job.pk) == JobStatus.PENDING
    job.refresh_from_db()
    assert job.attempts == 1 and "registry down" in job.last_error and job.run_after > job.updated_at
    assert not Job.objects.filter(kind="test.effect").exists()


@pytest.mark.parametrize("entry, command", [
    ("oversight-refresh-warm", ("oversight", "refresh", "--warm")),
    ("dossiers-escalate", ("dossiers", "escalate")),
    ("decree118-flag-late-receipts", ("dossiers", "flag-late-receipts")),
    ("decree118-close-expired", ("dossiers", "close-expired")),
    ("feedback-overdue", ("feedback", "overdue")),
    ("steering-remind", ("steering", "remind", "--period", "{previous_month}")),
    ("report-monthly", ("@monthly_report", "{previous_month}")),
])
def test_the_beat_schedule_runs_each_periodic_command(entry, command):
    schedule = beat_schedule()
    assert schedule[entry]["task"] == "motcua.command"
    assert schedule[entry]["args"] == command
    assert ENTRIES[entry][1] == command[0]


def test_a_drills_fast_schedule_cannot_pile_up_behind_the_outbox(settings):
    """Every entry every 2 s is more than one worker runs (warming the index pages takes seconds): the messages of a
    drill expire after three intervals, and a drill keeps only the entries it checks (MOTCUA_BEAT_ONLY)."""
    settings.MOTCUA_BEAT_EVERY_SECONDS = 2
    settings.MOTCUA_BEAT_ONLY = ["jobs-dispatch-due", "decree118-close-expired"]
    schedule = beat_schedule()
    assert set(schedule) == {"jobs-dispatch-due", "decree118-close-expired"}
    assert all(entry["options"]["expires"] == 6 for entry in schedule.values())
    settings.MOTCUA_BEAT_EVERY_SECONDS, settings.MOTCUA_BEAT_ONLY = 0, []
    assert set(beat_schedule()) == set(ENTRIES)
    assert beat_schedule()["jobs-dispatch-due"]["options"]["expires"] == 3600


def test_a_scheduled_command_this_version_lacks_is_skipped_not_failed():
    assert tasks.run_command("khong-co-lenh") == "missing"
    assert tasks.run_command("dossiers", "khong-co-lenh-con") == "missing"


def test_a_scheduled_command_already_running_elsewhere_is_skipped():
    from django.core.cache import cache

    cache.add("beat:lock:dossiers:escalate", 1, timeout=60)
    try:
        assert tasks.run_command("dossiers", "escalate") == "locked"
    finally:
        cache.delete("beat:lock:dossiers:escalate")
    assert tasks.run_command("dossiers", "escalate") == "done"


def test_the_previous_month_is_the_calendar_month_before():
    import datetime

    assert tasks.previous_month(datetime.date(2026, 1, 1)) == "2025-12"
    assert tasks.previous_month(datetime.date(2026, 3, 31)) == "2026-02"
