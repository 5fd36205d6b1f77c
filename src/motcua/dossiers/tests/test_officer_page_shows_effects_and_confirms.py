"""Issue 14 point 10: the officer's dossier page shows the effect of an action at once (the step the dossier is at,
and a message naming the next one), destructive actions are apart and confirmed (from the side of a request that
skips the box), documents sit beside the actions, and the queue's deadline column is filled for every row."""

import re

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": vn(2026, 3, 2, 10)}
    monkeypatch.setattr(officer_views, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def dossier():
    procedure(amount=5)
    return submitted(at=vn(2026, 3, 2, 9))


def _post(client, dossier, action, version, **fields):
    return client.post(f"/can-bo/ho-so/{dossier.code}/hanh-dong/", {"action": action, "version": version, **fields})


@pytest.mark.parametrize("action", sorted(officer_views.DESTRUCTIVE_ACTIONS))
def test_a_destructive_action_is_shown_apart_with_a_required_confirmation(client, clock, dossier, action):
    flow = Flow(dossier)
    if action == "stop":
        flow("receive", "desk_officer", vn(2026, 3, 2, 10))
        client.force_login(flow.users["leader"])
    else:
        client.force_login(officer("desk", "desk_officer"))
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    forms = [f for f in re.findall(r'<details class="action-danger">.*?</details>', html, re.S)
             if f'name="action" value="{action}"' in f]
    assert len(forms) == 1
    assert 'name="confirmed" value="1" required' in forms[0] and "button-danger" in forms[0]


def test_a_refusal_without_the_confirmation_is_not_done(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    response = _post(client, dossier, "refuse", 1, reason="Hồ sơ không thuộc thẩm quyền")
    assert response.status_code == 400 and "ô xác nhận" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"
    confirmed = _post(client, dossier, "refuse", 1, reason="Hồ sơ không thuộc thẩm quyền", confirmed="1")
    assert confirmed.status_code == 302 and Dossier.objects.get(pk=dossier.pk).state == "not_received"


def test_completing_a_step_shows_the_next_step_at_once(client, clock, dossier):
    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    spec = officer("specialist-H01.TTPVHCC", "specialist")
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": spec.username})
    client.force_login(spec)
    before = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert re.search(r"data-current-step>Thẩm định, xử lý hồ sơ", before)
    version = Dossier.objects.get(pk=dossier.pk).version
    response = _post(client, dossier, "complete_step", version)
    assert response.status_code == 302
    after = client.get(response["Location"]).content.decode()
    assert "Bước tiếp theo: Phê duyệt kết quả" in after
    assert re.search(r"data-current-step>Phê duyệt kết quả", after)


def test_documents_sit_beside_the_actions(client, clock, dossier):
    client.force_login(officer("desk", "desk_officer"))
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    grid = html[html.index('<div class="decision">'):html.index('id="forms-h"')]  # the grid, before the forms
    assert grid.index('id="actions-h"') < grid.index('id="docs-h"')


def test_every_queue_row_with_a_due_time_says_where_it_stands(client, clock, dossier):
    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))  # due in the future: on time, no warning badge before
    client.force_login(flow.users["desk_officer"] if "desk_officer" in flow.users else officer("desk", "desk_officer"))
    html = client.get("/can-bo/").content.decode()
    row = re.search(rf"<tr[^>]*>.*?{re.escape(dossier.code)}.*?</tr>", html, re.S)
    assert row and "Trong hạn" in row.group(0)
