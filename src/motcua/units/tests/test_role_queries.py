"""Officers act only through the roles they hold, agency by agency."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from motcua.units.models import Membership, Role
from motcua.units.queries import agencies_for_user, agency_by_code, user_has_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = get_user_model().objects.create_user("desk-officer", password="x")
    Membership.objects.create(user=user, agency=agency_by_code("H38.TTPVHCC"), role=Role.DESK_OFFICER)
    Membership.objects.create(user=user, agency=agency_by_code("H01.TTPVHCC"), role=Role.DESK_OFFICER)
    Membership.objects.create(user=user, agency=agency_by_code("H38.STP"), role=Role.SPECIALIST)
    return user


def test_agencies_for_user_lists_agencies_where_the_role_is_held(officer):
    desks = agencies_for_user(officer, Role.DESK_OFFICER)

    assert list(desks.values_list("code", flat=True)) == ["H01.TTPVHCC", "H38.TTPVHCC"]
    assert list(agencies_for_user(officer, Role.SPECIALIST).values_list("code", flat=True)) == ["H38.STP"]
    assert not agencies_for_user(officer, Role.LEADER).exists()


def test_user_has_role_only_in_that_agency(officer):
    assert user_has_role(officer, agency_by_code("H38.TTPVHCC"), Role.DESK_OFFICER)
    assert not user_has_role(officer, agency_by_code("H38.TTPVHCC"), Role.SPECIALIST)
    # No inheritance: a role in a department gives nothing in its parent committee.
    assert not user_has_role(officer, agency_by_code("H38"), Role.SPECIALIST)


def test_anonymous_user_has_no_role():
    anonymous = AnonymousUser()

    assert not agencies_for_user(anonymous, Role.DESK_OFFICER).exists()
    assert not user_has_role(anonymous, agency_by_code("H38"), Role.DESK_OFFICER)
