"""Issue 16 point 3 (Decree 224/2026 Art. 16(3)): where several desks may receive the procedure for the person (the
places of Decree 118/2025 Art. 14 for the province and commune of their registered address), they are compared —
each office's observed median, the person's own commune or the province's centre, online or at the desk — one is
recommended with the reasons, and the person chooses; a desk the page did not offer is refused."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import procedure, submitted
from motcua.proactive import rules, services
from motcua.proactive.models import CaseState, ProactiveCase
from motcua.units.models import Agency

from .factories import FATHER, RUN_ON, birth, citizen, triggers

pytestmark = pytest.mark.django_db

CENTRE = "H01.TTPVHCC"


@pytest.fixture
def case():
    """The birth group prepared for the father, who lives in phường Hoàn Kiếm, Hà Nội (the population registry)."""
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    found = ProactiveCase.objects.select_related("trigger").get(personal_id=FATHER)
    assert "phường Hoàn Kiếm" in found.applicant["address"] and found.level == 3
    return found


@pytest.fixture
def hoan_kiem() -> str:
    return Agency.objects.get(name="Ủy ban nhân dân phường Hoàn Kiếm").code


def _history(agency: str, days: float, count: int = rules.MIN_HISTORY) -> None:
    """``count`` finished dossiers of the group's procedure at ``agency``, each taking ``days``."""
    for _ in range(count):
        dossier = submitted("2.000986", agency=agency)
        Dossier.objects.filter(pk=dossier.pk).update(finished_at=dossier.submitted_at + timedelta(days=days))


def test_without_history_the_persons_own_commune_is_recommended(case, hoan_kiem):
    compared = services.desks_for(case)
    codes = [d.code for d in compared.desks]
    assert hoan_kiem in codes and CENTRE in codes
    assert compared.recommended == hoan_kiem
    assert next(d for d in compared.desks if d.code == hoan_kiem).same_commune
    text = " ".join(compared.why)
    assert "chưa đủ số liệu thực tế" in text and "nơi bạn thường trú" in text
    assert len(compared.allowed) > 100  # every desk of Hà Nội may be chosen, not only the compared ones


def test_a_faster_office_wins_over_nearness_and_the_page_says_by_how_much(case, hoan_kiem):
    _history(CENTRE, 1)
    _history(hoan_kiem, 3)
    compared = services.desks_for(case)
    assert compared.recommended == CENTRE
    text = " ".join(compared.why)
    assert "dự kiến 1 ngày (trung vị thực tế của 5 hồ sơ đã giải quyết)" in text
    assert "So với Ủy ban nhân dân phường Hoàn Kiếm: chậm hơn 2 ngày." in text


def test_the_page_compares_the_desks_and_preselects_the_recommended_one(case, hoan_kiem, client):
    client.force_login(citizen(FATHER))
    page = client.get("/ho-so/viec-can-lam/").content.decode()
    assert 'table class="desks"' in page and f'data-desk="{hoan_kiem}"' in page
    assert f'<option value="{hoan_kiem}" selected>' in page
    assert "Vì sao khuyến nghị nơi này" in page


def test_the_person_chooses_another_desk_that_may_receive(case, client):
    client.force_login(citizen(FATHER))
    response = client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/", {"desk": CENTRE})
    case.refresh_from_db()
    assert response.status_code == 302 and case.state == CaseState.SUBMITTED
    assert Dossier.objects.get(code=case.dossier_code).agency.code == CENTRE


@pytest.mark.parametrize("desk", ["H79.TTPVHCC", "BCA", "KHONG-CO"])
def test_a_desk_the_page_did_not_offer_is_refused_and_nothing_is_submitted(case, client, desk):
    client.force_login(citizen(FATHER))
    before = Dossier.objects.count()
    response = client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/", {"desk": desk})
    assert response.status_code == 400
    assert "Nơi tiếp nhận đã chọn không tiếp nhận hồ sơ này" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.PREPARED and Dossier.objects.count() == before


def _desk(code, days=None, finished=0, same=False, centre=False):
    return rules.Desk(code, f"Nơi {code}", same_commune=same, centre=centre, limit_days=3, median_days=days,
                      finished=finished)


@pytest.mark.parametrize("desks, best", [
    ([_desk("a", centre=True), _desk("b", same=True)], "b"),  # no history: nearness
    ([_desk("a", 1.0, 5, centre=True), _desk("b", 2.0, 5, same=True)], "a"),  # observed time first
    ([_desk("a", 1.0, 4, centre=True), _desk("b", same=True)], "b"),  # too little history: the legal limit
    ([_desk("a", 4.0, 9, same=True), _desk("b", centre=True)], "b"),  # slower than the law: the law's 3 days win
    ([], ""),
])
def test_the_desk_rule(desks, best):
    assert rules.recommend_desk(desks)[0] == best
