"""An unknown code answers 404 with the portal's page, not an error."""

import pytest

from .conftest import text_of


@pytest.mark.django_db
def test_unknown_code_is_404_page(catalog, client):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text_of(response)
    assert 'href="/thu-tuc/"' in response.content.decode() or 'href="/"' in response.content.decode()


@pytest.mark.django_db
def test_draft_only_procedure_is_not_shown(db, client):
    from motcua.catalog.tests.factories import create_procedure

    create_procedure("1.000009", "Thủ tục dự thảo", status="draft")
    assert client.get("/thu-tuc/1.000009/").status_code == 404
