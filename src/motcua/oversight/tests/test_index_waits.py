"""Service index 2.1 (Decision 766 indicator 2.1 [practice], domain.md §7): waiting for the applicant (supplement,
payment) pauses the index clock — also when the wait is cut short by a stop or a withdrawal — and whether an open
dossier was late at a period's end is judged by its state then, not today's.

All four dossiers are received Friday 13/2/2026 10:00 with 5 working days; Tết runs 16–20/2, so the index due time is
27/2 17:00 (see conftest.tet_dossiers).
"""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import AGENCY, procedure, vn
from motcua.oversight import facts, index, rules
from motcua.oversight.models import DossierFact

from .conftest import approve, handled, supplement

pytestmark = [pytest.mark.django_db, pytest.mark.backend]  # the facts are read with raw SQL

STOP = ("stop", "leader", vn(2026, 3, 10, 9), {"reason": "Người nộp không bổ sung hồ sơ."})
WITHDRAW = ("withdraw", "desk_officer", vn(2026, 3, 5, 9), {"reason": "Người nộp rút hồ sơ."})


def payment(at):
    return ("request_payment", "specialist", at, {"data": {"amount_vnd": 50000}})


@pytest.fixture
def waits():
    procedure()
    received = vn(2026, 2, 13, 10)
    on_time = handled(received, approve(vn(2026, 2, 26, 10)))
    # Waiting for a supplement from 24/2 (before the due time), never answered, stopped 10/3: the wait is subtracted.
    stopped = handled(received, supplement(vn(2026, 2, 24, 9)), STOP)
    # Waiting for a payment from 26/2, withdrawn 5/3: the same.
    withdrawn = handled(received, payment(vn(2026, 2, 26, 9)), WITHDRAW)
    # The payment was requested after the due time had passed: late before the wait, still late.
    late = handled(received, payment(vn(2026, 3, 2, 9)), WITHDRAW)
    assert on_time.index_due_at == stopped.index_due_at == vn(2026, 2, 27, 17)
    facts.refresh()
    return on_time, stopped, withdrawn, late


def fact(d) -> DossierFact:
    return DossierFact.objects.get(dossier_id=d.id)


def test_a_wait_cut_short_by_a_stop_or_withdrawal_is_not_late(waits):
    _, stopped, withdrawn, late = waits
    assert fact(stopped).on_time is True and fact(stopped).late_day is None
    assert fact(withdrawn).on_time is True and fact(withdrawn).late_day is None
    assert fact(late).on_time is False and fact(late).late_day == date(2026, 2, 27)


@pytest.mark.parametrize(("period", "expected"), [
    # End of February: the first ended on time; the stopped and the withdrawn dossiers were waiting (paused) and
    # not late then; the fourth was open and past its due time.
    ("2026-02", (3, 4)),
    # March: three ended (stop, two withdrawals); only the one late before its wait counts late.
    ("2026-03", (2, 3)),
])
def test_index_counts_waits_cut_short_as_paused(waits, period, expected):
    table = index.compute(period, "agency", f"agency:{AGENCY}")
    row = next(r for r in table.rows if r["code"] == AGENCY)
    s = next(s for s in row["scores"] if s.code == "2.1")
    assert (s.numerator, s.denominator) == expected


def test_drill_down_agrees_with_the_figure(waits):
    good = index.dossiers_behind("2026-02", "agency", AGENCY, "2.1", "numerator")
    assert good.count() == 3


def test_a_rebuild_gives_the_same_verdicts(waits):
    before = sorted(DossierFact.objects.values_list("dossier_id", "on_time", "late_day"))
    facts.rebuild()
    assert sorted(DossierFact.objects.values_list("dossier_id", "on_time", "late_day")) == before


def test_outcome_rule_table():
    """The pure rule: the clock ends where the wait began (Decision 766 indicator 2.1 [practice])."""
    base = {"id": 1, "agency_id": 1, "procedure_id": 1, "channel": "online", "submitted_at": vn(2026, 10, 1, 8),
            "received_at": vn(2026, 10, 1, 9), "returned_at": None, "index_due_at": vn(2026, 10, 8, 17),
            "supplement_count": 1, "supplement_wait_seconds": 0, "rating": "", "rated_at": None, "version": 5,
            "second_supplement_at": None, "supplement_requests": 1, "electronic_result": False,
            "issues_document": False, "payment_requested": False, "paid_online": False}
    cases = [
        # (state, finished_at, paused_at, on_time, late_at)
        ("stopped", vn(2026, 10, 20, 9), vn(2026, 10, 5, 9), True, None),
        ("withdrawn", vn(2026, 10, 20, 9), vn(2026, 10, 9, 9), False, vn(2026, 10, 8, 17)),
        ("stopped", vn(2026, 10, 20, 9), None, False, vn(2026, 10, 8, 17)),
        ("supplement_requested", None, vn(2026, 10, 5, 9), None, None),
        ("payment_requested", None, vn(2026, 10, 9, 9), None, vn(2026, 10, 8, 17)),
    ]
    for state, finished, paused, on_time, late_at in cases:
        out = rules.dossier_outcome(rules.DossierRaw(**base, state=state, finished_at=finished, paused_at=paused))
        assert (out[rules.F["on_time"]], out[rules.F["late_at"]]) == (on_time, late_at), (state, paused)
