"""Procedures with no dossier in the last 36 months, nationally and per implementing agency, with the last
dossier's date (Announcement 437/TB-VPCP direction 1)."""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import procedure, submitted, vn
from motcua.oversight.review import services
from motcua.oversight.review.models import DormantProcedure

pytestmark = pytest.mark.django_db


def _rows():
    return {(r.procedure.code, r.agency.code if r.agency else None): (r.status, r.last_dossier_on, r.dossiers_total)
            for r in DormantProcedure.objects.select_related("procedure", "agency")}


def test_dormant_nationally_and_per_agency():
    procedure("1.000001")
    procedure("1.000002")
    submitted("1.000001", at=vn(2026, 3, 2, 9))
    submitted("1.000001", at=vn(2026, 3, 3, 9), agency="H01.X00070")
    services.compute_dormant(as_of=date(2026, 11, 30))
    # 1.000002 never had a dossier; 1.000001 is active at both agencies that received one.
    assert _rows() == {("1.000002", None): ("dormant", None, 0)}

    services.compute_dormant(as_of=date(2029, 3, 3))  # 36 months later: the cut-off is 3/3/2026
    rows = _rows()
    assert ("1.000001", None) not in rows  # 3/3/2026 is still inside the window, nationally
    assert rows[("1.000001", "H01.TTPVHCC")] == ("dormant", date(2026, 3, 2), 1)
    assert ("1.000001", "H01.X00070") not in rows

    services.compute_dormant(as_of=date(2029, 3, 4))
    assert _rows()[("1.000001", None)] == ("dormant", date(2026, 3, 3), 2)


def test_recently_published_procedure_is_young_not_dormant():
    version = procedure("1.000003")
    version.valid_from = date(2025, 1, 1)
    version.save(update_fields=["valid_from"])
    services.compute_dormant(as_of=date(2026, 11, 30))
    assert _rows() == {("1.000003", None): ("young", None, 0)}
