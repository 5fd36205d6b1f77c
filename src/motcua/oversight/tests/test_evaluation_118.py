"""The evaluation since 1/7/2025 (Decree 118/2025 Chapter V): agencies on the criteria of Art. 32(1) from the
service index, applicants on Art. 33(1)(a)–(i) online or on paper at the desk, results public (Art. 34(1)); the
Circular 01/2018 scoring only for periods before 1/7/2025; the national evaluator by date (Art. 30(4), Decree
309/2026 Art. 11); bands are configuration."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import AGENCY, Flow, officer, procedure, submitted, vn
from motcua.oversight import evaluation, facts, queries, roles, rules
from motcua.oversight.models import CitizenEvaluation

from .conftest import approve, handled

pytestmark = pytest.mark.django_db
D = Decimal
ANSWERS = {"time_vs_limit": "2", "agencies_contacted": "2", "contacts_to_complete": "1", "information_accuracy": "",
           "officer_conduct": "0", "lawfulness_and_costs": "2", "explanations": "", "online_service": "1",
           "extra_costs": "no", "other": "[x](https://evil.example/) <script>alert(1)</script>"}


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()


def returned() -> Flow:
    """A dossier received 2/3/2026 and returned 4/3/2026."""
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": f"specialist-{AGENCY}"})
    flow("approve", "leader", vn(2026, 3, 3, 10))
    flow("issue_result", "specialist", vn(2026, 3, 3, 14))
    flow("return_result", "desk_officer", vn(2026, 3, 4, 9))
    return flow


def _open(client, dossier):
    client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090012345"})


# Which evaluation applies (Decree 118/2025 from 1/7/2025; history before) -----------------------------------------


@pytest.mark.parametrize(("period", "kind"), [
    ("2025-06", "tt01-2018"),  # before 1/7/2025: Circular 01/2018 Art. 13–15 (history)
    ("2025-Q2", "tt01-2018"),
    ("2025-07", "nd118-ch5"),  # Decree 118/2025 Chapter V
    ("2025", "nd118-ch5"),  # straddles 1/7/2025: the law at the period's end
    ("2026-Q1", "nd118-ch5"),
])
def test_the_evaluation_follows_the_law_of_the_period(period, kind):
    assert evaluation.compute(period)["kind"] == kind


def test_a_period_before_1_7_2025_keeps_the_nine_indicator_scoring():
    procedure()
    handled(vn(2025, 6, 2, 10), approve(vn(2025, 6, 4, 10)))
    facts.refresh()
    table = evaluation.compute("2025-06")
    row = next(r for r in table["rows"] if r["code"] == AGENCY)
    assert len(row["scores"]) == 9 and row["band"] in ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")
    assert table["evaluator"]["code"] == "VPCP"


def test_agency_criteria_of_art_32_come_from_the_index_groups(tet_dossiers):
    from motcua.oversight import index

    table = evaluation.compute("2026-Q1", f"agency:{AGENCY}")
    row = next(r for r in table["rows"] if r["code"] == AGENCY)
    assert [c["letter"] for c in table["criteria"]] == ["a", "b", "c", "d", "đ"]
    scores = next(r for r in index.compute("2026-Q1", "agency", f"agency:{AGENCY}").rows if r["code"] == AGENCY)
    s21 = next(s for s in scores["scores"] if s.code == "2.1")
    # b) progress and results = group 2 = indicator 2.1's points out of its 20 (2.2 carries no points).
    assert row["criteria"][1] == float(rules.round2(s21.points / D(20) * 100))
    assert row["total"] == float(scores["total"])
    assert row["band"] == rules.band_118(scores["total"])


@pytest.mark.parametrize(("points", "band"), [(D(95), "Xuất sắc"), (D(90), "Xuất sắc"), (D("89.99"), "Tốt"),
                                              (D(65), "Khá"), (D(50), "Trung bình"), (D("49.99"), "Yếu")])
def test_default_bands_are_documented_configuration(points, band):
    assert rules.band_118(points) == band


def test_bands_come_from_settings(settings, tet_dossiers):
    settings.MOTCUA_EVALUATION_BANDS = [[0, "Một mức"], [101, "Không ai đạt"]]
    table = evaluation.compute("2026-Q1", f"agency:{AGENCY}")
    assert {r["band"] for r in table["rows"]} == {"Một mức"}
    assert table["bands"][0] == {"floor": 101.0, "name": "Không ai đạt"}


# Who evaluates nationally (Art. 30(4); Decree 309/2026 Art. 11) -------------------------------------------------


@pytest.mark.parametrize(("day", "code"), [
    (date(2025, 7, 1), "VPCP"),  # Decree 118/2025 Art. 30(4): the Government Office
    (date(2026, 8, 4), "VPCP"),
    (date(2026, 8, 5), "BTP"),  # as amended by Decree 309/2026 Art. 11: the Ministry of Justice
])
def test_the_national_evaluator_follows_the_date(day, code):
    assert roles.national_evaluator(day)["code"] == code


def test_the_national_evaluator_is_configuration(settings):
    settings.MOTCUA_NATIONAL_EVALUATOR = "BTP"
    got = roles.national_evaluator(date(2026, 1, 1))
    assert got["code"] == "BTP" and got["name"] == "Bộ Tư pháp" and got["configured"]


def _after_form(html: str) -> str:
    """What the page says after its form (the form's list of scopes names every ministry)."""
    return html.split('class="ov-form"')[1].split("</form>", 1)[1]


def test_the_evaluation_page_names_the_evaluator_of_its_period():
    queries.warm(["2026-09", "2026-07"], levels=("agency",))  # the page reads what the scheduled refresh stores
    page = Client().get("/giam-sat/danh-gia/", {"period": "2026-09"}).content.decode()
    assert "Nghị định 118/2025/NĐ-CP, Chương V" in page and "Bộ Tư pháp" in _after_form(page)
    html = _after_form(Client().get("/giam-sat/danh-gia/", {"period": "2026-07"}).content.decode())
    assert "Văn phòng Chính phủ" in html and "Bộ Tư pháp" not in html


# The applicants' evaluation (Art. 33(1)), online and at the desk; public results (Art. 34(1)) ----------------------


def test_the_applicant_evaluates_online_after_the_result(client):
    flow = returned()
    _open(client, flow.dossier)
    page = client.get(f"/ho-so/{flow.code}/").content.decode()
    assert "Thái độ ứng xử của cán bộ" in page and 'name="officer_conduct"' in page
    response = client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "yes", **ANSWERS})
    assert response["Location"].endswith("done=rated")
    got = CitizenEvaluation.objects.get()
    assert (got.channel, got.satisfied, got.time_vs_limit, got.contacts_to_complete, got.information_accuracy,
            got.officer_conduct, got.extra_costs) == ("online", True, 2, 1, None, 0, False)
    assert got.other == ANSWERS["other"] and got.day == rules.local_day(got.at)
    assert Dossier.objects.get().rating == "satisfied"
    assert flow.dossier.events.order_by("-seq").first().data["channel"] == "online"


