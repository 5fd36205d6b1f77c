"""Decree 118/2025 Art. 19(5): a dossier whose supplement notice is unanswered is closed after 15 days (or the
sector law's period, configured on the procedure's process), by `motcua dossiers close-expired`, with a notice to
the applicant (issue 11 point 6)."""

import io

import pytest
from django.core.management import call_command

from motcua.core.models import Job
from motcua.dossiers import receipt, services
from motcua.dossiers.models import Dossier, ProcessDefinition

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("case", "received", "notice", "sector_days", "closes"), [
    ("art19-5 notice 3/3/2026, 15 days → closes from 19/3 00:00", vn(2026, 3, 2, 10), vn(2026, 3, 3, 9), None,
     vn(2026, 3, 19)),
    ("art19-5 sector law's 30 days", vn(2026, 3, 2, 10), vn(2026, 3, 3, 9), 30, vn(2026, 4, 3)),
    ("art19-5 from 1/7/2025", vn(2025, 7, 1, 10), vn(2025, 7, 2, 16), None, vn(2025, 7, 18)),
    ("before 1/7/2025 (Decree 61/2018, history): no closing rule", vn(2025, 6, 30, 10), vn(2025, 7, 1, 9), None,
     None),
])
def test_the_closing_moment_of_an_unanswered_notice(case, received, notice, sector_days, closes):
    assert receipt.closes_at(notice, receipt.closing_days(received, sector_days)) == closes


MONDAY = vn(2026, 3, 2, 9)


def asked(at=MONDAY):
    procedure()
    flow = Flow(submitted(at=at))
    flow("receive", "desk_officer", at.replace(hour=10))
    flow("request_supplement", "specialist", at.replace(hour=11), data={"missing": ["Tờ khai"]})
    return flow


def test_the_command_closes_the_dossier_fifteen_days_after_the_notice_and_tells_the_applicant():
    flow = asked()
    assert flow.dossier.supplement_closes_at == vn(2026, 3, 18)
    assert services.close_unanswered(vn(2026, 3, 17, 23, 59)) == []
    out = io.StringIO()
    call_command("dossiers", "close-expired", "--at", "2026-03-18T00:00:00+07:00", stdout=out)
    assert flow.code in out.getvalue()
    d = Dossier.objects.get(code=flow.code)
    assert (d.state, d.status_code) == ("stopped", 8)
    event = d.events.last()
    assert (event.action, event.role, event.data["closed_unanswered_notice"]) == ("stop", "system", True)
    assert "khoản 5 Điều 19" in event.reason
    job = Job.objects.get(key=f"dossier-event:{d.pk}:{event.seq}")
    assert any("đã dừng xử lý" in m.get("subject", "") for m in job.payload["messages"])
    assert services.close_unanswered(vn(2026, 3, 30)) == []  # idempotent


def test_a_supplement_in_time_cancels_the_closing():
    flow = asked()
    d = flow("submit_supplement", "applicant", vn(2026, 3, 10, 9))
    assert d.supplement_closes_at is None
    assert services.close_unanswered(vn(2026, 4, 1)) == []


def test_the_sector_laws_period_is_configured_on_the_procedures_process():
    proc = procedure()
    ProcessDefinition.objects.create(procedure=proc.procedure, closing_days_after_unanswered_notice=30)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    d = flow("request_supplement", "specialist", vn(2026, 3, 2, 11), data={"missing": ["Tờ khai"]})
    assert d.supplement_closes_at == vn(2026, 4, 2)
    assert services.close_unanswered(vn(2026, 3, 20)) == []
