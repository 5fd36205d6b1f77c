"""Service index scoring (domain.md §7) and a dossier's outcome for the index, table-driven with hand-computed
expectations."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from motcua.oversight import rules
from motcua.oversight.index import PERIOD_INDEX, CatalogCounts, Figures, scores_for

from .factories import vn

D = Decimal
IND = rules.INDICATOR_BY_CODE


@pytest.mark.parametrize(("num", "den", "maximum", "threshold", "rate", "points"), [
    (8, 10, D(20), None, D("80.00"), D("16.00")),
    (0, 0, D(20), None, None, None),               # zero denominator: N/A
    (5, None, D(6), None, None, None),             # unknown denominator: N/A
    (7, 10, D(4), D("0.8"), D("70.00"), D("3.50")),  # below the threshold: max × rate ÷ threshold
    (9, 10, D(4), D("0.8"), D("90.00"), D("4.00")),  # at or above: max
    (8, 10, D(4), D("0.8"), D("80.00"), D("4.00")),
    (1, 3, D(6), None, D("33.33"), D("2.00")),
    (2, 3, D(6), D("0.5"), D("66.67"), D("6.00")),
    (1, 3, D(4), D("0.5"), D("33.33"), D("2.67")),   # 4 × 0.3333 ÷ 0.5 = 2.6667 → 2.67
    (0, 5, D(6), None, D("0.00"), D("0.00")),
])
def test_score(num, den, maximum, threshold, rate, points):
    s = rules.score(IND["2.1"], num, den, max_points=maximum, threshold=threshold)
    assert (s.rate, s.points) == (rate, points)


def test_total_counts_na_as_zero_and_rounds():
    scores = [rules.score(IND["2.1"], 1, 3), rules.score(IND["1.4"], None, None), rules.score(IND["4.3"], 2, 3)]
    assert [s.points for s in scores] == [D("6.67"), None, D("4.00")]
    assert rules.total(scores) == D("10.67")


def test_rank_shares_places_on_equal_totals():
    rows = [{"code": "a", "name": "A", "total": D(5)}, {"code": "b", "name": "B", "total": D(9)},
            {"code": "c", "name": "C", "total": D(5)}, {"code": "d", "name": "D", "total": D(1)}]
    assert [(r["code"], r["rank"]) for r in rules.rank(rows)] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-W07", date(2026, 2, 9), date(2026, 2, 15)),
    ("2026-w53", None, None),  # 2026 has 53 ISO weeks
])
def test_periods(text, start, end):
    p = rules.parse_period(text)
    if start:
        assert (p.start, p.end) == (start, end)
    else:
        assert p.end - p.start == timedelta(days=6)


@pytest.mark.parametrize("text", ["", "26", "2026-13", "2026-Q5", "2026-W60", "1999", "oct"])
def test_bad_periods(text):
    with pytest.raises(rules.PeriodError):
        rules.parse_period(text)


def test_trailing_periods_cross_years():
    assert [p.key for p in rules.trailing_periods(rules.parse_period("2026-02"), 3)] == ["2025-12", "2026-01",
                                                                                          "2026-02"]
    assert [p.key for p in rules.trailing_periods(rules.parse_period("2026-Q1"), 2)] == ["2025-Q4", "2026-Q1"]


def raw(**kw) -> rules.DossierRaw:
    base = {"id": 1, "agency_id": 1, "procedure_id": 1, "channel": "online", "state": "returned",
            "submitted_at": vn(2026, 10, 1, 8), "received_at": vn(2026, 10, 1, 9), "finished_at": None,
            "returned_at": None, "index_due_at": vn(2026, 10, 8, 17), "supplement_count": 0,
            "supplement_wait_seconds": 0, "rating": "", "rated_at": None, "version": 5, "second_supplement_at": None,
            "supplement_requests": 0, "electronic_result": False, "payment_requested": False, "paid_online": False,
            "issues_document": False}
    base.update(kw)
    return rules.DossierRaw(**base)


F = rules.F
# (case, raw overrides, on_time, late_at)
OUTCOMES = [
    ("finished before the due time", {"finished_at": vn(2026, 10, 5, 10)}, True, None),
    ("finished exactly at the due time", {"finished_at": vn(2026, 10, 8, 17)}, True, None),
    ("finished after the due time", {"finished_at": vn(2026, 10, 9, 8)}, False, vn(2026, 10, 8, 17)),
    ("two supplement requests, finished early: late", {"finished_at": vn(2026, 10, 6, 10), "supplement_count": 2,
                                                          "second_supplement_at": vn(2026, 10, 3, 9)},
     False, vn(2026, 10, 3, 9)),
    ("one supplement request, wait already added to the due time",
     {"finished_at": vn(2026, 10, 12, 10), "supplement_count": 1, "index_due_at": vn(2026, 10, 13, 17)}, True, None),
    ("open, due time passed", {"state": "processing"}, None, vn(2026, 10, 8, 17)),
    ("open, waiting for a supplement: clock paused", {"state": "supplement_requested"}, None, None),
    ("open, waiting after two requests: late from the second", {"state": "supplement_requested",
                                                                    "supplement_count": 2,
                                                                    "second_supplement_at": vn(2026, 10, 4, 9)},
     None, vn(2026, 10, 4, 9)),
    ("no due time (no time limit): never late on time", {"finished_at": vn(2027, 1, 5, 9), "index_due_at": None},
     True, None),
    ("returned before finished_at is recorded: the return ends it", {"returned_at": vn(2026, 10, 7, 9)}, True,
     None),
]


@pytest.mark.parametrize(("case", "overrides", "on_time", "late_at"), OUTCOMES, ids=[c[0] for c in OUTCOMES])
def test_dossier_outcome(case, overrides, on_time, late_at):
    fact = rules.dossier_outcome(raw(**overrides))
    assert fact[F["on_time"]] is on_time
    assert fact[F["late_at"]] == late_at


def contributions_by_name(fact):
    out = {}
    for day, i, v in rules.contributions(fact):
        out[(rules.DAILY_COUNTERS[i], day)] = out.get((rules.DAILY_COUNTERS[i], day), 0) + v
    return out


def test_contributions_of_a_late_dossier():
    fact = rules.dossier_outcome(raw(finished_at=vn(2026, 10, 20, 10), returned_at=vn(2026, 10, 21, 10),
                                     supplement_requests=1, supplement_count=1, supplement_wait_seconds=3600,
                                     electronic_result=True, issues_document=True, rating="not_satisfied",
                                     rated_at=vn(2026, 10, 22, 9)))
    c = contributions_by_name(fact)
    d = date
    assert c[("received", d(2026, 10, 1))] == 1 and c[("received_online", d(2026, 10, 1))] == 1
    assert c[("ended", d(2026, 10, 20))] == 1 and c[("ended_late", d(2026, 10, 20))] == 1
    assert ("ended_on_time", d(2026, 10, 20)) not in c
    assert c[("became_late", d(2026, 10, 8))] == 1
    assert c[("contacts_1", d(2026, 10, 20))] == 1
    assert c[("processing_seconds", d(2026, 10, 20))] == (19 * 86400 + 3600) - 3600
    assert c[("returned_online_electronic", d(2026, 10, 21))] == 1
    assert c[("returned_document_electronic", d(2026, 10, 21))] == 1
    assert ("returned_online_document_paper", d(2026, 10, 21)) not in c
    assert c[("rated_not_satisfied", d(2026, 10, 22))] == 1


def test_not_received_dossier_counts_only_as_not_received():
    fact = rules.dossier_outcome(raw(received_at=None, finished_at=vn(2026, 10, 1, 10), state="not_received",
                                     index_due_at=None))
    assert contributions_by_name(fact) == {("not_received", date(2026, 10, 1)): 1}


def test_every_indicator_from_hand_made_figures(settings):
    """All 22 indicators from figures whose results are computed by hand below."""
    settings.MOTCUA_INDEX_POINTS = {}
    f = Figures()
    values = {"received": 10, "received_online": 6, "ended": 8, "ended_on_time": 5, "processing_seconds": 8 * 2 * 86400,
                  "returned": 6, "returned_electronic": 3, "returned_online": 4, "returned_online_electronic": 3,
                  "payment_requested": 4, "paid_online": 1, "rated": 5, "rated_not_satisfied": 1,
                  "returned_document": 5, "returned_document_electronic": 3, "returned_online_document_paper": 1}
    for k, v in values.items():
        f.sums[PERIOD_INDEX[k]] = v
    f.open_at_end, f.open_late_at_end = 4, 1
    f.online_dossier_procedures = {1, 2, 9}
    f.paid_online_procedures = {2}
    f.pakn = {"all": 10, "handled": 8, "handled_on_time": 6, "overdue": 2, "disliked": 1, "recomplained": 1}
    cat = CatalogCounts(procedures={1, 2, 3, 4, 5}, online={1, 2, 3}, fee={2, 3}, document={1, 2}, complete=4,
                        registry=1, published_known=4, published_on_time=3, updated_known=0, updated_on_time=0)
    got = {s.code: (s.numerator, s.denominator, s.rate, s.points) for s in scores_for(f, cat)}
    expected = {
        "1.1": (3, 4, D("75.00"), D("4.50")),     # 6 × 3/4
        "1.2": (0, 0, None, None),               # no dates known: N/A
        "1.3": (4, 5, D("80.00"), D("1.60")),
        "1.4": (None, None, None, None),         # no sync data in motcua: N/A
        "2.1": (8, 12, D("66.67"), D("13.33")),  # (5 on time + 4 open − 1 open late) ÷ (8 ended + 4 open)
        "2.2": (D("2.00"), 8, None, D("0")),     # 2 days average, tracked only
        "3.1": (3, 5, D("60.00"), D("3.00")),    # 4 × 0.6 ÷ 0.8
        "3.2": (2, 3, D("66.67"), D("2.67")),    # online procedures 1, 2 of 1, 2, 3 received online dossiers
        "3.3": (5, 10, D("50.00"), D("4.00")),   # (6 online − 1 paper result) ÷ 10, full at 50%
        "4.1": (None, None, None, None),
        "4.2": (1, 2, D("50.00"), D("1.00")),
        "4.3": (1, 4, D("25.00"), D("1.50")),
        "5.1": (3, 5, D("60.00"), D("3.60")),
        "5.2": (None, None, None, None), "5.3": (None, None, None, None), "5.4": (None, None, None, None),
        "5.5": (None, None, None, None),
        "5.6": (1, 5, D("20.00"), D("0.40")),
        "5.7": (None, None, None, None),
        "6.1": (6, 8, D("75.00"), D("4.50")),
        "6.2": (6, 10, D("60.00"), D("3.60")),   # (10 − 1 − 1 − 2) ÷ 10
        "6.3": (7, 12, D("58.33"), D("3.89")),   # 12 − 4 late − 1 disliked = 7; 6 × 0.5833 ÷ 0.9
    }
    assert got == expected
    assert rules.total(scores_for(f, cat)) == sum(v[3] for v in expected.values() if v[3] is not None)


def test_online_split_is_configuration(settings):
    settings.MOTCUA_INDEX_POINTS = {"3.1": 6, "3.2": 2, "3.3": 4}
    f = Figures()
    cat = CatalogCounts(procedures={1, 2}, online={1, 2})
    got = {s.code: s.points for s in scores_for(f, cat)}
    assert got["3.1"] == D("6.00") and got["3.2"] == D("0.00")


@pytest.mark.parametrize(("points", "name"), [(D(18), "Xuất sắc"), (D(15), "Xuất sắc"), (D("14.99"), "Tốt"),
                                              (D(12), "Tốt"), (D("11.5"), "Khá"), (D(9), "Khá"),
                                              (D("8.99"), "Trung bình"), (D(6), "Trung bình"), (D("5.99"), "Yếu"),
                                              (D(0), "Yếu")])
def test_evaluation_bands(points, name):
    assert rules.band(points) == name


# Decision 766 cross-check (issue 11 point 11): the only text found (a secondary source quoting the decision, in
# shared/law/decision-766-2022.md) gives these points; domain.md §7 the groups as DVCQG scores them.
@pytest.mark.parametrize(("what", "got", "expected"), [
    ("total of the six groups", lambda: sum(i.points for i in rules.INDICATORS), D(100)),
    ("group 1 publicity and transparency", lambda: sum(i.points for i in rules.INDICATORS if i.group == 1), D(18)),
    ("1.2 updated and published on time: 4 of 18", lambda: rules.INDICATOR_BY_CODE["1.2"].points, D(4)),
    ("2.1 dossiers on time: up to 20", lambda: rules.INDICATOR_BY_CODE["2.1"].points, D(20)),
    ("group 6 satisfaction: 18", lambda: sum(i.points for i in rules.INDICATORS if i.group == 6), D(18)),
    ("6.3 satisfaction in handling dossiers: 6 of 18", lambda: rules.INDICATOR_BY_CODE["6.3"].points, D(6)),
    ("group 5 digitisation (domain.md §7): 22", lambda: sum(i.points for i in rules.INDICATORS if i.group == 5), D(22)),
])
def test_decision_766_groups_and_points(what, got, expected):
    assert got() == expected, what


@pytest.mark.parametrize(("period", "key", "evaluator"), [
    ("2025-06", "nd61-2018", "VPCP"),  # history: the old evaluation sits beside the index
    ("2025-07", "nd118-2025", "VPCP"),  # Decree 118/2025
    ("2026-09", "nd118-2025+nd309-2026", "BTP"),  # as amended by Decree 309/2026: the Ministry of Justice evaluates
])
@pytest.mark.django_db
def test_the_index_reads_the_rule_set_of_its_period(period, key, evaluator):
    from motcua.oversight import index

    body = index.compute(period, "province").as_dict()
    assert body["rule_set"]["key"] == key and body["evaluator"]["code"] == evaluator
