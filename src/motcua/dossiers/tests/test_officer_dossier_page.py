"""The officer's dossier page: summary, timeline, process control, only the allowed actions as one-click buttons (or
small forms), and what happens on a stale version, a forbidden action or a broken rule."""

import re

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": vn(2026, 3, 2, 10)}
    monkeypatch.setattr(officer_views, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def dossier():
    procedure(amount=5)
    return submitted(at=vn(2026, 3, 2, 9))


def _page(dossier):
    return f"/can-bo/ho-so/{dossier.code}/"


def _actions(html: str) -> list[str]:
    return re.findall(r'name="action" value="([a-z_]+)"', html)


def _post(client, dossier, action, version, **fields):
    return client.post(f"/can-bo/ho-so/{dossier.code}/hanh-dong/",
                       {"action": action, "version": version, **fields}, **EN)


def test_the_page_shows_only_the_actions_the_officers_roles_allow(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    html = client.get(_page(dossier), **EN).content.decode()
    assert _actions(html) == ["receive", "request_supplement", "refuse", "withdraw"]
    assert 'name="csrfmiddlewaretoken"' in html and 'name="version" value="1"' in html
    assert dossier.code in html and "Nguyễn Văn An" in html and "The dossier was submitted." in html

    client.force_login(officer("specialist", "specialist"))
    html = client.get(_page(dossier), **EN).content.decode()
    assert _actions(html) == [] and "No action is open to your roles in this state." in html


def test_posting_an_action_advances_the_dossier(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    response = _post(client, dossier, "receive", 1)
    assert response.status_code == 302 and response["Location"] == _page(dossier)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.state, fresh.version, fresh.received_at) == ("received", 2, vn(2026, 3, 2, 10))
    html = client.get(_page(dossier), **EN).content.decode()
    assert "The dossier was received and the return date set." in html
    assert "Process control (form 06)" in html and "Thẩm định, xử lý hồ sơ" in html  # Circular 03/2025 numbering


def test_a_stale_version_shows_the_conflict_and_the_fresh_dossier(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    _post(client, dossier, "receive", 1)
    response = _post(client, dossier, "request_supplement", 1, missing="Tờ khai")
    assert response.status_code == 409
    html = response.content.decode()
    assert "The dossier has just been updated by someone else." in html
    assert 'name="version" value="2"' in html and 'data-kind="conflict"' in html
    assert Dossier.objects.get(pk=dossier.pk).state == "received"


def test_the_conflict_page_renders_in_the_default_vietnamese_interface(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    _post(client, dossier, "receive", 1)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/hanh-dong/", {"action": "receive", "version": 1},
                           HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 409 and 'data-kind="conflict"' in response.content.decode()


def test_a_supplement_request_lists_every_missing_item(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    response = _post(client, dossier, "request_supplement", 1, missing="Tờ khai\n\nBản sao CCCD\n")
    assert response.status_code == 302
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.state, fresh.missing_items) == ("receipt_supplement_requested", ["Tờ khai", "Bản sao CCCD"])


def test_a_forbidden_action_shows_the_allowed_ones(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    response = _post(client, dossier, "approve", 1)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-kind="not_allowed"' in html and "<li>Receive (complete dossier)</li>" in html


def test_a_broken_rule_is_named(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    response = _post(client, dossier, "refuse", 1, reason="  ", confirmed="1")
    assert response.status_code == 422
    assert "<code>reason_required</code>" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"


def test_assign_and_apologise_take_their_small_forms(client, clock, dossier):
    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))  # due Monday 9/3 17:00
    client.force_login(flow.users["leader"])
    html = client.get(_page(dossier), **EN).content.decode()
    assert {"assign", "apologise", "stop"} <= set(_actions(html))
    assert '<option value="specialist-H01.TTPVHCC">' in html
    assert _post(client, dossier, "assign", 2, assignee="specialist-H01.TTPVHCC").status_code == 302
    clock["now"] = vn(2026, 3, 5, 10)
    response = _post(client, dossier, "apologise", 3, reason="Chờ xác minh", new_due_at="2026-03-13T17:00")
    assert response.status_code == 302
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.due_at, fresh.apology_count) == (vn(2026, 3, 13, 17), 1)
    assert "apologise" not in _actions(client.get(_page(dossier)).content.decode())  # the date moves only once
