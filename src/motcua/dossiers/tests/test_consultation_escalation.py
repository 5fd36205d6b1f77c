"""Issue 3 point 4: "Consultations carry their own deadlines; late replies escalate". A consultation past its answer
time is flagged in the officer's queue and page, and ``motcua dossiers escalate`` tells the agency's leaders, once."""

import io
import json

import pytest
from django.core.management import call_command

from motcua.core.models import Job
from motcua.dossiers import escalation
from motcua.dossiers.models import Dossier
from motcua.dossiers.web import officer_views

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DUE = vn(2026, 3, 4, 17)


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": ["file"]}


def _consulting() -> Flow:
    procedure()
    flow = Flow(submitted())
    flow.users["leader"].email = "lanhdao@example.vn"
    flow.users["leader"].first_name, flow.users["leader"].last_name = "Hùng", "Phạm Văn"
    flow.users["leader"].save()
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("consult", "specialist", vn(2026, 3, 2, 14), data={"unit": "Phòng Tư pháp", "due_at": DUE.isoformat()})
    return flow


def test_a_consultation_is_overdue_only_after_its_own_deadline_while_unanswered():
    waiting = Dossier(consultation_unit="Sở Xây dựng", consultation_due_at=DUE)
    assert not escalation.is_consultation_overdue(waiting, DUE)
    assert escalation.is_consultation_overdue(waiting, vn(2026, 3, 4, 17, 1))
    answered = Dossier(consultation_unit="", consultation_due_at=None)
    assert not escalation.is_consultation_overdue(answered, vn(2026, 4, 1))
    closed = Dossier(consultation_unit="Sở Xây dựng", consultation_due_at=DUE, finished_at=vn(2026, 3, 5))
    assert not escalation.is_consultation_overdue(closed, vn(2026, 3, 6))
    later = Dossier(code="B", consultation_unit="X", consultation_due_at=vn(2026, 3, 5, 9))
    listed = escalation.overdue_consultations([later, waiting, answered], vn(2026, 3, 6))
    assert [c.due_at for c in listed] == [DUE, vn(2026, 3, 5, 9)]


def test_escalation_tells_the_leaders_once(django_capture_on_commit_callbacks, tmp_path):
    flow = _consulting()
    assert escalation.escalate(vn(2026, 3, 4, 16)) == []  # not late yet
    with django_capture_on_commit_callbacks(execute=True):
        [done] = escalation.escalate(vn(2026, 3, 5, 8))
    assert (done.dossier_code, done.unit, done.recipients) == (flow.code, "Phòng Tư pháp", ("lanhdao@example.vn",))
    sent = [json.loads(line) for line in (tmp_path / "notifications" / "email.jsonl").read_text().splitlines()]
    assert len(sent) == 1 and sent[0]["to"] == "lanhdao@example.vn" and flow.code in sent[0]["subject"]
    assert "Phòng Tư pháp" in sent[0]["body"]
    assert escalation.escalate(vn(2026, 3, 5, 9)) == []  # idempotent
    assert Job.objects.filter(key__startswith=escalation.ESCALATION_PREFIX).count() == 1
    assert Dossier.objects.get().state == "consulting"  # a signal to people, not a transition


def test_an_answered_consultation_is_not_escalated_and_a_new_one_escalates_on_its_own():
    flow = _consulting()
    escalation.escalate(vn(2026, 3, 5, 8))
    flow("answer_consultation", "specialist", vn(2026, 3, 5, 9))
    assert escalation.escalate(vn(2026, 3, 9, 9)) == []
    flow("consult", "specialist", vn(2026, 3, 5, 10), data={"unit": "Công an xã", "due_at": vn(2026, 3, 6, 17)})
    [again] = escalation.escalate(vn(2026, 3, 9, 9))
    assert again.unit == "Công an xã"


def test_the_command_escalates_and_reports(django_capture_on_commit_callbacks):
    flow = _consulting()
    out = io.StringIO()
    call_command("dossiers", "escalate", "--at", "2026-03-05T08:00:00+07:00", stdout=out)
    assert flow.code in out.getvalue() and "Escalated 1 overdue consultation(s)." in out.getvalue()
    out = io.StringIO()
    call_command("dossiers", "escalate", "--at", "2026-03-05T09:00:00", stdout=out)
    assert "Escalated 0 overdue consultation(s)." in out.getvalue()


def test_the_officer_queue_and_page_flag_the_late_consultation(client, monkeypatch):
    flow = _consulting()
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 5, 8))
    client.force_login(flow.users["specialist"])
    queue = client.get("/can-bo/?role=specialist", **EN).content.decode()
    assert "Consultation overdue" in queue
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert "Consultation overdue" in page and "Escalated to the agency" not in page
    escalation.escalate(vn(2026, 3, 5, 8))
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert "Escalated to the agency" in page
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 4, 10))
    assert "Consultation overdue" not in client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
