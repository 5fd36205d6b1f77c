"""When nothing matches, the page says so and offers close names ("Có phải bạn muốn tìm")."""

import pytest

from .conftest import text_of


@pytest.mark.django_db
def test_misspelt_query_shows_suggestions(catalog, client):
    response = client.get("/thu-tuc/", {"q": "dang ky khai snh"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Tìm thấy 0 thủ tục" in text
    assert "Không tìm thấy thủ tục nào phù hợp với “dang ky khai snh”." in text
    assert "Có phải bạn muốn tìm:" in text
    assert 'href="/thu-tuc/?q=%C4%90%C4%83ng%20k%C3%BD%20khai%20sinh"' in response.content.decode()


@pytest.mark.django_db
def test_no_match_within_filters_offers_the_unfiltered_count(catalog, client):
    response = client.get("/thu-tuc/", {"q": "ket hon", "sector": "ly-lich-tu-phap"})
    assert "Có 1 thủ tục phù hợp nếu bỏ các bộ lọc" in text_of(response)
