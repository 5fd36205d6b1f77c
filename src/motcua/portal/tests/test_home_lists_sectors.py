"""The home page: a labelled search box, sectors with counts linking to their results, and figures."""

import pytest

from .conftest import text_of


@pytest.mark.django_db
def test_home_lists_sectors_with_counts_and_links(catalog, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/thu-tuc/?sector=ho-tich"' in html
    assert 'href="/thu-tuc/?sector=ly-lich-tu-phap"' in html
    text = text_of(response)
    assert "Hộ tịch 3 thủ tục" in text
    assert "Lý lịch tư pháp 1 thủ tục" in text


@pytest.mark.django_db
def test_home_has_labelled_search_form(catalog, client):
    html = client.get("/").content.decode()
    assert '<label for="id_q">' in html
    assert 'name="q"' in html and 'id="id_q"' in html
    assert 'action="/thu-tuc/"' in html and 'method="get"' in html


@pytest.mark.django_db
def test_home_shows_figures(catalog, client):
    response = client.get("/")
    figures = response.context["figures"]
    assert (figures.procedures, figures.online_full, figures.online_partial) == (4, 1, 2)
    assert "Dịch vụ công trực tuyến toàn trình" in text_of(response)


@pytest.mark.django_db
def test_home_without_procedures_says_so(client):
    assert "Chưa có thủ tục nào được công bố." in text_of(client.get("/"))
