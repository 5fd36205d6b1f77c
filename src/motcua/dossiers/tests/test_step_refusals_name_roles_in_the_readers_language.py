"""A refused step names the roles with the one set of labels (``units.roles.role_label``), in the reader's language:
"… do lãnh đạo xử lý, không phải chuyên viên xử lý" in Vietnamese, "… handled by the leader, not the specialist" in
English — no more Vietnamese role names inside an English sentence."""

import pytest
from django.utils import translation

from motcua.dossiers.tests.api_clients import client_for

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language_afterwards():
    yield
    translation.deactivate()  # a request in English leaves English active in this thread


def test_the_assignee_refused_the_leaders_step_reads_the_roles_in_its_language():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))  # the next step (approve) is the leader's
    specialist = client_for(flow.users["specialist"])
    url = f"/api/v1/dossiers/{flow.code}/actions/complete_step"
    tag = f'"{flow.dossier.version}"'
    vietnamese = specialist.post(url, {}, format="json", HTTP_IF_MATCH=tag, HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.status_code == 403
    assert "do lãnh đạo xử lý, không phải chuyên viên xử lý" in vietnamese.json()["detail"]
    english = specialist.post(url, {}, format="json", HTTP_IF_MATCH=tag, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403
    assert "is handled by the leader, not the specialist" in english.json()["detail"]
