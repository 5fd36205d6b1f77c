"""Receipt under Decree 118/2025 Art. 16–17 (issue 11 point 4): the 8-working-hour answer to online dossiers, one
request to complete listing everything, a leader's override for a second, no receipt slip for procedures settled at
once, and receipt refused for a time limit without a unit until the desk enters the return date."""

import io

import pytest
from django.core.management import call_command

from motcua.dossiers import receipt, services
from motcua.dossiers.models import Dossier, ProcessDefinition
from motcua.dossiers.rules import RuleViolation

from .factories import CALENDAR, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


# Art. 17(2)(c): 8 working hours (office hours 07:30–11:30, 13:00–17:00) from arrival; none before 1/7/2025.
@pytest.mark.parametrize(("case", "arrived", "channel", "due"), [
    ("art17-2c online Monday 09:00 → Tuesday 09:00", vn(2026, 3, 9, 9), "online", vn(2026, 3, 10, 9)),
    ("art17-2c online Monday 15:30 → Tuesday 15:30", vn(2026, 3, 9, 15, 30), "online", vn(2026, 3, 10, 15, 30)),
    ("art17-2c online Friday 16:00 → Monday 16:00", vn(2026, 3, 13, 16), "online", vn(2026, 3, 16, 16)),
    ("art17-2c online Saturday → Monday 17:00", vn(2026, 3, 14, 10), "online", vn(2026, 3, 16, 17)),
    ("art17-2c in person: no such deadline", vn(2026, 3, 9, 9), "in_person", None),
    ("before 1/7/2025 (Decree 61/2018, history): none", vn(2025, 6, 30, 9), "online", None),
    ("from 1/7/2025: online Tuesday 09:00 → Wednesday 09:00", vn(2025, 7, 1, 9), "online", vn(2025, 7, 2, 9)),
])
def test_online_receipt_deadline_is_eight_working_hours_from_arrival(case, arrived, channel, due):
    assert receipt.receipt_due(CALENDAR, arrived, channel) == due


def test_the_deadline_is_set_at_submission_and_a_late_receipt_is_recorded_in_the_event():
    procedure()
    d = submitted(at=vn(2026, 3, 9, 9))
    assert d.receipt_due_at == vn(2026, 3, 10, 9)
    d = Flow(d)("receive", "desk_officer", vn(2026, 3, 10, 9, 1))
    assert d.receipt_late is True
    assert d.events.last().data["receipt_late"] is True


def test_an_answer_within_eight_working_hours_is_on_time_whatever_the_answer():
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 9, 9)))
    d = flow("request_supplement", "desk_officer", vn(2026, 3, 10, 9), data={"missing": ["Tờ khai"]})
    assert d.receipt_late is False and d.events.last().data["receipt_late"] is False


def test_the_scheduled_command_flags_dossiers_waiting_past_their_eight_hours():
    procedure()
    waiting = submitted(at=vn(2026, 3, 9, 9))
    fresh = submitted(at=vn(2026, 3, 10, 9))
    out = io.StringIO()
    call_command("dossiers", "flag-late-receipts", "--at", "2026-03-10T09:30:00+07:00", stdout=out)
    assert waiting.code in out.getvalue() and fresh.code not in out.getvalue()
    assert Dossier.objects.get(pk=waiting.pk).receipt_late is True
    assert Dossier.objects.get(pk=fresh.pk).receipt_late is False
    assert services.flag_late_receipts(vn(2026, 3, 10, 9, 30)) == []  # idempotent


MONDAY = vn(2026, 3, 2, 9)


def received(at=MONDAY):
    procedure()
    flow = Flow(submitted(at=at))
    flow("receive", "desk_officer", at.replace(hour=10))
    return flow


def test_a_second_supplement_request_is_refused():
    """Art. 16(3), 17(2)(a), 19(5): everything missing is listed in one request."""
    flow = received()
    flow("request_supplement", "specialist", vn(2026, 3, 3, 9), data={"missing": ["Tờ khai"]})
    flow("submit_supplement", "applicant", vn(2026, 3, 3, 10))
    with pytest.raises(RuleViolation) as refused:
        flow("request_supplement", "specialist", vn(2026, 3, 3, 11), data={"missing": ["Bản sao"]})
    assert refused.value.rule == "supplement_already_requested"
    assert "một lần" in str(refused.value)
    with pytest.raises(RuleViolation):  # a leader without a reason is refused too
        flow("request_supplement", "leader", vn(2026, 3, 3, 11), data={"missing": ["Bản sao"]})
    assert Dossier.objects.get(code=flow.code).supplement_count == 1


