"""Issue 12 point 8: guessing passwords is stopped (django-axes). Written from the attacker's side: 30 wrong
passwords, then the right one, must not sign in — on the portal's sign-in and on the admin's; the refusal is in
Vietnamese; the counters are rows in the database (shared by every server process), per account and per address."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "mật-khẩu-đúng-2026"


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user("001090012345", password=PASSWORD)


@pytest.fixture
def admin():
    return get_user_model().objects.create_superuser("quan-tri", password=PASSWORD)


def _guess(client: Client, url: str, username: str, times: int, address: str = "198.51.100.7") -> None:
    for i in range(times):
        client.post(url, {"username": username, "password": f"sai-{i}"}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_sign_in_page(citizen):
    attacker = Client()
    _guess(attacker, "/dang-nhap/", citizen.username, 30)
    response = attacker.post("/dang-nhap/", {"username": citizen.username, "password": PASSWORD},
                             REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Đăng nhập tạm thời bị khóa" in response.content.decode()
    assert attacker.get("/", REMOTE_ADDR="198.51.100.7").wsgi_request.user.is_anonymous


def test_thirty_wrong_passwords_then_the_right_one_is_refused_on_the_admin(admin):
    attacker = Client()
    _guess(attacker, "/admin/login/", admin.username, 30)
    response = attacker.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD},
                             REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert attacker.get("/admin/", REMOTE_ADDR="198.51.100.7").status_code == 302  # still sent to sign in


def test_the_account_is_locked_from_another_address_too(citizen):
    _guess(Client(), "/dang-nhap/", citizen.username, 30, address="198.51.100.7")
    response = Client().post("/dang-nhap/", {"username": citizen.username, "password": PASSWORD},
                             REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 429


def test_an_address_that_guessed_many_accounts_is_locked_for_every_account(citizen):
    attacker = Client()
    for n in range(6):
        _guess(attacker, "/dang-nhap/", f"00109001{n:04d}", 1)
    response = attacker.post("/dang-nhap/", {"username": citizen.username, "password": PASSWORD},
                             REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429


def test_the_counters_are_rows_in_the_database_not_per_process(citizen):
    _guess(Client(), "/dang-nhap/", citizen.username, 3)
    attempt = AccessAttempt.objects.get(username=citizen.username)
    assert attempt.failures_since_start == 3
    assert attempt.ip_address == "198.51.100.7"


def test_a_few_mistakes_then_the_right_password_signs_in_and_resets_the_count(citizen):
    client = Client()
    _guess(client, "/dang-nhap/", citizen.username, 2)
    response = client.post("/dang-nhap/", {"username": citizen.username, "password": PASSWORD, "next": "/"},
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=citizen.username).exists()


def test_the_lockout_ends_after_the_cool_off(citizen, settings):
    from datetime import timedelta

    _guess(Client(), "/dang-nhap/", citizen.username, 10)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    response = Client().post("/dang-nhap/", {"username": citizen.username, "password": PASSWORD, "next": "/"},
                             REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
