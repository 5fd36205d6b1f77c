"""An officer acts only in a role held in the receiving agency's tree; the applicant only on their own dossier."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from motcua.dossiers.services import ActorNotAllowed

from .factories import CALENDAR, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_an_officer_without_the_role_cannot_act():
    procedure()
    d = submitted()
    stranger = get_user_model().objects.create(username="stranger")
    with pytest.raises(ActorNotAllowed):
        services.act(d.code, "receive", actor=stranger, role="desk_officer", expected_version=1,
                     at=vn(2026, 3, 2, 10), calendar=CALENDAR)
    other_province = officer("desk-h79", "desk_officer", "H79")
    with pytest.raises(ActorNotAllowed):
        services.act(d.code, "receive", actor=other_province, role="desk_officer", expected_version=1,
                     at=vn(2026, 3, 2, 10), calendar=CALENDAR)
    same_province = officer("desk-h01", "desk_officer", "H01")
    d = services.act(d.code, "receive", actor=same_province, role="desk_officer", expected_version=1,
                     at=vn(2026, 3, 2, 10), calendar=CALENDAR)
    assert d.state == "received"


def test_only_the_applicant_acts_as_applicant():
    procedure()
    citizen = get_user_model().objects.create(username="citizen")
    other = get_user_model().objects.create(username="other")
    d = submitted(actor=citizen)
    assert d.applicant_user == citizen
    with pytest.raises(ActorNotAllowed):
        services.act(d.code, "withdraw", actor=other, role="applicant", expected_version=1, at=vn(2026, 3, 2, 10),
                     calendar=CALENDAR)
    d = services.act(d.code, "withdraw", actor=citizen, role="applicant", expected_version=1, at=vn(2026, 3, 2, 10),
                     calendar=CALENDAR)
    assert (d.state, d.status_code) == ("withdrawn", 7)
