"""Issue 14 point 7, from the attacker's side: a province's supervisor starts every oversight page at their province
and asking for another province, a ministry or the nation in the address gives their own province back (said on the
page), never the other's figures — on the index, a unit's page, the evaluation and the review pages (overlaps,
proposals, bottlenecks, workload)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.demo import generate as gen
from motcua.oversight import access, facts, index, queries
from motcua.oversight.review.models import Analysis, OverlapCandidate, Proposal
from motcua.units.models import Agency, Membership

from .factories import small_catalog

pytestmark = pytest.mark.django_db

REFUSED = "Bạn chỉ xem được số liệu trong phạm vi của mình"


@pytest.fixture
def history():
    small_catalog()
    today = timezone.localdate()
    gen.generate(300, start=today - timedelta(days=60), end=today, seed=9)
    facts.rebuild()
    index.directory(fresh=True)
    queries.warm([queries.offered_periods()[0].key], levels=("agency",))  # what these pages read


@pytest.fixture
def hanoi_supervisor(client):
    user = get_user_model().objects.create_user("sup-h01-attacker", password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="H01"), role="supervisor")
    client.force_login(user)
    return client


def _foreign_agencies() -> list[str]:
    return list(Agency.objects.filter(code__regex=r"^H38(\.|$)").values_list("code", flat=True)[:50])


@pytest.mark.parametrize("asked", ["province:38", "ministry:BTP", "", "agency:H38.STP", "commune:15853"])
def test_asking_for_another_scope_on_the_index_gives_their_own(history, hanoi_supervisor, asked):
    month = queries.offered_periods()[0].key
    response = hanoi_supervisor.get("/giam-sat/chi-so/", {"period": month, "level": "agency", "scope": asked})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["scope"] == "province:01" and REFUSED in html
    shown = {r["code"] for r in response.context["table"]["rows"]}
    assert shown and all(c == "H01" or c.startswith("H01.") for c in shown)
    for code in _foreign_agencies():
        assert f">{code}<" not in html


def test_the_index_opens_at_their_province_and_lets_them_look_inside_it(history, hanoi_supervisor):
    response = hanoi_supervisor.get("/giam-sat/chi-so/")
    assert response.context["scope"] == "province:01" and response.context["level"] == "agency"
    assert REFUSED not in response.content.decode()
    # The province's choices only: no other province, ministry or the nation in the scope list.
    assert [value for value, _name in response.context["scopes"]] == ["province:01"]
    inside = hanoi_supervisor.get("/giam-sat/chi-so/", {"level": "agency", "scope": "agency:H01.STP"})
    assert inside.context["scope"] == "agency:H01.STP" and REFUSED not in inside.content.decode()


def test_a_foreign_units_page_is_refused_not_shown(history, hanoi_supervisor):
    month = queries.offered_periods()[0].key
    response = hanoi_supervisor.get("/giam-sat/chi-so/don-vi/", {"period": month, "level": "agency",
                                                                 "code": "H38.STP", "scope": "province:38"})
    assert response.status_code == 400
    assert "Tử số" not in response.content.decode()


@pytest.mark.parametrize("asked", ["province:38", ""])
def test_the_evaluation_never_lists_another_provinces_agencies(history, hanoi_supervisor, asked):
    month = queries.offered_periods()[0].key
    response = hanoi_supervisor.get("/giam-sat/danh-gia/", {"period": month, "scope": asked})
    assert response.status_code == 200 and response.context["scope"] == "province:01"
    codes = {r["code"] for r in response.context["table"]["rows"]}
    assert all(c == "H01" or c.startswith("H01.") for c in codes)


def test_the_nations_supervisor_still_chooses_any_scope(history, client):
    user = get_user_model().objects.create_user("sup-vpcp-any", password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    assert access.page_scope(user, "province:38") == ("province:38", False)
    assert access.page_scope(user, None) == ("", False)


def _analysis(kind: str, code: str, **fields) -> Analysis:
    return Analysis.objects.create(kind=kind, agency=Agency.objects.get(code=code), computed_at=timezone.now(),
                                   **fields)


def test_the_review_pages_show_only_their_provinces_agencies_and_procedures(history, hanoi_supervisor):
    workload = {"staff": 2, "open": 3, "arrivals_per_week": 1.0, "completions_per_week": 1.0, "needed_staff": 2,
                "status": "balanced", "officers": []}
    _analysis("workload", "H01.STP", data=workload)
    _analysis("workload", "H38.STP", data=workload)
    Analysis.objects.create(kind="reallocation", computed_at=timezone.now(), data={
        "moves": [{"officer": "a", "from_unit": "H01.STP", "to_unit": "H01.TTPVHCC", "weeks": 2},
                  {"officer": "b", "from_unit": "H38.STP", "to_unit": "H38.TTPVHCC", "weeks": 2}],
        "headcount_before": 4, "headcount_after": 4})
    procedure = Procedure.objects.order_by("code").first()
    summary = {"dossiers": 5, "overdue": 2, "supplement_rate": 0.1, "refusal_rate": 0.0, "top": None}
    for code in ("H01.STP", "H38.STP"):
        _analysis("bottleneck", code, procedure=procedure, summary=summary, overdue=2,
                  data={"steps": [], "edges": [], "dossiers": 5, "overdue": 2})
    Analysis.objects.create(kind="bottleneck", procedure=procedure, summary=summary, overdue=9,
                            computed_at=timezone.now(), data={"steps": [], "edges": []})

    page = hanoi_supervisor.get("/giam-sat/ra-soat/nhan-luc/").content.decode()
    assert "H01.STP" in page and "H38.STP" not in page and "H38.TTPVHCC" not in page
    page = hanoi_supervisor.get("/giam-sat/ra-soat/diem-nghen/").content.decode()
    assert "co_quan=H01.STP" in page and "H38.STP" not in page
    detail = hanoi_supervisor.get(f"/giam-sat/ra-soat/diem-nghen/{procedure.code}/?co_quan=H38.STP")
    assert detail.status_code == 200 and detail.context["agency"] == "H01.STP"
    assert detail.context["agencies"] == ["H01.STP"] and ">H38.STP<" not in detail.content.decode()

    # Overlaps and proposals: only procedures a province answers for (province or commune level), not a ministry's.
    ministry_only = set(Procedure.objects.filter(code__in=[f"9.{i:06d}" for i in range(2, 30, 3)])
                        .values_list("pk", flat=True))
    mine = access.catalog_procedures({"H01"})
    assert mine and not (mine & ministry_only)
    ids = sorted(Procedure.objects.values_list("pk", flat=True))
    a_mine, a_theirs = next(i for i in ids if i in mine), next(i for i in ids if i in ministry_only)
    b_theirs = next(i for i in ids if i in ministry_only and i > a_theirs)
    OverlapCandidate.objects.create(procedure_a_id=min(a_mine, a_theirs), procedure_b_id=max(a_mine, a_theirs),
                                    score=0.9, name_similarity=0.9, documents_similarity=0.9, steps_similarity=0.9,
                                    computed_at=timezone.now())
    OverlapCandidate.objects.create(procedure_a_id=a_theirs, procedure_b_id=b_theirs, score=0.8,
                                    name_similarity=0.8, documents_similarity=0.8, steps_similarity=0.8,
                                    computed_at=timezone.now())
    Proposal.objects.create(procedure_id=a_mine, action="simplify", reasons=["x"], computed_at=timezone.now())
    Proposal.objects.create(procedure_id=b_theirs, action="abolish", reasons=["y"], computed_at=timezone.now())
    overlaps = hanoi_supervisor.get("/giam-sat/ra-soat/trung-lap/").context["page"].object_list
    assert [(c.procedure_a_id, c.procedure_b_id) for c in overlaps] == [(min(a_mine, a_theirs),
                                                                          max(a_mine, a_theirs))]
    proposals = hanoi_supervisor.get("/giam-sat/ra-soat/de-xuat/").context["page"].object_list
    assert [p.procedure_id for p in proposals] == [a_mine]
