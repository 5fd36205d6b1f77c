"""A supervisor's province or ministry is read through the agency code tree (units.queries.under_codes)."""

import pytest

from motcua.units.models import Agency
from motcua.units.queries import under_codes

pytestmark = pytest.mark.django_db


def _agency(code: str, parent: Agency | None = None) -> Agency:
    return Agency.objects.create(code=code, name=f"Cơ quan {code}", kind="central_other", parent=parent)


def test_a_code_covers_itself_and_the_codes_below_it_but_not_a_longer_sibling():
    root = _agency("HX1")
    _agency("HX1.STP", root)
    _agency("HX1.STP.PHONG", root)
    _agency("HX10")  # shares the prefix, is another province
    _agency("BXX")
    found = set(Agency.objects.filter(under_codes(["HX1"])).values_list("code", flat=True))
    assert found == {"HX1", "HX1.STP", "HX1.STP.PHONG"}
    both = set(Agency.objects.filter(under_codes({"HX10", "BXX"})).values_list("code", flat=True))
    assert both == {"HX10", "BXX"}


def test_no_codes_match_nothing():
    _agency("HX2")
    assert not Agency.objects.filter(under_codes([])).exists()