def test_a_bad_answer_is_refused_and_nothing_is_stored(client):
    flow = returned()
    _open(client, flow.dossier)
    response = client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "yes", "officer_conduct": "7"})
    assert response["Location"].endswith("done=not_rated")
    assert not CitizenEvaluation.objects.exists() and Dossier.objects.get().rating == ""


def test_the_desk_records_a_paper_evaluation_once(client):
    flow = returned()
    client.force_login(flow.users["desk_officer"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert f"/giam-sat/danh-gia/phieu/{flow.code}/" in page
    response = client.post(f"/giam-sat/danh-gia/phieu/{flow.code}/", {"satisfied": "no", **ANSWERS})
    assert response.status_code == 302
    got = CitizenEvaluation.objects.get()
    assert got.channel == "desk" and got.recorded_by == flow.users["desk_officer"] and not got.satisfied
    assert Dossier.objects.get().rating == "not_satisfied"
    client.post(f"/giam-sat/danh-gia/phieu/{flow.code}/", {"satisfied": "yes"})  # already rated: refused
    assert CitizenEvaluation.objects.count() == 1 and Dossier.objects.get().rating == "not_satisfied"


def test_an_officer_of_another_province_cannot_record_an_evaluation(client):
    """Attacker: a desk officer of H79 posts a paper evaluation for a Hà Nội dossier."""
    flow = returned()
    outsider = officer("desk-H79", "desk_officer", "H79.TTPVHCC")
    client.force_login(outsider)
    assert client.post(f"/giam-sat/danh-gia/phieu/{flow.code}/", {"satisfied": "no"}).status_code == 403
    assert not CitizenEvaluation.objects.exists() and Dossier.objects.get().rating == ""


@pytest.mark.parametrize("who", ["anonymous", "specialist", "leader"])
def test_only_the_desk_records_paper_evaluations(client, who):
    """Attacker: someone who is not a desk officer of the agency (or not signed in at all)."""
    flow = returned()
    if who != "anonymous":
        client.force_login(flow.users[who])
    response = client.post(f"/giam-sat/danh-gia/phieu/{flow.code}/", {"satisfied": "yes"})
    assert response.status_code in (302, 403) and not CitizenEvaluation.objects.exists()
    if who == "anonymous":
        assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


def test_the_results_are_public_without_personal_data(client):
    flow = returned()
    _open(client, flow.dossier)
    client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "yes", **ANSWERS})
    facts.refresh()
    day = CitizenEvaluation.objects.get().day  # rated now: the period of today
    html = Client().get("/giam-sat/danh-gia/cong-khai/", {"period": f"{day:%Y-%m}"}).content.decode()
    assert "Kết quả đánh giá của tổ chức, cá nhân" in html and AGENCY in html
    assert "100,00" in html or "100.00" in html  # satisfied overall
    assert flow.dossier.applicant_name not in html and flow.code not in html
    assert "<script>alert(1)" not in html
    assert Client().get("/giam-sat/danh-gia/cong-khai/", {"period": "2026-13"}).status_code == 400


