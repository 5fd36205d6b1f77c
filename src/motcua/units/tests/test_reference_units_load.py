"""The reference units and agencies are loaded (by the data migration and by the loader) completely and idempotently."""

import io

import pytest

from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
from motcua.units.services import PROVINCIAL_DEPARTMENTS, load_reference_units

pytestmark = pytest.mark.django_db

EXPECTED_AGENCIES = {
    AgencyKind.MINISTRY: 14,
    AgencyKind.MINISTRY_LEVEL: 3,
    AgencyKind.CENTRAL_OTHER: 3,
    AgencyKind.PROVINCIAL_COMMITTEE: 34,
    AgencyKind.DEPARTMENT: 34 * len(PROVINCIAL_DEPARTMENTS),
    AgencyKind.SERVICE_CENTRE: 34,
    AgencyKind.COMMUNE_COMMITTEE: 3321,
}


def test_reference_units_load_34_provinces_and_3321_communes():
    summary = load_reference_units()

    assert (summary.provinces, summary.communes) == (34, 3321)
    assert AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).count() == 34
    assert AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).count() == 3321
    assert not AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, province__isnull=True).exists()
    for kind, count in EXPECTED_AGENCIES.items():
        assert Agency.objects.filter(kind=kind).count() == count, kind
    assert summary.agencies == Agency.objects.count() == sum(EXPECTED_AGENCIES.values())


def test_migration_already_loaded_the_reference_data():
    # The data migration ran the loader on the test database: a load now finds nothing to do.
    summary = load_reference_units()

    assert not summary.changed
    assert (summary.units_created, summary.units_updated) == (0, 0)
    assert (summary.agencies_created, summary.agencies_updated) == (0, 0)


def test_reload_twice_changes_and_duplicates_nothing():
    before = dict(Agency.objects.values_list("code", "pk"))
    units_before = AdministrativeUnit.objects.count()

    load_reference_units()
    second = load_reference_units()

    assert not second.changed
    assert dict(Agency.objects.values_list("code", "pk")) == before
    assert AdministrativeUnit.objects.count() == units_before


def test_reload_repairs_an_edited_name_and_reports_it():
    AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=38).update(name="Thanh Hoa (edited)")
    Agency.objects.filter(code="BTP").update(name="Bo Tu phap (edited)")
    out = io.StringIO()

    summary = load_reference_units(stdout=out)

    assert (summary.units_updated, summary.agencies_updated) == (1, 1)
    assert AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code=38).name == "Thanh Hóa"
    assert Agency.objects.get(code="BTP").name == "Bộ Tư pháp"
    assert "34 provinces, 3321 communes" in out.getvalue()


def test_reload_recreates_a_missing_agency_under_its_parent():
    Agency.objects.filter(code="H38.STP").delete()

    summary = load_reference_units()

    assert summary.agencies_created == 1
    assert Agency.objects.get(code="H38.STP").parent.code == "H38"


def test_full_load_takes_a_few_seconds_at_most(django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        load_reference_units()
