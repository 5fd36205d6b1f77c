"""Personal identification numbers and enterprise codes (domain.md §4), table-driven."""

from datetime import date

import pytest

from motcua.core.identifiers import (
    IdentifierError,
    enterprise_code_error,
    parse_enterprise_code,
    parse_personal_id,
    personal_id_error,
)

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("number", "province", "sex", "year"),
    [
        ("001090012345", 1, "male", 1990),
        ("079185000001", 79, "female", 1985),
        ("096200123456", 96, "male", 2000),
        ("038326999999", 38, "female", 2026),  # born this year
        ("001000000000", 1, "male", 1900),
    ],
)
def test_valid_personal_ids_give_province_sex_and_birth_year(number, province, sex, year):
    parsed = parse_personal_id(number, today=TODAY)
    assert (parsed.province_code, parsed.sex, parsed.birth_year) == (province, sex, year)
    assert personal_id_error(number, today=TODAY) is None


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("", "personal_id_format"),
        ("00109001234", "personal_id_format"),  # 11 digits
        ("0010900123456", "personal_id_format"),  # 13 digits
        ("00109001234a", "personal_id_format"),
        ("００１０９００１２３４５", "personal_id_format"),  # full-width digits are not ASCII digits
        ("000090012345", "personal_id_province"),
        ("097090012345", "personal_id_province"),
        ("001690012345", "personal_id_century"),  # digit 4 = 6: the 2200s
        ("001227012345", "personal_id_birth_year"),  # 2027, after TODAY
        ("001490012345", "personal_id_birth_year"),  # 2190
    ],
)
def test_invalid_personal_ids_name_the_rule(number, rule):
    with pytest.raises(IdentifierError) as error:
        parse_personal_id(number, today=TODAY)
    assert error.value.rule == rule
    assert personal_id_error(number, today=TODAY)


@pytest.mark.parametrize(
    ("value", "code", "branch"),
    [("0101234567", "0101234567", ""), ("0101234567-001", "0101234567", "001"), (" 0312345678 ", "0312345678", "")],
)
def test_valid_enterprise_codes(value, code, branch):
    parsed = parse_enterprise_code(value)
    assert (parsed.code, parsed.branch) == (code, branch)
    assert enterprise_code_error(value) is None


@pytest.mark.parametrize("value", ["", "010123456", "01012345678", "0101234567-01", "0101234567-0011",
                                   "0101234567_001", "010123456X"])
def test_invalid_enterprise_codes(value):
    assert enterprise_code_error(value)