def test_a_leaders_override_with_a_reason_is_stored_and_counts_late_for_the_index():
    from motcua.dossiers.queries import deadline_view

    flow = received()
    flow("request_supplement", "specialist", vn(2026, 3, 3, 9), data={"missing": ["Tờ khai"]})
    flow("submit_supplement", "applicant", vn(2026, 3, 3, 10))
    d = flow("request_supplement", "leader", vn(2026, 3, 3, 11),
             data={"missing": ["Bản sao"], "override_reason": "Luật chuyên ngành mới bổ sung thành phần hồ sơ"})
    event = d.events.last()
    assert (event.data["override"], event.data["override_reason"]) == (
        True, "Luật chuyên ngành mới bổ sung thành phần hồ sơ")
    d = flow("submit_supplement", "applicant", vn(2026, 3, 3, 14))
    assert deadline_view(d, vn(2026, 3, 3, 15), CALENDAR).index_on_time is False


def test_before_decree_118_a_second_request_was_accepted():
    """History: Decree 61/2018 as read here set no cap (rule set nd61-2018)."""
    flow = received(at=vn(2025, 6, 2, 9))
    flow("request_supplement", "specialist", vn(2025, 6, 3, 9), data={"missing": ["Tờ khai"]})
    flow("submit_supplement", "applicant", vn(2025, 6, 3, 10))
    d = flow("request_supplement", "specialist", vn(2025, 6, 3, 11), data={"missing": ["Bản sao"]})
    assert d.supplement_count == 2


def test_receipt_is_refused_when_the_time_limit_has_no_unit_and_says_how_to_set_the_return_date():
    """Art. 17(1)(c), 17(3): the receipt slip carries the return date; birth and marriage registration say "1"."""
    procedure(amount=1, unit="unknown")
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    with pytest.raises(RuleViolation) as refused:
        flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    assert refused.value.rule == "time_limit_without_unit"
    assert "Ngày hẹn trả" in str(refused.value) and "return_due_at" in str(refused.value)
    d = flow("receive", "desk_officer", vn(2026, 3, 2, 10), data={"return_due_at": "2026-03-03T17:00:00+07:00"})
    assert (d.state, d.due_at, d.deadline_flag) == ("received", vn(2026, 3, 3, 17), "")
    assert d.events.last().data["return_due_entered"] is True


def test_the_entered_return_date_must_be_after_the_receipt():
    procedure(amount=1, unit="unknown")
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    with pytest.raises(RuleViolation) as refused:
        flow("receive", "desk_officer", vn(2026, 3, 2, 10), data={"return_due_at": "2026-03-01T17:00:00+07:00"})
    assert refused.value.rule == "return_date_not_after_receipt"


def test_a_procedure_settled_at_once_needs_no_receipt_slip():
    """Art. 17(4): no receipt slip unless the applicant asks for one."""
    proc = procedure()
    ProcessDefinition.objects.create(procedure=proc.procedure, settled_at_once=True)
    d = Flow(submitted(at=vn(2026, 3, 2, 9)))("receive", "desk_officer", vn(2026, 3, 2, 10))
    assert d.events.last().data["receipt_slip"] is False
    assert receipt.needs_receipt_slip(True, applicant_asked=True) is True
    assert receipt.needs_receipt_slip(False) is True


def test_the_correction_list_names_procedures_whose_time_limit_has_no_unit():
    from motcua.dossiers.queries import time_limit_corrections

    procedure("1.000001", amount=1, unit="unknown")
    procedure("1.000002", amount=5, unit="working_days")
    codes = [row["procedure_code"] for row in time_limit_corrections()]
    assert "1.000001" in codes and "1.000002" not in codes


def test_an_entered_return_date_restarts_with_the_same_working_time_after_a_supplement():
    """Art. 19(5): the limit restarts from zero on the complete dossier — for a date the desk entered, the same
    working time (Monday 10:00 → Tuesday 17:00 is 13.5 working hours) from the resubmission."""
    procedure(amount=1, unit="unknown")
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10), data={"return_due_at": "2026-03-03T17:00:00+07:00"})
    flow("request_supplement", "specialist", vn(2026, 3, 2, 11), data={"missing": ["Tờ khai"]})
    d = flow("submit_supplement", "applicant", vn(2026, 3, 4, 10))
    assert (d.due_at, d.deadline_flag) == (vn(2026, 3, 5, 17), "")
