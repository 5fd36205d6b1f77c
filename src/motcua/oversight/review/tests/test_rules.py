"""Table-driven tests of the pure review rules, with hand-computed expectations."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.oversight.review import rules


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 30), 36, date(2023, 11, 30)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
    (date(2028, 3, 31), 1, date(2028, 2, 29)),
    (date(2026, 1, 15), 13, date(2024, 12, 15)),
])
def test_months_before(day, months, expected):
    assert rules.months_before(day, months) == expected


@pytest.mark.parametrize(("last", "valid_from", "expected"), [
    (date(2023, 11, 30), None, "active"),      # on the cut-off day: still inside the 36 months
    (date(2023, 11, 29), None, "dormant"),     # one day older
    (None, None, "dormant"),                   # never a dossier, in force long ago
    (None, date(2020, 1, 1), "dormant"),
    (None, date(2024, 6, 1), "young"),         # in force for less than 36 months: cannot be judged
    (date(2026, 11, 1), date(2026, 1, 1), "active"),
])
def test_dormancy_36_months(last, valid_from, expected):
    assert rules.dormancy(last, valid_from, date(2026, 11, 30)) == expected


@pytest.mark.parametrize(("before", "after", "rate"), [
    (1_024_000, 231_000, Decimal("77.44")),          # domain.md §6: one procedure, per dossier
    (2_306, 654, Decimal("71.64")),                  # domain.md §6: Hà Nội, 293 procedures (bn VND/year)
    (100, 100, Decimal("0.00")),
    (100, 150, Decimal("-50.00")),                   # a plan that costs more shows a negative saving
    (0, 0, None),
])
def test_savings_rate(before, after, rate):
    assert rules.savings_rate(before, after) == rate


@pytest.mark.parametrize(("hours", "income", "fees", "other", "expected"), [
    (Decimal(10), Decimal(45_000), Decimal(50_000), Decimal(0), Decimal(500_000)),
    (Decimal("2.5"), Decimal(40_000), Decimal(0), Decimal(31_000), Decimal(131_000)),
    (Decimal(0), Decimal(45_000), Decimal(0), Decimal(0), Decimal(0)),
    (Decimal("0.333"), Decimal(45_000), Decimal(0), Decimal(0), Decimal(14_985)),
])
def test_cost_per_performance(hours, income, fees, other, expected):
    assert rules.cost_per_performance(hours, income, fees, other) == expected


def test_annual_cost_is_per_performance_times_frequency_times_subjects():
    # Circular 02/2017 Art. 27: 231,000 VND × 2 a year × 1,500 subjects.
    assert rules.annual_cost(Decimal(231_000), Decimal(2), Decimal(1_500)) == Decimal(693_000_000)


@pytest.mark.parametrize(("rate", "year", "status"), [
    (Decimal("30.00"), 2025, "met"), (Decimal("29.99"), 2025, "behind"), (Decimal("50"), 2026, "met"),
    (Decimal("49.99"), 2026, "behind"), (None, 2025, "no_data"), (Decimal(80), 2024, "no_target"),
])
def test_target_status(rate, year, status):
    assert rules.target_status(rate, year) == status


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 0.5, None), ([5], 0.9, 5.0), ([1, 2, 3, 4], 0.5, 2.5), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
    ([10, 1, 5], 0.5, 5.0),
])
def test_percentile(values, p, expected):
    assert rules.percentile(values, p) == expected


@pytest.mark.parametrize(("steps", "expected"), [
    ([("receive", "H01", 100, 0), ("appraise", "H01", 50_000, 40_000), ("approve", "H01", 30_000, 10_000)],
     ("approve", "H01")),  # overran by 20,000 s vs 10,000 s
    ([("appraise", "H01", 100, 1_000)], None),                    # nobody overran
    ([("appraise", "H01", 5_000, None)], None),                   # no budget: cannot blame
    ([("appraise", "H01.STP", 2_000, 1_000), ("approve", "H01", 2_000, 1_000)], ("appraise", "H01.STP")),  # tie: first
])
def test_attribute_overdue(steps, expected):
    assert rules.attribute_overdue(steps) == expected


def test_directly_follows_counts_and_durations():
    traces = [[("submit", 0), ("receive", 60), ("approve", 600)], [("submit", 0), ("receive", 120)]]
    edges = rules.directly_follows(traces)
    assert edges[("submit", "receive")] == [60, 120]
    assert edges[("receive", "approve")] == [540]
    assert edges[(rules.START, "submit")] == [0.0, 0.0]
    assert edges[("receive", rules.END)] == [0.0]
    assert edges[("approve", rules.END)] == [0.0]


@pytest.mark.parametrize(("local", "national", "flags"), [
    (rules.VersionTerms(3, 5, 0), rules.VersionTerms(3, 5, 0), []),
    (rules.VersionTerms(4, 5, 0), rules.VersionTerms(3, 5, 0), ["more_documents"]),
    (rules.VersionTerms(3, 7, 10_000), rules.VersionTerms(3, 5, 0), ["more_time", "higher_fees"]),
    (rules.VersionTerms(2, 3, 0), rules.VersionTerms(3, 5, 5_000), []),  # asking less is fine
    (rules.VersionTerms(3, None, None), rules.VersionTerms(3, 5, 0), []),  # unknown: no flag
])
def test_extra_demands(local, national, flags):
    assert rules.extra_demands(local, national) == flags


def test_best_practice_is_fastest_with_enough_dossiers_then_online_then_satisfaction():
    rows = [rules.Practice("1", 100, 3.0, 0.5, 0.9), rules.Practice("79", 4, 1.0, 1.0, 1.0),  # too few dossiers
            rules.Practice("48", 50, 3.0, 0.8, 0.7), rules.Practice("31", 80, 4.0, 0.99, 0.99)]
    assert rules.best_practice(rows, min_dossiers=5) == "48"
    assert rules.best_practice([rules.Practice("1", 2, 1.0, None, None)]) is None


@pytest.mark.parametrize(("facts", "action"), [
    (rules.ProcedureFacts("dormant"), "abolish"),
    (rules.ProcedureFacts("young"), "keep"),  # in force for less than 36 months: cannot be judged yet
    (rules.ProcedureFacts("active", dossiers=10, duplicate_of="1.000002"), "merge"),
    (rules.ProcedureFacts("active", dossiers=10, best_overlap=("1.000002", 0.9)), "merge"),
    (rules.ProcedureFacts("active", dossiers=10, best_overlap=("1.000002", 0.6)), "keep"),
    (rules.ProcedureFacts("active", dossiers=10, overdue_share=0.10), "simplify"),
    (rules.ProcedureFacts("active", dossiers=10, supplement_share=0.25), "simplify"),
    (rules.ProcedureFacts("active", dossiers=10, documents=8), "simplify"),
    (rules.ProcedureFacts("active", dossiers=10, online=False), "simplify"),
    (rules.ProcedureFacts("active", dossiers=10, overdue_share=0.09, documents=7), "keep"),
])
def test_proposal(facts, action):
    got, reasons = rules.propose(facts)
    assert got == action
    assert reasons and all(isinstance(r, str) and r for r in reasons)


def test_abolish_reason_names_the_last_dossier():
    _, reasons = rules.propose(rules.ProcedureFacts("dormant", last_dossier=date(2022, 5, 4)))
    assert "04/05/2022" in reasons[0]


def test_features_keep_the_word_that_tells_siblings_apart():
    birth, death = rules.features("Đăng ký khai sinh"), rules.features("Đăng ký khai tử")
    assert "khai_sinh" in birth and "khai_tu" in death and "khai_tu" not in birth


def _vectors(names: list[str]):
    items = [{"name": rules.features(n), "documents": Counter(), "steps": Counter()} for n in names]
    corpus = rules.Corpus.build(items)
    return [corpus.vector("name", i["name"], max_share=1.0) for i in items]


def test_contrast_separates_siblings_from_duplicates():
    names = ["Đăng ký khai sinh", "Đăng ký khai tử", "Thủ tục đăng ký khai sinh", "Cấp giấy phép xây dựng",
             "Cấp giấy phép lái xe", "Đăng ký kết hôn"]
    v = _vectors(names)
    assert rules.contrast(v[0], v[1]) >= 0.15  # birth / death: each has its own rare word
    assert rules.contrast(v[0], v[2]) < 0.15   # one name only adds "thủ tục" to the other
    assert rules.cosine(v[0], v[0]) == pytest.approx(1.0)


@pytest.mark.parametrize(("name", "docs", "steps", "contrast", "proposed"), [
    (0.9, 0.9, 0.9, 0.0, True),
    (0.9, 0.2, 0.5, 0.0, True),    # near-identical names with agreeing steps
    (0.6, 0.2, 0.9, 0.0, False),   # names alike but documents differ: siblings
    (0.4, 0.9, 0.9, 0.0, False),   # documents alike but names differ
    (0.9, 0.9, 0.9, 0.3, False),   # each name has its own distinctive word
])
def test_overlap_needs_agreement_across_fields(name, docs, steps, contrast, proposed):
    assert (rules.overlap_score(name, docs, steps, contrast) is not None) == proposed


def _unit(name, group, staff, arrivals, open_, completions):
    return rules.UnitLoad(name, group, tuple(f"{name}-{i}" for i in range(staff)), arrivals, open_, completions)


def test_reallocation_moves_from_spare_to_backlog_inside_a_group():
    units = [_unit("A", "H01", 6, 10, 10, 10),     # 6 officers for 10 a week: spare
             _unit("B", "H01", 2, 30, 90, 20),     # 2 officers, 30 a week arriving, 90 open: short
             _unit("C", "H79", 1, 50, 200, 5)]     # another province: nobody there to move
    moves = rules.reallocate(units)
    # Group H01 rate = 30 completions / 8 officers = 3.75 a week. Need A = 10/3.75 = 2.67 → keeps 3, spares 3.
    # Need B = (30 + (90 − 30)/8) / 3.75 = 10 → short of 8; three moves, each A → B.
    assert [(m.from_unit, m.to_unit) for m in moves] == [("A", "B")] * 3
    assert [m.officer for m in moves] == ["A-0", "A-1", "A-2"]
    # B's excess backlog 60 at 3.75 a week: 16 weeks.
    assert {m.weeks for m in moves} == {16}


@given(st.lists(st.tuples(st.sampled_from(["G1", "G2"]), st.integers(0, 6), st.floats(0, 60), st.integers(0, 300),
                          st.floats(0, 60)), min_size=1, max_size=8))
def test_reallocation_keeps_headcount_and_never_empties_a_unit(specs):
    units = [_unit(f"U{i}", g, s, a, o, c) for i, (g, s, a, o, c) in enumerate(specs)]
    moves = rules.reallocate(units)
    staff = {u.unit: len(u.staff) for u in units}
    before = dict(staff)
    moved = [m.officer for m in moves]
    assert len(moved) == len(set(moved))  # an officer moves at most once
    groups = {u.unit: u.group for u in units}
    for m in moves:
        assert groups[m.from_unit] == groups[m.to_unit] and m.from_unit != m.to_unit
        assert m.officer.startswith(m.from_unit + "-")
        assert 2 <= m.weeks <= 26
        staff[m.from_unit] -= 1
        staff[m.to_unit] += 1
    assert sum(staff.values()) == sum(before.values())
    assert all(staff[u] >= 1 for u in staff if before[u] >= 1 and any(m.from_unit == u for m in moves))


@pytest.mark.parametrize(("weekly", "expected"), [
    ([(10, 5)] * 8, True), ([(10, 5)] * 6 + [(5, 10)] * 2, True), ([(10, 5)] * 5 + [(5, 10)] * 3, False), ([], False),
])
def test_sustained_backlog(weekly, expected):
    assert rules.sustained_backlog(weekly) is expected


@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠĐđÊỆỄỂểệ .,-/0123456789\t\n"
                                             "̣́̀")), max_size=60))
def test_fast_terms_are_the_core_terms(text):
    from motcua.core.text import terms

    assert rules.fast_terms(text) == terms(text)


def test_graph_reads_along_the_main_path():
    from motcua.oversight.review.charts import dfg_svg, node_order

    edges = [{"from": "▶", "to": "submit", "count": 10, "median_hours": 0}, {"from": "submit", "to": "refuse",
             "count": 2, "median_hours": 1}, {"from": "submit", "to": "receive", "count": 8, "median_hours": 1},
             {"from": "receive", "to": "approve", "count": 8, "median_hours": 5},
             {"from": "approve", "to": "■", "count": 8, "median_hours": 0},
             {"from": "refuse", "to": "■", "count": 2, "median_hours": 0}]
    assert node_order(edges) == ["▶", "submit", "refuse", "receive", "approve", "■"]
    svg = dfg_svg(edges)
    assert svg.startswith("<svg") and "Tiếp nhận" in svg and "8 · 5 h" in svg
    assert dfg_svg([]) == ""


def test_localised_copy_asking_more_is_proposed_for_simplification():
    action, reasons = rules.propose(rules.ProcedureFacts("active", dossiers=10, extra_demands=("more_documents",
                                                                                                "higher_fees")))
    assert action == "simplify"
    assert reasons == ["Bản địa phương yêu cầu thêm thành phần hồ sơ, phí, lệ phí cao hơn so với thủ tục quốc gia "
                       "(bảo đảm bình đẳng)."]
