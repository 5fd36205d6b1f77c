"""Issue 3 point 9: notifications go out by background jobs after commit; a rolled-back action notifies nobody; a
failed send is retried with back-off and never undoes the dossier change."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.core import jobs
from motcua.core.models import Job
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.notifications import messages_for_event, notify_for_event

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


class Flaky:
    """A backend that fails the first ``failures`` sends, then records what it sends."""

    failures = 0
    sent: list = []

    def send(self, message):
        if Flaky.failures > 0:
            Flaky.failures -= 1
            raise ConnectionError("SMS gateway unreachable")
        Flaky.sent.append(message)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": ["file"]}
    Flaky.failures, Flaky.sent = 0, []
    return tmp_path / "notifications"


def _lines(directory, channel):
    path = directory / f"{channel}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_a_receipt_enqueues_a_job_that_runs_after_commit(outbox, django_capture_on_commit_callbacks):
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier = flow("receive", "desk_officer", vn(2026, 3, 2, 10))
        notify_for_event(dossier.events.last())
        job = Job.objects.get()
        assert job.status == "pending" and _lines(outbox, "email") == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    [email] = _lines(outbox, "email")
    [sms] = _lines(outbox, "sms")
    assert email["to"] == "an@example.vn" and dossier.code in email["subject"] and "17:00 ngày 09/03/2026" in email[
        "body"]
    assert sms["to"] == "0912345678" and dossier.code in sms["body"]


def test_a_rolled_back_action_leaves_no_job(outbox):
    procedure()
    flow = Flow(submitted())
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier = flow("receive", "desk_officer", vn(2026, 3, 2, 10))
        notify_for_event(dossier.events.last())
        raise RuntimeError("something later in the request failed")
    assert not Job.objects.exists() and _lines(outbox, "email") == []
    assert Dossier.objects.get().state == "submitted"


def test_a_failing_backend_is_retried_with_back_off_and_the_dossier_change_stays(settings,
                                                                                  django_capture_on_commit_callbacks):
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": [f"{__name__}.Flaky"], "sms": []}
    settings.MOTCUA_JOBS_MAX_ATTEMPTS = 3
    settings.MOTCUA_JOBS_BACKOFF_SECONDS = 60
    Flaky.failures = 2
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True):
        dossier = flow("request_supplement", "desk_officer", vn(2026, 3, 2, 10), data={"missing": ["Tờ khai"]})
        notify_for_event(dossier.events.last())
    job = Job.objects.get()
    assert (job.status, job.attempts) == ("pending", 1) and "SMS gateway unreachable" in job.last_error
    assert Dossier.objects.get().state == "receipt_supplement_requested"  # the change is not undone
    first_retry = job.run_after
    assert timedelta(seconds=30) < first_retry - timezone.now() <= timedelta(seconds=60)
    assert jobs.run_due() == {}  # not due yet
    assert jobs.run_due(now=first_retry) == {"pending": 1}
    job.refresh_from_db()
    assert job.attempts == 2 and job.run_after == first_retry + timedelta(seconds=120)  # back-off doubles
    assert jobs.run_due(now=job.run_after) == {"done": 1}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == ("done", 3, "")
    [message] = Flaky.sent
    assert "Tờ khai" in message.body


def test_after_the_last_attempt_the_job_stays_failed(settings, django_capture_on_commit_callbacks):
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": [f"{__name__}.Flaky"], "sms": []}
    settings.MOTCUA_JOBS_MAX_ATTEMPTS = 2
    Flaky.failures = 5
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(flow("receive", "desk_officer", vn(2026, 3, 2, 10)).events.last())
    job = Job.objects.get()
    jobs.run_due(now=job.run_after)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2) and job.finished_at is not None
    assert jobs.run_due(now=job.run_after + timedelta(days=1)) == {}
    assert Dossier.objects.get().state == "received"


def test_a_retry_resends_only_what_failed(settings, outbox, django_capture_on_commit_callbacks):
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": [f"{__name__}.Flaky"]}
    Flaky.failures = 1
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True):
        notify_for_event(flow("receive", "desk_officer", vn(2026, 3, 2, 10)).events.last())
    job = Job.objects.get()
    assert job.status == "pending" and job.payload["done"] == ["0:file"]
    jobs.run_due(now=job.run_after)
    assert len(_lines(outbox, "email")) == 1 and len(Flaky.sent) == 1


def test_the_same_event_is_enqueued_once(django_capture_on_commit_callbacks):
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True):
        event = flow("receive", "desk_officer", vn(2026, 3, 2, 10)).events.last()
        notify_for_event(event)
        notify_for_event(event)
    assert Job.objects.count() == 1


def test_jobs_wait_for_a_worker_when_not_inline(settings, outbox, django_capture_on_commit_callbacks):
    settings.MOTCUA_JOBS_INLINE = False
    procedure()
    flow = Flow(submitted())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_for_event(flow("receive", "desk_officer", vn(2026, 3, 2, 10)).events.last())
    assert callbacks == [] and Job.objects.get().status == "pending"
    from django.core.management import call_command

    call_command("jobs", "run")
    assert Job.objects.get().status == "done" and len(_lines(outbox, "email")) == 1


@pytest.mark.parametrize(("action", "notifies"), [
    ("submit", False), ("receive", True), ("request_supplement", True), ("assign", False), ("apologise", True),
    ("issue_result", True), ("return_result", False)])
def test_which_events_notify_the_applicant(action, notifies):
    procedure()
    dossier = submitted()
    event = DossierEvent(dossier=dossier, seq=99, role="desk_officer", at=vn(2026, 3, 3, 9), action=action,
                         from_state="processing", to_state="processing", reason="Chờ ý kiến Sở Tư pháp",
                         data={"missing": ["Tờ khai"], "new_due_at": vn(2026, 3, 20, 17).isoformat()})
    messages = messages_for_event(event)
    assert bool(messages) is notifies
    if notifies:
        assert [m.channel for m in messages] == ["email", "sms"]
        assert all(dossier.code in m.body for m in messages)


def test_an_apology_states_the_reason_and_the_new_date():
    procedure()
    dossier = submitted()
    event = DossierEvent(dossier=dossier, seq=5, role="leader", at=vn(2026, 3, 5, 9), action="apologise",
                         from_state="processing", to_state="processing", reason="Chờ ý kiến Sở Tư pháp",
                         data={"new_due_at": vn(2026, 3, 20, 17).isoformat()})
    [email, sms] = messages_for_event(event)
    assert "xin lỗi" in email.body and "Chờ ý kiến Sở Tư pháp" in email.body and "17:00 ngày 20/03/2026" in email.body
    assert "20/03/2026" in sms.body


def test_no_contact_no_message():
    procedure()
    dossier = submitted()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_email="", applicant_phone="")
    dossier.refresh_from_db()
    event = DossierEvent(dossier=dossier, seq=2, role="desk_officer", at=vn(2026, 3, 2, 10), action="receive",
                         from_state="submitted", to_state="received")
    assert messages_for_event(event) == []
