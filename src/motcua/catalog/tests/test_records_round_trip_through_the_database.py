"""The single writer stores every component, and reading it back gives the same record."""

import pytest

from motcua.catalog import models as m
from motcua.catalog.queries import current_version, version_to_record
from motcua.catalog.records import ProcedureRecord, RecordError
from motcua.catalog.services import upsert_records

from .factories import make_record


@pytest.mark.django_db
def test_stored_record_reads_back_identical():
    record = make_record()
    upsert_records([record])
    version = current_version("1.000001")
    assert version is not None
    assert version_to_record(version).to_dict() == record.to_dict()


@pytest.mark.django_db
def test_reimport_updates_in_place_without_duplicates():
    upsert_records([make_record()])
    summary = upsert_records([make_record(name="Đăng ký khai sinh (sửa)")])
    assert summary.updated == 1 and summary.created == 0
    assert m.ProcedureVersion.objects.count() == 1
    assert m.Channel.objects.count() == 2
    assert m.Fee.objects.count() == 2
    assert current_version("1.000001").name == "Đăng ký khai sinh (sửa)"


@pytest.mark.django_db
def test_localised_copy_points_to_its_province_and_national_procedure():
    upsert_records([make_record("1.000948")])
    upsert_records([make_record("1.000948.H38")])
    local = m.Procedure.objects.get(code="1.000948.H38")
    assert local.national.code == "1.000948"


def test_record_format_errors_name_the_field():
    data = make_record().to_dict()
    data["channels"][1]["fees"][0]["amount_vnd"] = -5
    with pytest.raises(RecordError) as err:
        ProcedureRecord.from_dict(data)
    assert err.value.field == "channels[1].fees[0].amount_vnd"


def test_record_dict_round_trip_is_lossless():
    data = make_record().to_dict()
    assert ProcedureRecord.from_dict(data).to_dict() == data
