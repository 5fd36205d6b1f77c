"""Issue 5 points 1–3 through the API: submit (problem+json naming fields, 429 when over the limit), public reads
without personal data, officers' actions with roles and versions, the submitter's rating, the figures."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from motcua.feedback.models import Feedback, PersonalDataAccess

from .factories import SUBMITTER, Flow, citizen, officer, procedure, published, report, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def _body(**overrides):
    body = {"kind": "proposal", "topic": "procedure", "procedure_code": "1.000001", "agency_code": "H01.TTPVHCC",
            "title": "Bỏ yêu cầu bản sao chứng thực", "content": "Thủ tục yêu cầu bản sao chứng thực giấy khai sinh.",
            "proposal": "Cho phép dùng dữ liệu dân cư thay bản sao.", **SUBMITTER}
    body.update(overrides)
    return body


def test_submit_returns_the_tracking_code(api):
    procedure()
    response = api.post("/api/v1/feedback/", _body(), format="json")
    assert response.status_code == 201, response.content
    item = Feedback.objects.get()
    assert response.json()["code"] == item.code and item.channel == "api"
    assert response["Location"] == f"/api/v1/feedback/{item.code}"


def test_bad_input_is_a_problem_naming_the_fields(api):
    response = api.post("/api/v1/feedback/", _body(kind="complaint", name="", procedure_code="x"), format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert {"kind", "name", "procedure_code"} <= set(response.json()["errors"])
    assert api.post("/api/v1/feedback/", "[1, 2]", content_type="application/json").status_code == 400
    assert not Feedback.objects.exists()


def test_over_the_limit_is_429(api, settings):
    settings.MOTCUA_PAKN_SUBMIT_LIMIT = 1
    procedure()
    assert api.post("/api/v1/feedback/", _body(), format="json").status_code == 201
    response = api.post("/api/v1/feedback/", _body(title="Lần hai"), format="json")
    assert response.status_code == 429 and response["Retry-After"] == "3600"


def test_public_reads_have_no_personal_data(api):
    item = published()
    listing = api.get("/api/v1/feedback/", {"q": "rut ngan"}).json()
    assert [r["code"] for r in listing["results"]] == [item.code]
    one = api.get(f"/api/v1/feedback/{item.code}").json()
    text = str(listing) + str(one)
    for secret in ("Nguyễn Văn An", "0912345678", "an@example.vn", "Hoàn Kiếm"):
        assert secret not in text
    assert "submitter_name" not in one
    assert api.get(f"/api/v1/feedback/{report().code}").status_code == 404  # not published


def test_officers_act_and_their_reads_are_traced(api):
    item = report()
    desk = officer("desk_officer-H01.TTPVHCC", "desk_officer")
    api.force_authenticate(desk)
    full = api.get(f"/api/v1/feedback/{item.code}")
    assert full.json()["submitter_name"] == "Nguyễn Văn An"
    assert PersonalDataAccess.objects.filter(feedback=item, user=desk).count() == 1
    response = api.post(f"/api/v1/feedback/{item.code}/actions/classify", {"classification": "in_competence"},
                        format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["state"] == "handling"
    stale = api.post(f"/api/v1/feedback/{item.code}/actions/draft_answer", {"answer": "x"}, format="json",
                     HTTP_IF_MATCH='"1"')
    assert stale.status_code in (409, 412)
    conflict = api.post(f"/api/v1/feedback/{item.code}/actions/publish", {}, format="json")
    assert conflict.status_code == 409 and "allowed_actions" in conflict.json()
    api.force_authenticate(officer("someone-btp", "leader", "BTP"))
    assert api.post(f"/api/v1/feedback/{item.code}/actions/approve", {}, format="json").status_code == 404


def test_the_submitter_rates_through_the_api(api):
    user = citizen()
    item = published(actor=user)
    api.force_authenticate(user)
    assert api.post(f"/api/v1/feedback/{item.code}/rating", {"rating": "meh"}, format="json").status_code == 400
    assert api.post(f"/api/v1/feedback/{item.code}/rating", {"rating": "like"}, format="json").status_code == 200
    assert api.post(f"/api/v1/feedback/{item.code}/rating", {"rating": "like"}, format="json").status_code == 400
    api.force_authenticate(citizen("079201006789"))
    assert api.post(f"/api/v1/feedback/{item.code}/rating", {"rating": "like"}, format="json").status_code == 403


def test_figures_for_the_service_index(api):
    on_time = published(actor=citizen())  # received 2/3, approved 6/3: on time
    late = report(vn(2026, 3, 2, 9), title="Chậm")
    flow = Flow(late)
    flow("classify", "desk_officer", vn(2026, 3, 3, 9), classification="in_competence")
    flow("draft_answer", "specialist", vn(2026, 3, 20, 9), answer="Muộn")
    flow("approve", "leader", vn(2026, 3, 25, 9))  # due 23/3: late
    open_overdue = report(vn(2026, 3, 3, 9), title="Chưa trả lời")
    refused = report(vn(2026, 3, 3, 9), title="Không nhận")
    Flow(refused)("refuse", "desk_officer", vn(2026, 3, 4, 9), ground="spam", reason="Quảng cáo")
    from motcua.feedback import services
    services.rate(on_time.code, "dislike", actor=on_time.submitter_user, at=vn(2026, 3, 7, 9))
    assert open_overdue.answer_due_at < vn(2026, 4, 1)
    supervisor = officer("supervisor-h01", "supervisor", "H01")
    api.force_authenticate(supervisor)
    figures = api.get("/api/v1/feedback/figures", {"start": "2026-03-01", "end": "2026-04-01"}).json()
    assert figures == {"all": 3, "handled": 2, "handled_on_time": 1, "overdue": 2, "disliked": 1, "liked": 0,
                       "recomplained": 0, "refused": 1}
    assert api.get("/api/v1/feedback/figures", {"start": "2026-03-01", "end": "2026-04-01",
                                                "agency": "BTP"}).status_code == 403
