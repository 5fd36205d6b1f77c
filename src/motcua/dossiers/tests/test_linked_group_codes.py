"""A linked group's dossier code (Decree 118/2025 Art. 28(2)(a), from 1/7/2025): the receiving desk's identifier in
person, the national portal's online (``MOTCUA_NATIONAL_PORTAL_ID``); the code first given stays valid for lookup.
Before 1/7/2025 the receiving agency's (Circular 01/2018, history)."""

import pytest

from motcua.dossiers import groups
from motcua.dossiers.models import GroupMember
from motcua.dossiers.queries import dossier_by_code

from .factories import CITIZEN, procedure, vn

pytestmark = pytest.mark.django_db

RECEIVING = "H01.TTPVHCC"
BABY = {"full_name": "Nguyễn Thị Bé", "birth_date": "2026-02-20", "sex": "female", "place_of_birth": "Hà Nội"}


@pytest.fixture
def catalog():
    procedure("2.000986", amount=20, unit="calendar_days", kinds=("in_person", "online"))
    for code in ("1.001193", "1.004222"):
        procedure(code, amount=5)


@pytest.mark.parametrize(("case", "channel", "at", "code", "first_code"), [
    ("Decree118-Art28(2)(a) online: the national portal's identifier", "online", vn(2026, 3, 2, 9),
     "CDVCQG-260302-0001", "H01.TTPVHCC-260302-0001"),
    ("Decree118-Art28(2)(a) in person: the receiving desk's identifier", "in_person", vn(2026, 3, 2, 9),
     "H01.TTPVHCC-260302-0001", None),
    ("Decree118-Art28(2)(a) from 1/7/2025 online", "online", vn(2025, 7, 1, 9),
     "CDVCQG-250701-0001", "H01.TTPVHCC-250701-0001"),
    ("Circular01-2018 before 1/7/2025 online: the receiving agency's (history)", "online", vn(2025, 6, 30, 9),
     "H01.TTPVHCC-250630-0001", None),
])
def test_the_code_of_a_linked_group(catalog, case, channel, at, code, first_code):
    parent = groups.submit_group("LT-KS-TT-BHYT", RECEIVING, channel, dict(CITIZEN), {"child": dict(BABY)}, at=at)
    parent.refresh_from_db()
    assert parent.code == code
    members = GroupMember.objects.filter(parent=parent).select_related("child")
    assert all(m.child.group_parent_code == code for m in members if m.child)
    assert list(parent.code_aliases.values_list("code", flat=True)) == ([first_code] if first_code else [])
    if first_code:
        assert dossier_by_code(first_code).pk == parent.pk  # the first code stays valid for lookup
        assert parent.events.get(action="group_open").data["previous_code"] == first_code


def test_the_portal_identifier_is_a_setting_and_numbers_run_per_day(catalog, settings):
    settings.MOTCUA_NATIONAL_PORTAL_ID = "000.00.00.G22"
    first = groups.submit_group("LT-KS-TT-BHYT", RECEIVING, "online", dict(CITIZEN), {"child": dict(BABY)},
                                at=vn(2026, 3, 2, 9))
    second = groups.submit_group("LT-KS-TT-BHYT", "H01.TTPVHCC", "online", dict(CITIZEN), {"child": dict(BABY)},
                                 at=vn(2026, 3, 2, 10))
    assert (first.code, second.code) == ("000.00.00.G22-260302-0001", "000.00.00.G22-260302-0002")
