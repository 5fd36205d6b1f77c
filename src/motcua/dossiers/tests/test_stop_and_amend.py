"""Decree 118/2025 Art. 21 (issue 11 point 7): in-person and postal applicants may ask to stop until the decision;
online applicants may stop or amend their dossier until the decision, each amendment versioned in the event log."""

import pytest

from motcua.dossiers.rules import RuleViolation
from motcua.dossiers.transitions import TransitionNotAllowed

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def received(channel="online"):
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9), channel=channel))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


def test_an_online_applicant_amends_until_the_decision_and_each_version_is_in_the_event_log():
    flow = received()
    d = flow("amend", "applicant", vn(2026, 3, 3, 9), data={"form_data": {"field": "giá trị mới", "extra": "1"}})
    assert (d.state, d.form_data, d.amendment_count) == ("received", {"field": "giá trị mới", "extra": "1"}, 1)
    event = d.events.last()
    assert (event.action, event.data["amendment"], event.data["previous"], event.data["changed"]) == (
        "amend", 1, {"field": "value"}, ["extra", "field"])
    d = flow("amend", "applicant", vn(2026, 3, 3, 10), data={"form_data": {"field": "lần hai"}})
    assert d.events.last().data["amendment"] == 2 and d.events.last().data["previous"]["field"] == "giá trị mới"


@pytest.mark.parametrize("decided", ["approve", "refuse"])
def test_after_the_decision_the_applicant_can_neither_amend_nor_stop(decided):
    flow = received()
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": flow.users["specialist"].username})
    flow(decided, "leader", vn(2026, 3, 3, 9), reason="Không đủ điều kiện")
    for action, data in (("amend", {"form_data": {"field": "x"}}), ("withdraw", {})):
        with pytest.raises(TransitionNotAllowed):
            flow(action, "applicant", vn(2026, 3, 3, 10), data=data)


@pytest.mark.parametrize("channel", ["in_person", "postal"])
def test_in_person_and_postal_applicants_may_stop_but_not_amend(channel):
    flow = received(channel)
    with pytest.raises(RuleViolation) as refused:
        flow("amend", "applicant", vn(2026, 3, 3, 9), data={"form_data": {"field": "x"}})
    assert refused.value.rule == "amend_online_only"
    d = flow("withdraw", "desk_officer", vn(2026, 3, 3, 9), reason="Người nộp yêu cầu dừng")
    assert (d.state, d.status_code) == ("withdrawn", 7)


def test_an_online_applicant_may_stop_while_a_supplement_is_awaited():
    flow = received()
    flow("request_supplement", "specialist", vn(2026, 3, 2, 11), data={"missing": ["Tờ khai"]})
    d = flow("withdraw", "applicant", vn(2026, 3, 3, 9))
    assert d.state == "withdrawn" and d.supplement_closes_at is None


def test_an_amendment_must_change_something():
    flow = received()
    with pytest.raises(RuleViolation) as refused:
        flow("amend", "applicant", vn(2026, 3, 3, 9), data={"form_data": {"field": "value"}})
    assert refused.value.rule == "amend_nothing_changed"


def test_another_person_cannot_amend_an_applicants_dossier():
    from django.contrib.auth import get_user_model

    from motcua.dossiers import services

    procedure()
    owner = get_user_model().objects.create(username="owner")
    d = submitted(at=vn(2026, 3, 2, 9), actor=owner)
    stranger = get_user_model().objects.create(username="stranger")
    with pytest.raises(services.ActorNotAllowed):
        services.act(d.code, "amend", actor=stranger, role="applicant", expected_version=d.version,
                     at=vn(2026, 3, 2, 10), data={"form_data": {"field": "chiếm đoạt"}})
