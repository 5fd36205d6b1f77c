"""The personal ID of an account is kept in the shared cache (an online submission asks it every time), and a change
of the link, a membership or the account is seen at once — the cache never lets an unlinked account act as the
person it was linked to (issue 12 point 12, issue 13 point 2)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from motcua.exchange.models import PersonLink
from motcua.exchange.queries import personal_id_of
from motcua.units.models import Agency, Membership

pytestmark = pytest.mark.django_db

CACHED = override_settings(MOTCUA_TOKEN_CACHE_SECONDS=300, ENVIRONMENT="production")


@CACHED
def test_a_removed_link_is_refused_at_once_although_the_id_was_cached():
    user = get_user_model().objects.create_user("vneid-user-1")
    link = PersonLink.objects.create(user=user, personal_id="001090012345", source="vneid")
    assert personal_id_of(user) == "001090012345"  # cached now
    link.delete()
    assert personal_id_of(user) is None


@CACHED
def test_a_relinked_account_acts_as_its_new_person_not_the_cached_one():
    user = get_user_model().objects.create_user("vneid-user-2")
    link = PersonLink.objects.create(user=user, personal_id="001090012345", source="vneid")
    assert personal_id_of(user) == "001090012345"
    link.personal_id = "079305179368"
    link.save()
    assert personal_id_of(user) == "079305179368"


@CACHED
def test_an_account_linked_after_a_first_look_is_seen_linked_at_once():
    user = get_user_model().objects.create_user("vneid-user-3")
    assert personal_id_of(user) is None  # "no link" cached
    PersonLink.objects.create(user=user, personal_id="001090012345", source="vneid")
    assert personal_id_of(user) == "001090012345"


@override_settings(MOTCUA_TOKEN_CACHE_SECONDS=300, ENVIRONMENT="development")
def test_outside_production_an_officer_membership_ends_the_user_name_convention_at_once():
    user = get_user_model().objects.create_user("001090012345")
    assert personal_id_of(user) == "001090012345"  # the demo convention, cached
    agency = Agency.objects.order_by("pk").first() or Agency.objects.create(code="T.CACHE", name="Cơ quan thử")
    Membership.objects.create(user=user, agency=agency, role="desk_officer")
    assert personal_id_of(user) is None
