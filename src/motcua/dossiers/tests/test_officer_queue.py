"""The officer queue (issue 3 point 6): per unit and role, soonest due first, overdue / due today / at risk marked
with text, filters, search by code, name or ID without diacritics, pagination; login and agency scope."""

import re

import pytest
from django.urls import reverse

from motcua.dossiers.web import officer_views

from .factories import CITIZEN, Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUE = "/can-bo/"


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": vn(2026, 3, 9, 16)}
    monkeypatch.setattr(officer_views, "now", lambda: moment["now"])
    return moment


def _received(at, **kwargs):
    flow = Flow(submitted(at=at, **kwargs))
    flow("receive", "desk_officer", at)
    return flow.dossier


def _codes(html: str) -> list[str]:
    return re.findall(r'href="/can-bo/ho-so/([^/]+)/"', html)


def test_unauthenticated_officer_is_sent_to_the_login_page(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/can-bo/")


def test_a_user_without_an_officer_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("citizen"))
    assert client.get(QUEUE).status_code == 403


def test_queue_is_sorted_by_due_time_and_marks_overdue_due_today_and_at_risk(client, clock):
    procedure(amount=5)
    overdue = _received(vn(2026, 2, 23, 10))  # due Monday 2/3 17:00
    today = _received(vn(2026, 3, 2, 10))  # due Monday 9/3 17:00: at 16:00 due today, and at risk
    later = _received(vn(2026, 3, 5, 10))  # due Thursday 12/3 17:00
    waiting = submitted(at=vn(2026, 3, 6, 9))  # not received yet: no due time, last
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    response = client.get(QUEUE, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert _codes(html) == [overdue.code, today.code, later.code, waiting.code]
    rows = {row.dossier.code: row for row in response.context["rows"]}
    assert (rows[overdue.code].overdue, rows[overdue.code].due_today) == (True, False)
    assert (rows[today.code].due_today, rows[today.code].at_risk, rows[today.code].overdue) == (True, True, False)
    assert not (rows[later.code].overdue or rows[later.code].due_today or rows[later.code].at_risk)
    # Badges carry words, not only colour.
    assert html.count(">Overdue</span>") == 1 and html.count(">Due today</span>") == 1
    assert html.count(">At risk</span>") == 1


def test_the_queue_shows_only_states_the_role_can_act_on(client, clock):
    procedure(amount=5)
    received = _received(vn(2026, 3, 2, 10))
    waiting = submitted(at=vn(2026, 3, 6, 9))
    client.force_login(officer("leader-H01.TTPVHCC", "leader"))
    codes = _codes(client.get(QUEUE).content.decode())
    assert received.code in codes and waiting.code not in codes  # only the desk receives


@pytest.mark.parametrize("query", ["nguyen van an", "NGUYỄN VĂN", "van an", "001090012345"])
def test_search_by_name_without_diacritics_or_by_personal_id(client, clock, query):
    procedure(amount=5)
    an = submitted(at=vn(2026, 3, 2, 9))
    binh = _submit_other(vn(2026, 3, 2, 9, 30))
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    codes = _codes(client.get(QUEUE, {"q": query}).content.decode())
    assert codes == [an.code] and binh.code not in codes


def test_search_by_code_in_any_case_and_by_the_other_applicants_id(client, clock):
    procedure(amount=5)
    an = submitted(at=vn(2026, 3, 2, 9))
    binh = _submit_other(vn(2026, 3, 2, 9, 30))
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    assert _codes(client.get(QUEUE, {"q": binh.code.lower()}).content.decode()) == [binh.code]
    assert _codes(client.get(QUEUE, {"q": "079190012345"}).content.decode()) == [binh.code]
    assert _codes(client.get(QUEUE, {"q": "tran thi binh"}).content.decode()) == [binh.code]
    assert _codes(client.get(QUEUE, {"q": an.code[:-1]}).content.decode()) == [an.code, binh.code]


def test_filters_by_state_channel_and_due_range(client, clock):
    procedure(amount=5)
    received = _received(vn(2026, 3, 2, 10))
    later = _received(vn(2026, 3, 5, 10), channel="in_person")
    waiting = submitted(at=vn(2026, 3, 6, 9))
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    assert _codes(client.get(QUEUE, {"state": "submitted"}).content.decode()) == [waiting.code]
    assert _codes(client.get(QUEUE, {"channel": "in_person"}).content.decode()) == [later.code]
    due = {"due_from": "2026-03-09", "due_to": "2026-03-09"}
    assert _codes(client.get(QUEUE, due).content.decode()) == [received.code]


def test_queue_pages(client, clock, monkeypatch):
    procedure(amount=5)
    monkeypatch.setattr(officer_views, "PAGE_SIZE", 2)
    made = [submitted(at=vn(2026, 3, 2, 9, minute)) for minute in range(5)]
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    pages = [_codes(client.get(QUEUE, {"page": n}).content.decode()) for n in (1, 2, 3)]
    assert [code for page in pages for code in page] == [d.code for d in made]
    assert 'rel="next"' in client.get(QUEUE, {"page": 1}).content.decode()


def test_an_officer_of_another_agency_sees_neither_the_queue_entries_nor_the_dossier(client, clock):
    procedure(amount=5)
    dossier = submitted(at=vn(2026, 3, 2, 9))
    client.force_login(officer("desk-h79", "desk_officer", agency="H79.TTPVHCC"))
    assert dossier.code not in client.get(QUEUE).content.decode()
    assert client.get(reverse("dossiers_officer:dossier", args=[dossier.code])).status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau/05/").status_code == 404


def _submit_other(at):
    from motcua.dossiers import services

    applicant = dict(CITIZEN, full_name="Trần Thị Bình", personal_id="079190012345")
    return services.submit("1.000001", "H01.TTPVHCC", "online", applicant, {}, at=at)


def test_an_impossible_filter_value_does_not_drop_the_search(client, clock):
    procedure(amount=5)
    submitted(at=vn(2026, 3, 2, 9))
    binh = _submit_other(vn(2026, 3, 2, 9, 30))
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    response = client.get(QUEUE, {"q": "tran thi binh", "due_from": "2026-02-31"})
    assert response.status_code == 200 and _codes(response.content.decode()) == [binh.code]
