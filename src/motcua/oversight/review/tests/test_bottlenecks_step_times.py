"""Step times (median, p90) against budgets, overdue attribution, directly-follows graph, supplement and refusal
rates, computed in batch from the events (issue 6 point 6). Expectations computed by hand in office hours
(07:30–11:30, 13:00–17:00)."""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import procedure
from motcua.oversight.review import services
from motcua.oversight.review.models import Analysis

from .factories import handled

pytestmark = pytest.mark.django_db


def _result(code: str, agency: str | None = "H01.TTPVHCC") -> dict:
    row = Analysis.objects.get(kind="bottleneck", procedure__code=code,
                               **({"agency__code": agency} if agency else {"agency__isnull": True}))
    return row.data


def test_step_times_subtract_the_wait_for_the_applicant():
    procedure("1.000001", amount=5)
    handled("1.000001")                    # Mon 2/3/2026
    handled("1.000001", supplement=True, refuse=True)
    assert services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1) == 2
    data = _result("1.000001")
    steps = {s["step"]: s for s in data["steps"]}
    # receive: 08:00 → 09:00 = 1 h, both dossiers.
    assert (steps["receive"]["n"], steps["receive"]["median_hours"]) == (2, 1.0)
    # appraise: Mon 09:00 → Wed 10:00 = 6.5 + 8 + 2.5 = 17 h; the second waited Mon 14:00 → Tue 14:00 = 3 + 5 = 8 h
    # of office time for the supplement: 9 h. Median 13 h; p90 = 9 + 0.9 × 8 = 16.2 h.
    assert (steps["appraise"]["median_hours"], steps["appraise"]["p90_hours"]) == (13.0, 16.2)
    # approve: Wed 10:00 → 14:00 = 1.5 + 1 = 2.5 h (the refused dossier never reached it).
    assert (steps["approve"]["n"], steps["approve"]["median_hours"]) == (1, 2.5)
    # return: Wed 14:00 → Thu 09:00 = 3 + 1.5 = 4.5 h.
    assert steps["return"]["median_hours"] == 4.5
    assert steps["appraise"]["budget_hours"] > 0 and steps["appraise"]["unit"] == "H01.TTPVHCC"
    assert (data["dossiers"], data["supplement_rate"], data["refusal_rate"], data["overdue"]) == (2, 0.5, 0.5, 0)
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    assert edges[("submit", "receive")]["count"] == 2 and edges[("submit", "receive")]["median_hours"] == 1.0
    assert edges[("assign", "complete_step:appraise")]["count"] == 1
    assert edges[("assign", "request_supplement")]["count"] == 1
    assert edges[("return_result", "■")]["count"] == 1 and edges[("refuse", "■")]["count"] == 1
    assert data["nodes"]["submit"] == 2
    # The same figures per procedure (all agencies) and per agency (all procedures).
    pooled = _result("1.000001", None)["steps"]
    assert [(s["step"], s["unit"], s["median_hours"]) for s in pooled] == [
        (s["step"], "*", s["median_hours"]) for s in data["steps"]]
    assert Analysis.objects.get(kind="bottleneck", procedure__isnull=True, agency__code="H01.TTPVHCC"
                                ).data["dossiers"] == 2


def test_overdue_dossier_is_attributed_to_the_step_that_overran_most():
    procedure("1.000002", amount=2)
    handled("1.000002", late=True)  # appraisal on time-ish, approval a week later: the leader's step overran
    handled("1.000002", day=16)
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1)
    data = _result("1.000002")
    assert (data["overdue"], data["overdue_share"]) == (1, 0.5)
    assert data["attribution"] == [{"step": "approve", "unit": "H01.TTPVHCC", "count": 1, "share": 1.0}]
    steps = {s["step"]: s for s in data["steps"]}
    assert steps["approve"]["overdue_attributed"] == 1 and steps["approve"]["over_budget_share"] == 0.5


def test_recomputing_replaces_the_stored_rows():
    procedure("1.000001", amount=5)
    handled("1.000001")
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1)
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1)
    assert Analysis.objects.filter(kind="bottleneck").count() == 3  # procedure × agency, procedure, agency
    services.compute_bottlenecks(as_of=date(2027, 3, 31), days=60, min_dossiers=1)  # nothing in that window
    assert not Analysis.objects.filter(kind="bottleneck").exists()


def test_small_procedure_agency_pairs_count_only_in_the_totals():
    procedure("1.000001", amount=5)
    handled("1.000001")
    handled("1.000001", day=9)
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60)  # default: pairs need 3 dossiers
    assert not Analysis.objects.filter(kind="bottleneck", procedure__isnull=False, agency__isnull=False).exists()
    assert _result("1.000001", None)["dossiers"] == 2
