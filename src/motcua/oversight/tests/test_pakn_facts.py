"""PAKN facts (Decision 766 group 6): the grouped counts equal ``feedback.queries.pakn_figures`` for every agency and
period; the index reads them for 6.1 and 6.2."""

from datetime import date, timedelta

import pytest

from motcua.feedback import generate as feedback_generate
from motcua.feedback.models import Feedback
from motcua.feedback.queries import pakn_figures
from motcua.oversight import facts, index, rules
from motcua.oversight.models import PaknFact

pytestmark = pytest.mark.django_db


def test_grouped_counts_equal_pakn_figures():
    feedback_generate.generate(400, seed=3, start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert Feedback.objects.count() > 100
    for key in ("2026-03", "2026-Q2", "2026"):
        p = rules.parse_period(key)
        grouped = facts.pakn_counts(p)
        assert grouped
        start = rules.end_instant(facts.p_before(p)) + timedelta(microseconds=1)
        end = rules.end_instant(p.end) + timedelta(microseconds=1)
        for agency_id in sorted(grouped)[:25]:
            expected = pakn_figures([agency_id], start, end)
            got = grouped[agency_id]
            assert {k: got[k] for k in got} == {k: expected[k] for k in got}, (key, agency_id)


def test_refresh_keeps_pakn_facts_and_the_index_reads_them():
    feedback_generate.generate(200, seed=5, start=date(2026, 1, 1), end=date(2026, 3, 31))
    facts.refresh()  # first run: a rebuild, every period
    full = sorted(PaknFact.objects.values_list("agency_id", "period", "all_items", "handled", "handled_on_time",
                                               "overdue", "disliked", "recomplained"))
    assert full
    facts.refresh_pakn()  # nothing new: nothing changes
    assert sorted(PaknFact.objects.values_list("agency_id", "period", "all_items", "handled", "handled_on_time",
                                               "overdue", "disliked", "recomplained")) == full
    row = PaknFact.objects.filter(period="2026-Q1").order_by("-all_items").first()
    table = index.compute("2026-Q1", "agency")
    agency_code = index.directory().agencies[row.agency_id].code
    scores = {s.code: s for s in next(r for r in table.rows if r["code"] == agency_code)["scores"]}
    assert scores["6.1"].denominator == row.handled
    assert scores["6.1"].numerator == row.handled_on_time
    assert scores["6.2"].denominator == row.all_items
    assert scores["6.2"].numerator == max(0, row.all_items - row.disliked - row.recomplained - row.overdue)
