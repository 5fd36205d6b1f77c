"""Only the officer in charge closes a step: the assignee (or, before any assignment, an officer holding the step's
role in the step's unit), or a leader. Anyone else gets a clear refusal (403 problem in the API) and nothing changes."""

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ActorNotAllowed
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, CALENDAR, Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def _assigned() -> Flow:
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    return flow


def test_another_specialist_of_the_same_agency_cannot_complete_the_assigned_step():
    flow = _assigned()
    colleague = officer("colleague", "specialist")
    before = (flow.dossier.version, DossierEvent.objects.filter(dossier=flow.dossier).count())
    with pytest.raises(ActorNotAllowed, match="giao cho cán bộ khác"):
        services.act(flow.code, "complete_step", actor=colleague, role="specialist",
                     expected_version=flow.dossier.version, at=vn(2026, 3, 3, 9), calendar=CALENDAR)
    d = Dossier.objects.get(code=flow.code)
    assert (d.version, DossierEvent.objects.filter(dossier=d).count()) == before
    assert d.current_step == 1


def test_the_assignee_and_a_leader_complete_steps():
    flow = _assigned()
    d = flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    assert d.current_step == 2 and d.events.order_by("-seq").first().actor.username == "specialist-H01.TTPVHCC"
    # The next step (approve) is the leader's: the assignee cannot close it, a leader can.
    with pytest.raises(ActorNotAllowed, match="lãnh đạo"):
        flow("complete_step", "specialist", vn(2026, 3, 3, 10))
    d = flow("complete_step", "leader", vn(2026, 3, 3, 11))
    assert d.current_step == 3


def test_the_api_refuses_with_a_403_problem():
    flow = _assigned()
    colleague = client_for(user("colleague", ("specialist", AGENCY)))
    response = colleague.post(f"/api/v1/dossiers/{flow.code}/actions/complete_step", {}, format="json",
                              HTTP_IF_MATCH=f'"{flow.dossier.version}"', HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "giao cho cán bộ khác" in response.json()["detail"]
    english = colleague.post(f"/api/v1/dossiers/{flow.code}/actions/complete_step", {}, format="json",
                             HTTP_IF_MATCH=f'"{flow.dossier.version}"', HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403 and "assigned to another officer" in english.json()["detail"]
    assert Dossier.objects.get(code=flow.code).version == flow.dossier.version
    mine = client_for(flow.users["specialist"])
    response = mine.post(f"/api/v1/dossiers/{flow.code}/actions/complete_step", {}, format="json",
                         HTTP_IF_MATCH=f'"{flow.dossier.version}"')
    assert response.status_code == 200, response.content
