"""Issue 14 point 4: dates read dd/mm/yyyy and times "HH:MM dd/mm/yyyy" on the oversight pages (rendered), never
ISO and never date before time."""

import re
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model

from motcua.demo import generate as gen
from motcua.oversight import facts, index, queries
from motcua.portal.templatetags.portal_format import vdate
from motcua.units.models import Agency, Membership

from .factories import START, small_catalog

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DATE_BEFORE_TIME = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")
TIME_THEN_DATE = re.compile(r"\b\d{2}:\d{2} \d{2}/\d{2}/\d{4}\b")


def _text(html: str) -> str:
    """What a reader sees: attribute values (links carry ISO dates as parameters) left out."""
    return re.sub(r'"[^"]*"', "", html)


@pytest.fixture
def history():
    small_catalog()
    gen.generate(200, start=START, end=date(2026, 3, 10), seed=5)
    facts.rebuild()
    index.directory(fresh=True)


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-03-12", "12/03/2026"),
    ("2026-03-12T09:05:00+07:00", "09:05 12/03/2026"),
    (datetime(2026, 3, 12, 9, 5), "09:05 12/03/2026"),
    ("không rõ", "không rõ"),
])
def test_vdate_reads_iso_text_stored_in_json_too(value, shown):
    assert vdate(value) == shown


def test_the_dashboard_names_the_period_and_the_refresh_time_the_vietnamese_way(history, client):
    user = get_user_model().objects.create_user("btp-dates", password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    client.force_login(user)
    page = client.get("/giam-sat/").content.decode()
    assert re.search(r"kỳ hiện tại: Tháng \d{1,2}/\d{4}", page)
    assert TIME_THEN_DATE.search(page) and not DATE_BEFORE_TIME.search(page)
    assert not ISO.search(_text(page))


def test_a_units_page_gives_the_period_in_dd_mm_yyyy(history, client):
    queries.warm(["2026-02"], levels=("province",))  # the pages read what the scheduled refresh stores
    page = client.get("/giam-sat/chi-so/don-vi/?period=2026-02&level=province&code=01")
    html = page.content.decode()
    assert page.status_code == 200, html[:500]
    assert "(01/02/2026 – 28/02/2026)" in html
    assert not ISO.search(_text(html))
