"""Service index 2.1 and 2.2 count the lateness of Decree 118/2025 (issue 11 point 11): an online dossier the desk
answered after its 8 working hours (Art. 17(2)(c); ``receipt_late``) and a leader's override for a second
supplement request (Art. 16(3), 17(2)(a), 19(5)) are late; the processing time (2.2) subtracts a wait cut short by
a stop, as 2.1 does. The facts stay rebuildable."""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import AGENCY, Flow, officer, procedure, submitted, vn
from motcua.oversight import facts, index
from motcua.oversight.models import DossierFact

from .conftest import answered, approve, handled, second_supplement, supplement

pytestmark = [pytest.mark.django_db, pytest.mark.backend]  # the facts are read with raw SQL


def online(arrived, received, approved):
    d = submitted(at=arrived, channel="online")
    flow = Flow(d)
    flow("receive", "desk_officer", received)
    flow("assign", "leader", received.replace(minute=30), data={"assignee": officer(f"specialist-{AGENCY}",
                                                                                      "specialist").username})
    flow("approve", "leader", approved)
    return flow.dossier


def fact(d) -> DossierFact:
    return DossierFact.objects.get(dossier_id=d.id)


@pytest.mark.parametrize(("case", "arrived", "received", "approved", "on_time", "late_day"), [
    # Monday 09:00 → due to be answered Tuesday 09:00; answered Tuesday 08:00: on time.
    ("Decree118-Art17(2)(c) answered within 8 working hours", vn(2026, 3, 9, 9), vn(2026, 3, 10, 8),
     vn(2026, 3, 11, 9), True, None),
    # Answered Wednesday 09:00: late for 2.1 from the receipt deadline, although approved long before the due time.
    ("Decree118-Art17(2)(c) answered after 8 working hours", vn(2026, 3, 9, 9), vn(2026, 3, 11, 9),
     vn(2026, 3, 11, 10), False, date(2026, 3, 10)),
    # Before 1/7/2025 there was no such deadline (Decree 61/2018, history): not late.
    ("before 1/7/2025 no receipt deadline", vn(2025, 6, 2, 9), vn(2025, 6, 4, 9), vn(2025, 6, 4, 10), True, None),
])
def test_an_online_dossier_answered_after_its_receipt_deadline_is_late(case, arrived, received, approved, on_time,
                                                                       late_day):
    procedure()
    d = online(arrived, received, approved)
    facts.refresh()
    assert (fact(d).on_time, fact(d).late_day) == (on_time, late_day)
    before = sorted(DossierFact.objects.values_list("dossier_id", "on_time", "late_day"))
    facts.rebuild()
    assert sorted(DossierFact.objects.values_list("dossier_id", "on_time", "late_day")) == before


def test_the_index_counts_a_late_receipt_and_a_leaders_override_late():
    procedure()
    timely = online(vn(2026, 3, 9, 9), vn(2026, 3, 10, 8), vn(2026, 3, 11, 9))
    late_receipt = online(vn(2026, 3, 9, 9), vn(2026, 3, 11, 9), vn(2026, 3, 11, 10))
    override = handled(vn(2026, 3, 2, 10), supplement(vn(2026, 3, 3, 9)), answered(vn(2026, 3, 3, 14)),
                       second_supplement(vn(2026, 3, 4, 9)), answered(vn(2026, 3, 4, 10)), approve(vn(2026, 3, 4, 11)))
    assert override.events.filter(action="request_supplement", data__override=True).exists()
    facts.refresh()
    assert [fact(d).on_time for d in (timely, late_receipt, override)] == [True, False, False]
    table = index.compute("2026-03", "agency", f"agency:{AGENCY}")
    row = next(r for r in table.rows if r["code"] == AGENCY)
    score = next(s for s in row["scores"] if s.code == "2.1")
    assert (score.numerator, score.denominator) == (1, 3)


def test_processing_time_subtracts_a_wait_cut_short_by_a_stop():
    """Received Monday 2/3 10:00, waiting for a supplement from Tuesday 3/3 10:00, stopped Monday 16/3 09:00: the
    processing time is the day before the wait (24 h), not the 14 days to the stop."""
    procedure()
    stopped = handled(vn(2026, 3, 2, 10), supplement(vn(2026, 3, 3, 10)),
                      ("stop", "leader", vn(2026, 3, 16, 9), {"reason": "Người nộp không bổ sung hồ sơ."}))
    facts.refresh()
    f = fact(stopped)
    assert int((f.ended_at - f.received_at).total_seconds()) - f.supplement_wait_seconds == 24 * 3600
    table = index.compute("2026-03", "agency", f"agency:{AGENCY}")
    row = next(r for r in table.rows if r["code"] == AGENCY)
    score = next(s for s in row["scores"] if s.code == "2.2")
    assert score.numerator == 1  # days, averaged over the one ended dossier


def test_the_dashboard_counts_late_receipts_within_the_viewers_scope(client):
    from django.contrib.auth import get_user_model

    from motcua.oversight import queries
    from motcua.units.models import Agency, Membership

    procedure()
    online(vn(2026, 3, 9, 9), vn(2026, 3, 10, 8), vn(2026, 3, 11, 9))  # answered in time
    online(vn(2026, 3, 9, 9), vn(2026, 3, 11, 9), vn(2026, 3, 11, 10))  # answered late
    start, end = vn(2026, 3, 1), vn(2026, 4, 1)
    own = set(Agency.objects.filter(code=AGENCY).values_list("pk", flat=True))
    other = set(Agency.objects.exclude(code=AGENCY).values_list("pk", flat=True))
    assert queries.receipt_late_count(None, start, end) == 1
    assert queries.receipt_late_count(own, start, end) == 1
    assert queries.receipt_late_count(other, start, end) == 0  # another unit's supervisor does not see it
    assert queries.receipt_late_count(None, vn(2026, 4, 1), vn(2026, 5, 1)) == 0
    user = get_user_model().objects.create_user("btp-sup", password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    client.force_login(user)
    page = client.get("/giam-sat/").content.decode()
    assert 'data-figure="receipt-late"' in page and "quá 08 giờ làm việc" in page
