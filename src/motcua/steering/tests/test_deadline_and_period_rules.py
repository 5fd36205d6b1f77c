"""Deadlines as the Working Group writes them (day, month, quarter, year, continuous) and reporting periods:
table-driven, with properties (issue 5 point 6: "submit the draft directive in 10/2023")."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.steering.rules import (
    Period,
    Precision,
    RuleError,
    check_report_period,
    parse_deadline,
    parse_period,
)


@pytest.mark.parametrize(("text", "precision", "last_day", "label"), [
    ("31/10/2023", Precision.DAY, date(2023, 10, 31), "31/10/2023"),
    ("ngày 5/1/2024", Precision.DAY, date(2024, 1, 5), "05/01/2024"),
    ("2023-10-16", Precision.DAY, date(2023, 10, 16), "16/10/2023"),
    ("10/2023", Precision.MONTH, date(2023, 10, 31), "Tháng 10/2023"),
    ("trong tháng 10/2023", Precision.MONTH, date(2023, 10, 31), "Tháng 10/2023"),
    ("Tháng 2/2024", Precision.MONTH, date(2024, 2, 29), "Tháng 02/2024"),   # leap year
    ("2023-02", Precision.MONTH, date(2023, 2, 28), "Tháng 02/2023"),
    ("quý IV/2023", Precision.QUARTER, date(2023, 12, 31), "Quý IV/2023"),
    ("Quý I/năm 2024", Precision.QUARTER, date(2024, 3, 31), "Quý I/2024"),
    ("2024-Q2", Precision.QUARTER, date(2024, 6, 30), "Quý II/2024"),
    ("năm 2024", Precision.YEAR, date(2024, 12, 31), "Năm 2024"),
    ("2025", Precision.YEAR, date(2025, 12, 31), "Năm 2025"),
    ("thường xuyên", Precision.NONE, None, "Thường xuyên"),
    ("", Precision.NONE, None, "Thường xuyên"),
])
def test_deadlines_read_as_written(text, precision, last_day, label):
    deadline = parse_deadline(text)
    assert (deadline.precision, deadline.last_day, deadline.label) == (precision, last_day, label)
    assert parse_deadline(deadline.code) == deadline  # the compact form reads back


@pytest.mark.parametrize("text", ["13/2023", "31/02/2024", "quý V/2023", "tháng 0/2023", "1999", "sớm", "10-2023x"])
def test_unreadable_deadlines_are_refused_with_the_accepted_forms(text):
    with pytest.raises(RuleError, match=r"\d|thường xuyên|không"):
        parse_deadline(text)


@pytest.mark.parametrize(("text", "as_of", "overdue"), [
    ("10/2023", date(2023, 10, 31), False),   # the last day of the month is still on time
    ("10/2023", date(2023, 11, 1), True),     # overdue from the next month's first day
    ("31/10/2023", date(2023, 10, 31), False),
    ("31/10/2023", date(2023, 11, 1), True),
    ("quý IV/2023", date(2023, 12, 31), False),
    ("quý IV/2023", date(2024, 1, 1), True),
    ("2023", date(2023, 12, 31), False),
    ("thường xuyên", date(2099, 1, 1), False),
])
def test_overdue_only_after_the_last_day(text, as_of, overdue):
    assert parse_deadline(text).is_overdue(as_of) is overdue


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_a_month_deadline_ends_on_the_month_last_day(year, month):
    deadline = parse_deadline(f"{month}/{year}")
    assert deadline.last_day.month == month
    assert deadline.last_day.replace(day=1) == date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    assert deadline.is_overdue(following) and not deadline.is_overdue(deadline.last_day)


@pytest.mark.parametrize(("text", "ok"), [("2026-11", True), ("2026-1", False), ("2026-13", False),
                                          ("11/2026", False), ("", False)])
def test_periods(text, ok):
    if ok:
        assert str(parse_period(text)) == text
    else:
        with pytest.raises(RuleError):
            parse_period(text)


def test_period_neighbours_and_bounds():
    p = Period(2026, 12)
    assert (str(p.next()), str(p.previous()), p.first_day, p.last_day) == ("2027-01", "2026-11", date(2026, 12, 1),
                                                                          date(2026, 12, 31))
    assert str(Period(2026, 1).previous()) == "2025-12"


def test_a_report_cannot_cover_a_month_that_has_not_begun():
    today = date(2026, 11, 30)
    check_report_period(Period(2026, 11), "monthly", today)
    check_report_period(Period(2026, 9), "monthly", today)   # late report for an earlier month
    with pytest.raises(RuleError):
        check_report_period(Period(2026, 12), "monthly", today)
    with pytest.raises(RuleError):
        check_report_period(Period(2026, 10), "ad_hoc", today)  # ad hoc reports belong to the month they are sent
