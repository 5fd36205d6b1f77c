"""Agency codes come from official codes (never row order) and the hierarchy follows the two-tier government."""

import csv
import random

import pytest
from django.db.models import F

from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, AgencyLevel, UnitLevel
from motcua.units.services import (
    DEFAULT_CSV,
    PROVINCIAL_DEPARTMENTS,
    commune_agency_code,
    load_reference_units,
    province_agency_code,
    service_centre_agency_code,
)

pytestmark = pytest.mark.django_db


def test_codes_follow_the_official_scheme():
    assert province_agency_code(38) == "H38"
    assert province_agency_code(1) == "H01"
    assert service_centre_agency_code(38) == "H38.TTPVHCC"
    assert commune_agency_code(1, 70) == "H01.X00070"


def test_central_bodies_after_the_2025_restructuring():
    ministries = set(Agency.objects.filter(kind=AgencyKind.MINISTRY).values_list("code", flat=True))
    assert ministries == {"BQP", "BCA", "BNG", "BNV", "BTP", "BTC", "BCT", "BNNMT", "BXD", "BVHTTDL", "BKHCN",
                          "BGDDT", "BYT", "BDTTG"}
    assert set(Agency.objects.filter(kind=AgencyKind.MINISTRY_LEVEL).values_list("code", flat=True)) == {
        "NHNN", "TTCP", "VPCP"}
    assert Agency.objects.get(code="BGDDT").name == "Bộ Giáo dục và Đào tạo"
    assert Agency.objects.get(code="BHXH").parent.code == "BTC"
    assert all(code.isascii() for code in Agency.objects.values_list("code", flat=True))


def test_province_committee_is_the_root_of_its_province():
    committee = Agency.objects.get(code="H38")

    assert committee.name == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert (committee.kind, committee.level, committee.parent) == (
        AgencyKind.PROVINCIAL_COMMITTEE, AgencyLevel.PROVINCE, None)
    assert (committee.unit.level, committee.unit.code) == (UnitLevel.PROVINCE, 38)
    assert Agency.objects.get(code="H01").name == "Ủy ban nhân dân thành phố Hà Nội"


def test_department_parent_is_its_provinces_committee():
    department = Agency.objects.get(code="H38.STP")

    assert department.name == "Sở Tư pháp tỉnh Thanh Hóa"
    assert department.kind == AgencyKind.DEPARTMENT
    assert department.parent.code == "H38"
    assert department.unit == department.parent.unit
    children = Agency.objects.filter(parent__code="H38")
    assert children.filter(kind=AgencyKind.DEPARTMENT).count() == len(PROVINCIAL_DEPARTMENTS)
    assert children.get(kind=AgencyKind.SERVICE_CENTRE).code == "H38.TTPVHCC"


def test_commune_committee_unit_is_the_commune():
    commune = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code=70)  # Phường Hoàn Kiếm, Hà Nội
    committee = Agency.objects.get(code="H01.X00070")

    assert committee.unit == commune
    assert committee.name == "Ủy ban nhân dân phường Hoàn Kiếm"
    assert (committee.kind, committee.level) == (AgencyKind.COMMUNE_COMMITTEE, AgencyLevel.COMMUNE)
    assert committee.parent.code == "H01"
    # Every commune has exactly one committee, under its own province's committee.
    mismatched = Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE).exclude(
        parent__unit=F("unit__province"))
    assert not mismatched.exists()
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE).values("unit").distinct().count() == 3321


def test_same_number_for_a_province_and_a_commune_are_distinct_units():
    # Province 4 (Cao Bằng) and commune 4 (Phường Ba Đình, Hà Nội) share the number; unique is (level, code).
    assert AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, code=4).name == "Cao Bằng"
    assert AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, code=4).name == "Phường Ba Đình"
    assert Agency.objects.get(code="H01.X00004").unit.code == 4


def test_codes_do_not_depend_on_row_order(tmp_path):
    with DEFAULT_CSV.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    random.Random(7).shuffle(rows)
    shuffled = tmp_path / "shuffled.csv"
    with shuffled.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    before = dict(Agency.objects.values_list("code", "unit_id"))

    summary = load_reference_units(shuffled)

    assert not summary.changed
    assert dict(Agency.objects.values_list("code", "unit_id")) == before
