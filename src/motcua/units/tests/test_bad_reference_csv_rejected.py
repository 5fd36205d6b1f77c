"""A bad reference CSV is rejected with the file, line and field, and nothing in the database changes."""

import csv

import pytest

from motcua.units.models import AdministrativeUnit, Agency
from motcua.units.services import DEFAULT_CSV, ReferenceDataError, load_reference_units

pytestmark = pytest.mark.django_db


def _rows():
    with DEFAULT_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(tmp_path, rows):
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _snapshot():
    return (
        list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "level", "code", "name", "province_id")),
        list(Agency.objects.order_by("pk").values_list("pk", "code", "name", "parent_id", "unit_id")),
    )


def _bad_csv(tmp_path, line, column, value, rename_first_province=True):
    """A copy of the reference CSV with one bad cell at ``line`` (1-based, header is line 1)."""
    rows = _rows()
    header = rows[0]
    if rename_first_province:
        rows[1][header.index("name")] = "Renamed before the bad row"  # a valid change that must not be applied
    rows[line - 1][header.index(column)] = value
    return _write(tmp_path, rows)


@pytest.mark.parametrize(
    ("line", "field", "value", "message"),
    [
        (120, "code", "12a", "must be a whole number"),
        (500, "province_code", "99", "province 99 is not in the file"),
        (777, "level", "district", "must be 'province' or 'commune'"),
        (3000, "name", "", "must not be empty"),
    ],
)
def test_bad_csv_row_rejected_with_file_line_field_and_nothing_changed(tmp_path, line, field, value, message):
    path = _bad_csv(tmp_path, line, field, value)
    before = _snapshot()

    with pytest.raises(ReferenceDataError) as excinfo:
        load_reference_units(path)

    error = excinfo.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert str(path) in str(error)
    assert f"line {line}" in str(error)
    assert repr(field) in str(error)
    assert message in str(error)
    assert _snapshot() == before


def test_duplicate_commune_code_rejected_naming_the_second_line(tmp_path):
    rows = _rows()
    rows.append(list(rows[2]))  # a commune repeated at the end
    path = _write(tmp_path, rows)

    with pytest.raises(ReferenceDataError) as excinfo:
        load_reference_units(path)

    assert (excinfo.value.line, excinfo.value.field) == (len(rows), "code")
    assert "first on line 3" in str(excinfo.value)


def test_missing_commune_rejected_by_count(tmp_path):
    rows = _rows()
    path = _write(tmp_path, rows[:-1])
    before = _snapshot()

    with pytest.raises(ReferenceDataError, match="expected 34 provinces and 3321 communes, found 34 and 3320"):
        load_reference_units(path)
    assert _snapshot() == before


def test_missing_column_rejected(tmp_path):
    rows = [row[:-1] for row in _rows()]
    path = _write(tmp_path, rows)

    with pytest.raises(ReferenceDataError, match="missing column") as excinfo:
        load_reference_units(path)
    assert (excinfo.value.line, excinfo.value.field) == (1, "province_code")


def test_missing_file_rejected(tmp_path):
    with pytest.raises(ReferenceDataError, match="cannot open"):
        load_reference_units(tmp_path / "nope.csv")
