"""``services.rate`` (issue 3 point 7, for the citizen pages): the applicant rates the handling once the result is
returned, only once; the rating is an event that keeps the state."""

import pytest

from motcua.dossiers import services
from motcua.dossiers.rules import RuleViolation
from motcua.dossiers.tests.api_clients import user

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def returned(applicant):
    procedure()
    flow = Flow(submitted(actor=applicant, role="applicant"))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    flow("approve", "leader", vn(2026, 3, 3, 10))
    flow("issue_result", "leader", vn(2026, 3, 3, 11))
    flow("return_result", "desk_officer", vn(2026, 3, 3, 14))
    return flow


def test_the_applicant_rates_a_returned_dossier_once():
    applicant = user("an")
    flow = returned(applicant)
    dossier = services.rate(flow.code, False, actor=applicant, at=vn(2026, 3, 4, 9))
    assert (dossier.rating, dossier.rated_at, dossier.state) == ("not_satisfied", vn(2026, 3, 4, 9), "returned")
    event = dossier.events.order_by("seq").last()
    assert (event.action, event.from_state, event.to_state, event.role, event.seq) == (
        "rate", "returned", "returned", "applicant", dossier.version)
    with pytest.raises(RuleViolation) as twice:
        services.rate(flow.code, True, actor=applicant)
    assert twice.value.rule == "already_rated"


def test_rating_before_the_result_is_returned_is_refused():
    procedure()
    applicant = user("an")
    dossier = submitted(actor=applicant, role="applicant")
    with pytest.raises(RuleViolation) as early:
        services.rate(dossier.code, True, actor=applicant)
    assert early.value.rule == "rating_before_return"
    dossier.refresh_from_db()
    assert (dossier.rating, dossier.version) == ("", 1)


def test_only_the_applicant_rates():
    flow = returned(user("an"))
    with pytest.raises(services.ActorNotAllowed):
        services.rate(flow.code, True, actor=user("someone-else"))
