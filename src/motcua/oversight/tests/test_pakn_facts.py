"""PAKN facts (Decision 766 group 6): the facts store what ``feedback.queries.pakn_counts`` (the one place PAKN is
counted) gives for every agency and period; the index, the dashboard and the monthly report read them."""

from datetime import date, timedelta

import pytest
from django.db.models import F

from motcua.feedback import generate as feedback_generate
from motcua.feedback.models import Feedback
from motcua.feedback.queries import pakn_figures
from motcua.oversight import facts, index, rules
from motcua.oversight import queries as oversight_queries
from motcua.oversight.models import PaknFact
from motcua.reports import monthly

pytestmark = pytest.mark.django_db


def test_the_stored_facts_sum_to_the_figures_counted_over_the_items():
    feedback_generate.generate(400, seed=3, start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert Feedback.objects.count() > 100
    facts.refresh_pakn(full=True)
    for key in ("2026-03", "2026-Q2", "2026"):
        p = rules.parse_period(key)
        start = rules.end_instant(facts.p_before(p)) + timedelta(microseconds=1)
        end = rules.end_instant(p.end) + timedelta(microseconds=1)
        agencies = sorted(PaknFact.objects.filter(period=key).values_list("agency_id", flat=True))
        assert agencies
        assert oversight_queries.pakn_figures(None, key) == pakn_figures(None, start, end), key
        for agency_id in agencies[:25]:
            assert oversight_queries.pakn_figures({agency_id}, key) == pakn_figures([agency_id], start, end), \
                (key, agency_id)


def test_the_dashboard_and_the_monthly_report_read_pakn_from_the_facts_only():
    feedback_generate.generate(120, seed=4, start=date(2026, 3, 1), end=date(2026, 3, 31))
    facts.refresh_pakn(full=True)
    stored = oversight_queries.pakn_figures(None, "2026-03")
    assert stored["all"] > 0
    # A figure moved in the facts only shows on the pages: they read nothing else.
    one = PaknFact.objects.filter(period="2026-03").order_by("agency_id").first()
    PaknFact.objects.filter(pk=one.pk).update(all_items=F("all_items") + 1000)
    assert oversight_queries.pakn_figures(None, "2026-03")["all"] == stored["all"] + 1000
    section = monthly.section_feedback(rules.parse_period("2026-03"), monthly.parse_scope(None))
    assert f"{stored['all'] + 1000:,}".replace(",", ".") in section.blocks[0].text


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
