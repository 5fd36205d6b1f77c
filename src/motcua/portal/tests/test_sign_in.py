"""Citizens and officers sign in on the portal's own page, not the admin's."""

import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db
def test_a_citizen_signs_in_and_out(client):
    get_user_model().objects.create_user("001090012345", password="motcua-demo")
    page = client.get("/dang-nhap/")
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    response = client.post("/dang-nhap/", {"username": "001090012345", "password": "motcua-demo",
                                           "next": "/ho-so/tra-cuu/"})
    assert response.status_code == 302 and response["Location"] == "/ho-so/tra-cuu/"
    assert "001090012345" in client.get("/").content.decode()
    client.post("/dang-xuat/")
    assert client.get("/").wsgi_request.user.is_anonymous


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    get_user_model().objects.create_user("001090012345", password="motcua-demo")
    response = client.post("/dang-nhap/", {"username": "001090012345", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_officer_pages_send_to_the_portal_sign_in(client, db):
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/can-bo/")
