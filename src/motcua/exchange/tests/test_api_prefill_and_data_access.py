"""The citizen's API (issue 4 points 2, 6, 11): prefill with sources; who looked at my data, only mine, newest first,
paginated; the web page; bad input and faults as clear problems, never 500."""

import pytest
from django.test import Client

from motcua.dossiers import services as dossiers
from motcua.dossiers.tests.factories import CITIZEN, vn
from motcua.exchange import registries, services
from motcua.exchange.errors import AccessRefused, RegistryUnavailable
from motcua.exchange.registries.simulated import SimulatedRegistry

from .factories import AGENCY, AN, BINH, PROCEDURE, citizen, officer, officer_case, procedure

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Down:
    def __init__(self, spec):
        self.spec = spec

    def lookup(self, identifier, attributes, context=None):
        raise RegistryUnavailable(f"{self.spec.label} không phản hồi trong 2 giây.", code="registry_timeout")


def test_prefill_returns_values_and_their_sources():
    procedure(PROCEDURE)
    response = _client(citizen(AN)).get("/api/v1/prefill", {"procedure": PROCEDURE})
    assert response.status_code == 200, response.content
    fields = response.json()["fields"]
    assert fields["applicant_name"] == {"value": "Nguyễn Văn An", "source": "Cơ sở dữ liệu quốc gia về dân cư",
                                        "registry": "population", "attribute": "full_name",
                                        "fetched_at": fields["applicant_name"]["fetched_at"]}
    assert fields["applicant_personal_id"]["value"] == AN
    assert fields["applicant_birth_date"]["value"] == "1990-03-12"
    assert fields["applicant_address"]["source"] == "Cơ sở dữ liệu về cư trú"
    assert fields["applicant_health_insurance_number"]["value"].startswith("GD4")
    # Each registry read once, purpose-bound, logged as the citizen's own lookup.
    rows = _client(citizen(AN)).get("/api/v1/me/data-access").json()["results"]
    read = [r["registry"]["name"] for r in rows]
    assert {"population", "residence", "social_insurance"} <= set(read) and len(read) == len(set(read))
    assert {r["role"] for r in rows} == {"citizen"} and {r["procedure"] for r in rows} == {PROCEDURE}


def test_prefill_with_a_registry_down_still_answers_with_a_message():
    procedure(PROCEDURE)
    with registries.use({"residence": Down(registries.SPECS["residence"])}):
        response = _client(citizen(AN)).get("/api/v1/prefill", {"procedure": PROCEDURE})
    assert response.status_code == 200
    fields = response.json()["fields"]
    assert fields["applicant_name"]["value"] == "Nguyễn Văn An"
    assert fields["applicant_address"]["value"] is None
    assert "không phản hồi" in fields["applicant_address"]["error"]
    assert "nộp bản giấy tờ" in fields["applicant_address"]["error"]


def test_prefill_bad_requests():
    procedure(PROCEDURE)
    client = _client(citizen(AN))
    assert client.get("/api/v1/prefill").status_code == 400
    missing = client.get("/api/v1/prefill", {"procedure": "9.999999"})
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_procedure"
    assert missing["Content-Type"] == "application/problem+json"
    officer_account = _client(officer("desk-1", "desk_officer"))
    refused = officer_account.get("/api/v1/prefill", {"procedure": PROCEDURE})
    assert refused.status_code == 403 and refused.json()["code"] == "no_personal_id"
    assert Client().get("/api/v1/prefill", {"procedure": PROCEDURE}).status_code in (401, 403)


