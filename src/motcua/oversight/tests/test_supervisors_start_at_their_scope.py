"""Issue 14 point 7: a province's supervisor sees their own province first. Written from that supervisor's side:
another province's or a ministry's units never appear in their "Cần xử lý ngay", and the evaluation and the review
of dormant procedures open at their province (see also test_a_province_supervisor_never_sees_another_scope)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from motcua.demo import generate as gen
from motcua.oversight import access, facts, index, queries
from motcua.oversight.models import DossierFact
from motcua.units.models import Agency, Membership

from .factories import START, small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    small_catalog()
    gen.generate(400, start=START, end=date(2026, 3, 10), seed=5)
    facts.rebuild()
    index.directory(fresh=True)


def _member(username: str, code: str, role: str = "supervisor"):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
    return user


def test_a_province_supervisors_watch_list_names_no_other_provinces_or_ministries_units(history, client):
    foreign = set(DossierFact.objects.filter(ended_day__isnull=True).exclude(
        Q(agency__code="H01") | Q(agency__code__startswith="H01.")).values_list("agency__code", flat=True))
    assert foreign, "the history must leave open dossiers outside Hanoi for this test to mean anything"
    client.force_login(_member("demo-h01-supervisor-x", "H01"))
    page = client.get("/giam-sat/").content.decode()
    assert "Cần xử lý ngay" in page
    for code in foreign:
        assert f">{code}<" not in page and f"code={code}&" not in page, code
    everyone = client.get("/giam-sat/").context["watch"]
    units = [u["agency__code"] for u in everyone["overdue_units"] + everyone["soon_units"]]
    assert all(c == "H01" or c.startswith("H01.") for c in units)


@pytest.mark.parametrize(("code", "expected"), [("H01", "province:01"), ("BTP", None)])
def test_the_evaluation_opens_at_the_viewers_scope(history, client, code, expected):
    user = _member(f"sup-{code}", code)
    assert access.viewer_scope(user) == expected
    client.force_login(user)
    queries.warm(["2026-03"], levels=("agency",))
    response = client.get("/giam-sat/danh-gia/?period=2026-03")
    assert response.status_code == 200 and response.context["scope"] == (expected or "")
    # The nation is the Government Office's choice; a province's supervisor asking for it stays in their province.
    assert client.get("/giam-sat/danh-gia/?period=2026-03&scope=").context["scope"] == (expected or "")


def test_the_review_of_dormant_procedures_opens_at_the_province_supervisors_agencies(history, client):
    client.force_login(_member("sup-h01-review", "H01"))
    response = client.get("/giam-sat/ra-soat/khong-phat-sinh/")
    assert response.status_code == 200 and response.context["scope"] == "agency"
    shown = {r.agency.code for r in response.context["page"].object_list}
    assert all(c == "H01" or c.startswith("H01.") for c in shown)
    assert client.get("/giam-sat/ra-soat/khong-phat-sinh/?pham_vi=").context["scope"] == "national"
