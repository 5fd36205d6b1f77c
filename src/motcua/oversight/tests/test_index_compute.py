"""The service index from facts: dossiers handled through the live services (crossing Tết, supplements), refreshed
into facts, then the index by level and period, with hand-computed expectations; drill-down to the dossiers."""

from decimal import Decimal

import pytest

from motcua.dossiers.tests.factories import AGENCY
from motcua.oversight import index, rules
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db
D = Decimal


def figure(table, code, indicator):
    row = next(r for r in table.rows if r["code"] == code)
    s = next(s for s in row["scores"] if s.code == indicator)
    return s.numerator, s.denominator, s.rate, s.points


@pytest.mark.parametrize(("period", "expected"), [
    # Feb: d1 on time and d4 (two requests) late ended; open at 28/2: d2 late (due 27/2), d3 on time (due 3/3).
    ("2026-02", (2, 4, D("50.00"), D("10.00"))),
    # Week 23/2–1/3: the same four.
    ("2026-W09", (2, 4, D("50.00"), D("10.00"))),
    # Mar: d2 and d3 ended late for the index.
    ("2026-03", (0, 2, D("0.00"), D("0.00"))),
    # Q1: all four ended; d1 on time.
    ("2026-Q1", (1, 4, D("25.00"), D("5.00"))),
    # Tết week 16–22/2: nothing ended; all four open and none late yet.
    ("2026-W08", (4, 4, D("100.00"), D("20.00"))),
    # Before receipt: zero denominator, N/A.
    ("2026-01", (0, 0, None, None)),
])
def test_processing_progress_across_tet(tet_dossiers, period, expected):
    table = index.compute(period, "agency", f"agency:{AGENCY}")
    assert figure(table, AGENCY, "2.1") == expected


def test_same_figures_for_the_province_and_the_country(tet_dossiers):
    province = index.compute("2026-02", "province")
    hanoi = next(r for r in province.rows if r["code"] == "01")
    assert figure(province, "01", "2.1") == (2, 4, D("50.00"), D("10.00"))
    assert figure(index.compute("2026-02", "country"), "VN", "2.1") == (2, 4, D("50.00"), D("10.00"))
    # Every province is listed; those without dossiers show N/A (0 in the total) and rank below.
    assert len(province.rows) == 34
    other = next(r for r in province.rows if r["code"] != "01")
    assert figure(province, other["code"], "2.1") == (0, 0, None, None)
    assert hanoi["rank"] == 1 and hanoi["total"] > other["total"]


def test_drill_down_gives_the_dossiers_behind_the_figure(tet_dossiers):
    d1, d2, d3, d4 = tet_dossiers
    codes = lambda qs: set(qs.values_list("dossier__code", flat=True))  # noqa: E731
    assert codes(index.dossiers_behind("2026-02", "agency", AGENCY, "2.1", "numerator")) == {d1.code, d3.code}
    assert codes(index.dossiers_behind("2026-02", "agency", AGENCY, "2.1", "denominator")) == {d1.code, d2.code,
                                                                                              d3.code, d4.code}
    assert codes(index.dossiers_behind("2026-03", "province", "01", "2.1", "numerator")) == set()
    assert codes(index.dossiers_behind("2026-Q1", "agency", AGENCY, "2.2", "denominator")) == {d1.code, d2.code,
                                                                                              d3.code, d4.code}


def test_average_time_subtracts_the_supplement_wait(tet_dossiers):
    _d1, _, _, _ = tet_dossiers
    n, den, _, points = figure(index.compute("2026-W09", "agency", f"agency:{AGENCY}"), AGENCY, "2.2")
    # d1: 13/2 10:00 → 26/2 10:00 = 13 days; d4: 13/2 10:00 → 26/2 11:00 less the working time waiting
    # (24/2 09:00 → 14:00 = 3.5 h, 25/2 09:00 → 10:00 = 1 h).
    d4_days = (13 * 86400 + 3600 - (3.5 + 1) * 3600) / 86400
    assert den == 2 and points == 0
    assert n == rules.round2(D((13 + d4_days) / 2))


def test_levels_and_scopes_are_checked():
    with pytest.raises(index.IndexError_):
        index.compute("2026-02", "planet")
    with pytest.raises(index.IndexError_):
        index.compute("2026-02", "procedure")
    with pytest.raises(index.IndexError_):
        index.compute("2026-02", "agency", "province:99")
    with pytest.raises(rules.PeriodError):
        index.compute("2026-14", "province")


def test_procedure_level_inside_an_agency(tet_dossiers):
    table = index.compute("2026-02", "procedure", f"agency:{AGENCY}")
    assert [r["code"] for r in table.rows] == ["1.000001"]
    assert figure(table, "1.000001", "2.1") == (2, 4, D("50.00"), D("10.00"))
    assert Agency.objects.get(code=AGENCY)
