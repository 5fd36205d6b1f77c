"""Every page is usable offline and without JavaScript: no scripts, no assets or links to other hosts
(except the procedure's link to its source record), and the stylesheet is served from the install."""

import re
from pathlib import Path

import pytest

from .conftest import SOURCE_URL

ATTRS = re.compile(r'<(link|script|img|a|iframe|source)\b[^>]*?\b(?:src|href)="([^"]*)"', re.I)


def pages(client):
    return {
        url: client.get(url)
        for url in ("/", "/thu-tuc/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/?q=khai+snh", "/thu-tuc/?level=x",
                    "/thu-tuc/2.000635/", "/thu-tuc/1.000001/", "/thu-tuc/9.9/")
    }


@pytest.mark.django_db
def test_no_external_urls_in_rendered_pages(catalog, client):
    for url, response in pages(client).items():
        for tag, target in ATTRS.findall(response.content.decode()):
            if target.startswith(("http://", "https://", "//")):
                assert tag == "a" and target == SOURCE_URL, f"{url}: external {tag} {target}"


@pytest.mark.django_db
def test_pages_have_no_scripts(catalog, client):
    for url, response in pages(client).items():
        html = response.content.decode().lower()
        assert "<script" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.mark.django_db
def test_pages_have_skip_link_and_main_landmark(catalog, client):
    for url, response in pages(client).items():
        html = response.content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        assert '<main id="main"' in html, url


def test_stylesheet_is_served_from_the_install(client):
    from django.contrib.staticfiles import finders

    path = finders.find("portal/portal.css")
    assert path, "portal/portal.css is not in the app's static folder"
    css = Path(path).read_text(encoding="utf-8")
    assert "@media print" in css and "size: A4" in css
    assert "http://" not in css and "https://" not in css and "@import" not in css
    response = client.get("/static/portal/portal.css")
    assert response.status_code == 200
