"""Vietnamese by default; English when the user picks it (cookie or browser language)."""

import pytest

from .conftest import text_of


@pytest.mark.django_db
def test_default_language_is_vietnamese(catalog, client):
    response = client.get("/thu-tuc/1.000001/")
    assert '<html lang="vi">' in response.content.decode()
    assert "Cách thức thực hiện" in text_of(response)


@pytest.mark.django_db
def test_language_cookie_gives_english_headings(catalog, client):
    client.cookies["django_language"] = "en"
    response = client.get("/thu-tuc/1.000001/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    for heading in ("Steps", "How to submit", "Dossier documents", "Legal basis", "Version and publication"):
        assert f">{heading}</h2>" in html
    text = text_of(response)
    assert "In person 1 working day" in text
    assert "8,000 VND" in text


@pytest.mark.django_db
def test_accept_language_gives_english_home(catalog, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    text = text_of(response)
    assert "Catalog of administrative procedures" in text
    assert "Sectors" in text


@pytest.mark.django_db
def test_language_switcher_works_without_javascript(catalog, client):
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert '<button type="submit" name="language" value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    assert response.status_code == 302 and response["Location"] == "/thu-tuc/"
    assert "Search results" in text_of(client.get("/thu-tuc/", {"q": "khai sinh"}))