def test_the_citizen_results_per_criterion():
    flow = returned()
    from motcua.oversight import citizen

    citizen.record(flow.code, True, ANSWERS, actor=flow.users["desk_officer"], role="desk_officer",
                   at=vn(2026, 3, 5, 9))
    p = rules.parse_period("2026-03")
    [detailed] = evaluation.citizen_results(p, None).values()
    assert (detailed["count"], detailed["rated"], detailed["satisfied_percent"]) == (1, 0, None)  # facts not read yet
    facts.refresh()
    [result] = evaluation.citizen_results(p, None).values()
    # a) 2 → 100 %; c) 1 → 50 %; d) no answer → N/A; đ) 0 → 0 %.
    assert result["criteria"][0] == 100.0 and result["criteria"][2] == 50.0
    assert result["criteria"][3] is None and result["criteria"][4] == 0.0
    assert result["count"] == 1 and result["rated"] == 1 and result["satisfied_percent"] == 100.0
    assert result["extra_costs"] == 0


def test_every_overall_rating_counts_in_the_published_satisfaction():
    """A short rating (satisfied or not, no detailed form) counts in the public share too (Art. 34(1))."""
    from motcua.dossiers import services

    flow = returned()
    services.rate(flow.code, False, actor=flow.users["desk_officer"], role="desk_officer", at=vn(2026, 3, 6, 9))
    facts.refresh()
    [result] = evaluation.citizen_results(rules.parse_period("2026-03"), None).values()
    assert (result["rated"], result["satisfied_percent"], result["count"]) == (1, 0.0, 0)
