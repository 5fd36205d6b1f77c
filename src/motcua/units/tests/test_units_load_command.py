"""``motcua units load`` reloads the reference data and prints a summary; a bad file is a clear command error."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_units_load_prints_summary():
    out = io.StringIO()

    call_command("units", "load", stdout=out)

    assert "Up to date: 34 provinces, 3321 communes" in out.getvalue()


def test_units_load_bad_csv_is_a_command_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("level,code,name,division_type,province_code\nprovince,x,A,tỉnh,1\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"bad\.csv, line 2, field 'code'.*Nothing was changed"):
        call_command("units", "load", "--csv", str(path))