def test_data_access_lists_only_my_entries_newest_first_and_paginates():
    user, dossier = officer_case()
    for i in range(5):
        services.fetch("population", AN, attributes=["full_name"], agency=AGENCY, actor=user, role="specialist",
                       dossier_code=dossier.code, purpose=f"Thẩm định lần {i}")
    with pytest.raises(AccessRefused):  # not a person of this dossier: refused, and the refusal is shown to Bình
        services.fetch("population", BINH, agency=AGENCY, actor=user, role="specialist", dossier_code=dossier.code,
                       purpose="Xác minh người liên quan")
    page1 = _client(citizen(AN)).get("/api/v1/me/data-access", {"page_size": 2}).json()
    assert page1["count"] == 5 and len(page1["results"]) == 2 and page1["previous"] is None
    first = page1["results"][0]
    assert first["purpose"] == "Thẩm định lần 4"
    assert first["agency"]["code"] == AGENCY and first["agency"]["name"] != AGENCY
    assert first["dossier"] == dossier.code and first["role"] == "specialist"
    assert first["fields"] == [{"name": "full_name", "label": "Họ, chữ đệm và tên"}]
    page3 = _client(citizen(AN)).get(page1["next"].replace("page=2", "page=3")).json()
    assert [r["purpose"] for r in page3["results"]] == ["Thẩm định lần 0"] and page3["next"] is None
    binh = _client(citizen(BINH)).get("/api/v1/me/data-access").json()
    assert [r["purpose"] for r in binh["results"]] == ["Xác minh người liên quan"]
    assert _client(citizen(AN)).get("/api/v1/me/data-access", {"page": "0"}).status_code == 400


def test_the_citizen_page_shows_who_looked():
    user, dossier = officer_case(registry="residence")
    services.fetch("residence", AN, agency=AGENCY, actor=user, role="specialist", dossier_code=dossier.code,
                   purpose="Xác minh nơi cư trú")
    html = _client(citizen(AN)).get("/du-lieu-cua-toi/").content.decode()
    assert "Xác minh nơi cư trú" in html and dossier.code in html and "Cơ sở dữ liệu về cư trú" in html
    assert "Chuyên viên xử lý" in html
    assert _client(citizen(BINH)).get("/du-lieu-cua-toi/").content.decode().count("Xác minh nơi cư trú") == 0
    assert Client().get("/du-lieu-cua-toi/").status_code == 302


@pytest.mark.parametrize(("identifier", "rule"), [
    ("00109001234", "personal_id_format"),      # 11 digits
    ("0010900123456", "personal_id_format"),    # 13 digits
    ("00109001234A", "personal_id_format"),
    ("097090012345", "personal_id_province"),   # no province 097
    ("001690012345", "personal_id_century"),    # digit 4 = 6
    ("001499012345", "personal_id_birth_year"),  # 2199
])
def test_malformed_ids_are_a_clear_400(identifier, rule):
    user, dossier = officer_case()
    response = _client(user).post("/api/v1/registries/population/lookup", {
        "identifier": identifier, "role": "specialist", "agency": AGENCY, "dossier": dossier.code,
        "purpose": "Thẩm định"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == rule, response.content
    assert response.json()["detail"]


def test_lookup_api_outcomes():
    user, dossier = officer_case()
    client = _client(user)
    body = {"role": "specialist", "agency": AGENCY, "dossier": dossier.code, "purpose": "Thẩm định"}
    ok = client.post("/api/v1/registries/population/lookup", {**body, "identifier": AN, "attributes": ["sex"]},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["values"] == {"sex": "male"}
    assert ok.json()["provenance"]["source"] == "Cơ sở dữ liệu quốc gia về dân cư"
    unknown_person = dossiers.submit(PROCEDURE, AGENCY, "online", {**CITIZEN, "personal_id": "001090000000"}, {},
                                     at=vn(2026, 3, 2, 9))
    missing = client.post("/api/v1/registries/population/lookup",
                          {**body, "dossier": unknown_person.code, "identifier": "001090000000"},
                          content_type="application/json")
    assert missing.status_code == 404
    refused = client.post("/api/v1/registries/residence/lookup", {**body, "identifier": AN},
                          content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "no_grant"
    with registries.use({"population": SimulatedRegistry(registries.SPECS["population"], fail_rate=1.0)}):
        down = client.post("/api/v1/registries/population/lookup", {**body, "identifier": AN},
                           content_type="application/json")
    assert down.status_code == 503 and down["Retry-After"] == "30" and "không phản hồi" in down.json()["detail"]
    unknown = client.post("/api/v1/registries/nope/lookup", {**body, "identifier": AN},
                          content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_registry"
    assert client.get("/api/v1/registries").json()["registries"][0]["name"] == "population"


def test_the_page_reads_in_english_too():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen(AN))
    html = client.get("/du-lieu-cua-toi/").content.decode()
    assert "Who looked at my data" in html and "Nobody has accessed your data yet." in html
