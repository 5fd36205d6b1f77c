"""Issue 14 point 5: on the index and evaluation pages, periods and scopes are chosen from lists (names, not codes),
and what goes wrong is said in Vietnamese."""

import re

import pytest

from motcua.oversight import index

from .factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    small_catalog()
    index.directory(fresh=True)


@pytest.mark.parametrize("url", ["/giam-sat/chi-so/?period=2026-02", "/giam-sat/danh-gia/?period=2026-02"])
def test_periods_and_scopes_are_chosen_from_lists_by_name(catalog, client, url):
    html = client.get(url).content.decode()
    assert '<select name="period">' in html and 'name="period" value' not in html
    assert '<option value="2026-02" selected>Tháng 2/2026</option>' in html
    assert re.search(r'<option value="\d{4}-Q\d"[^>]*>Quý \d/\d{4}</option>', html)
    assert '<select name="scope">' in html and "placeholder=\"province:01\"" not in html
    assert re.search(r'<option value="province:01"[^>]*>[^<]*Hà Nội[^<]*</option>', html)


@pytest.mark.parametrize(("url", "said"), [
    ("/giam-sat/chi-so/?level=procedure", "Cấp thủ tục cần chọn phạm vi"),
    ("/giam-sat/chi-so/?period=2026-13x", "Không có kỳ"),
    ("/giam-sat/danh-gia/?period=soon", "Không có kỳ"),
    ("/giam-sat/chi-so/?scope=province:99", "Không có tỉnh, thành phố mã"),
])
def test_a_bad_choice_is_answered_in_vietnamese(catalog, client, url, said):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 400
    assert said in html
    for english in ("Unknown period", "needs a scope", "No province", "write 2026"):
        assert english not in html
