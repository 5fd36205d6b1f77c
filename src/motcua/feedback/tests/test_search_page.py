"""The public answers' pages: the bounded two-step search (newest entries first, then the GIN index for rare words)
gives exactly the rows of the plain ordered query, on every page, for frequent, rare and absent words and with
filters; every published item has its search entry, in publication order."""

from datetime import date

import pytest

from motcua.feedback import queries
from motcua.feedback.generate import generate
from motcua.feedback.models import Feedback, PublishedEntry

from .factories import procedure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("probe", [10, 2000])
def test_search_pages_equal_the_plain_query(monkeypatch, probe):
    monkeypatch.setattr(queries, "PROBE_ROWS", probe)
    procedure("1.000001")
    generate(300, seed=11, start=date(2025, 1, 1), end=date(2025, 12, 31))
    published = Feedback.objects.filter(published_at__isnull=False)
    assert PublishedEntry.objects.count() == published.count() > 200
    agency = published.values_list("agency_id", flat=True).first()
    cases = [queries.PublicFilters(q=q) for q in ("", "thoi gian giai quyet", "cán bộ", "ban sao", "tham nhung",
                                                    "xyzxyz", "thu tuc thu", "quy dinh nghi dinh 15")]
    cases += [queries.PublicFilters(q="can bo", agency_ids=(agency,)), queries.PublicFilters(topic="conduct"),
              queries.PublicFilters(q="cham", kind="proposal"), queries.PublicFilters(procedure_code="1.000001")]
    for f in cases:
        expected = [i.code for i in queries.published_items(f)]
        for number in (1, 2, 4):
            page = queries.search_page(f, number, 10)
            assert [i.code for i in page.items] == expected[(number - 1) * 10:number * 10], (f, number)
            assert page.has_next == (len(expected) > number * 10)
    for item in queries.search_page(queries.PublicFilters(), 1, 10).items:
        assert not hasattr(item, "_submitter_loaded")
        assert "submitter_name" in item.get_deferred_fields()  # personal data is not even read
