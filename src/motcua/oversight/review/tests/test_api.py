"""The review API: reviewers only (401/403 problem+json), stored results, verdicts and plans, clear 4xx errors."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from motcua.dossiers.tests.factories import procedure
from motcua.oversight.review import services
from motcua.oversight.review.models import OverlapDecision, SimplificationPlan
from motcua.units.models import Agency, Membership

from .factories import handled, record

pytestmark = pytest.mark.django_db
BASE = "/api/v1/oversight/review/"


@pytest.fixture
def api():
    user = get_user_model().objects.create(username="reviewer")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_and_non_reviewers_get_problems():
    r = APIClient().get(BASE + "overlaps")
    assert r.status_code in (401, 403) and r["Content-Type"] == "application/problem+json"
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create(username="citizen"))
    r = client.get(BASE + "dormant")
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"


def test_reads_stored_results(api):
    procedure("1.000001", amount=5)
    procedure("1.000002", amount=5)
    handled("1.000001")
    services.compute_dormant(as_of=date(2026, 3, 31))
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1)
    services.compute_proposals(as_of=date(2026, 3, 31))
    services.compute_workload(as_of=date(2026, 3, 31))
    r = api.get(BASE + "dormant")
    assert r.status_code == 200 and [x["procedure"] for x in r.json()["results"]] == ["1.000002"]
    r = api.get(BASE + "bottlenecks", {"procedure": "1.000001", "agency": "H01.TTPVHCC"})
    assert r.status_code == 200 and r.json()["dossiers"] == 1
    assert api.get(BASE + "bottlenecks").json()["results"][0]["procedure"] == "1.000001"
    assert api.get(BASE + "bottlenecks", {"procedure": "9.9"}).status_code == 404
    assert {p["procedure"]: p["action"] for p in api.get(BASE + "proposals").json()["results"]}["1.000002"] == \
        "abolish"
    assert api.get(BASE + "proposals", {"action": "burn"}).status_code == 400
    assert api.get(BASE + "dormant", {"page": "x"}).status_code == 400
    w = api.get(BASE + "workload").json()
    assert w["reallocation"]["headcount_before"] == w["reallocation"]["headcount_after"]


def test_verdict_and_plan(api):
    record("1.000001", "Đăng ký khai sinh", ["Tờ khai"])
    record("2.000001", "Đăng ký khai sinh", ["Tờ khai"])
    r = api.post(BASE + "overlaps", {"a": "1.000001", "b": "2.000001", "verdict": "related"}, format="json")
    assert r.status_code == 201 and OverlapDecision.objects.get().verdict == "related"
    r = api.post(BASE + "overlaps", {"a": "1.000001", "b": "2.000001", "verdict": "?"}, format="json")
    assert r.status_code == 400 and "verdict" in r.json()["errors"]
    r = api.post(BASE + "plans", {"agency": "H01.TTPVHCC", "procedure": "1.000001", "title": "P", "year": 2025,
                                  "before_hours": 0, "after_hours": 0, "before_fees_vnd": 1_024_000,
                                  "after_fees_vnd": 231_000, "subjects_per_year": 1}, format="json")
    assert r.status_code == 201 and r.json()["savings_rate"] == "77.44"
    r = api.post(BASE + "plans", {"agency": "ZZ", "procedure": "1.000001", "title": "P", "year": 2025,
                                  "before_hours": 1, "after_hours": -1}, format="json")
    assert r.status_code == 400 and SimplificationPlan.objects.count() == 1
    cost = api.get(BASE + "cost").json()
    assert cost["targets"][0]["years"]["2025"]["cost_rate"] == "77.44"


def test_cost_profile_entry(api):
    procedure("1.000001")
    r = api.post(BASE + "cost-profiles", {"procedure": "1.000001", "hours": "2.5", "other_costs_vnd": 20000},
                 format="json")
    assert r.status_code == 200 and r.json()["hours"] == "2.50"
    assert api.post(BASE + "cost-profiles", {"procedure": "1.000001", "hours": "-1"}, format="json").status_code == 400
    assert api.post(BASE + "cost-profiles", {"procedure": "nope", "hours": "1"}, format="json").status_code == 400
