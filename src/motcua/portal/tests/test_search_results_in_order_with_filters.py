"""The results page: ranked results, GET filters, pagination, and clear messages for bad filter values."""

import pytest

from motcua.catalog.tests.factories import create_procedure

from .conftest import text_of


def codes(response) -> list[str]:
    return [v.procedure.code for v in response.context["page"].object_list]


@pytest.mark.django_db
def test_search_without_accents_ranks_the_general_procedure_first(catalog, client):
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    assert codes(response) == ["1.000001", "1.000002"]
    text = text_of(response)
    assert "Tìm thấy 2 thủ tục" in text
    assert text.index("Đăng ký khai sinh") < text.index("Đăng ký lại khai sinh")


@pytest.mark.django_db
def test_results_show_code_sector_level_and_online_badge(catalog, client):
    html = client.get("/thu-tuc/", {"q": "khai sinh"}).content.decode()
    assert 'href="/thu-tuc/1.000001/"' in html
    assert "Mã: 1.000001" in html
    assert "Lĩnh vực: Hộ tịch" in html
    assert "Cấp thực hiện: Cấp xã" in html
    assert 'class="badge badge-full"' in html


@pytest.mark.django_db
def test_filters_narrow_the_results(catalog, client):
    assert codes(client.get("/thu-tuc/", {"sector": "ly-lich-tu-phap"})) == ["2.000635"]
    assert codes(client.get("/thu-tuc/", {"online_level": "partial"})) == ["1.000002", "2.000635"]
    assert codes(client.get("/thu-tuc/", {"level": "province"})) == ["1.000003", "2.000635"]
    assert codes(client.get("/thu-tuc/", {"q": "khai sinh", "online_level": "full"})) == ["1.000001"]


@pytest.mark.django_db
def test_filters_are_labelled_selects_in_a_get_form(catalog, client):
    html = client.get("/thu-tuc/").content.decode()
    for name in ("sector", "level", "online_level"):
        assert f'<label for="id_{name}">' in html
        assert f'<select name="{name}"' in html
    assert '<option value="ly-lich-tu-phap">Lý lịch tư pháp</option>' in html


@pytest.mark.django_db
def test_invalid_filter_value_gives_a_message_not_an_error(catalog, client):
    response = client.get("/thu-tuc/", {"level": "district", "sector": "khong-co", "q": "khai sinh"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Một số bộ lọc không hợp lệ" in text
    assert "“district” không phải là giá trị hợp lệ của “Cấp thực hiện”" in text
    assert "“khong-co” không phải là giá trị hợp lệ của “Lĩnh vực”" in text
    assert codes(response) == ["1.000001", "1.000002"]  # the invalid filters are ignored, the query still works


@pytest.mark.django_db
def test_results_are_paginated_twenty_per_page(db, client):
    for i in range(45):
        create_procedure(f"1.{i:06d}", f"Thủ tục thử số {i}")
    first = client.get("/thu-tuc/", {"q": "thu tuc"})
    assert len(first.context["page"].object_list) == 20
    assert "Trang 1 / 3" in text_of(first)
    assert "Tìm thấy 45 thủ tục" in text_of(first)
    last = client.get("/thu-tuc/", {"q": "thu tuc", "page": "3"})
    assert len(last.context["page"].object_list) == 5
    assert 'href="?q=thu+tuc&amp;page=2"' in last.content.decode()
    assert client.get("/thu-tuc/", {"page": "abc"}).status_code == 200
