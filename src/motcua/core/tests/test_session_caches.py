"""Signed-in web requests read their session and user rows from a per-process cache for a few seconds
(motcua.core.sessions): changes made here apply at once, changes made elsewhere within the cache's lifetime."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import sessions, ttlcache

pytestmark = pytest.mark.django_db

PAGE = "/du-lieu-cua-toi/"  # a page for any signed-in user (login_required)


@pytest.fixture
def signed_in(client):
    user = get_user_model().objects.create_user("cache-citizen", password="a-long-test-password-1")
    assert client.login(username="cache-citizen", password="a-long-test-password-1")
    return client, user


def _tables_read(client) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_a_second_page_reads_neither_the_session_nor_the_user_row(signed_in):
    client, _user = signed_in
    first = _tables_read(client)
    assert "django_session" in first and "auth_user" in first
    again = _tables_read(client)
    assert "django_session" not in again
    assert '"auth_user"' not in again


def test_signing_out_here_ends_the_session_at_once(signed_in):
    client, _user = signed_in
    _tables_read(client)
    cookie = client.cookies["sessionid"].value
    client.post("/dang-xuat/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert client.get(PAGE).status_code == 302


def test_a_deactivated_user_is_signed_out_at_once(signed_in):
    client, user = signed_in
    _tables_read(client)
    user.is_active = False
    user.save()
    assert client.get(PAGE).status_code == 302


def test_a_new_password_ends_other_sessions_at_once(signed_in):
    client, user = signed_in
    _tables_read(client)
    user.set_password("another-long-password-2")
    user.save()
    assert client.get(PAGE).status_code == 302


def test_a_change_made_elsewhere_is_seen_once_the_entry_expires(signed_in, monkeypatch):
    client, _user = signed_in
    _tables_read(client)
    Session.objects.all()._raw_delete(Session.objects.db)  # another process signing out: no signal here
    assert client.get(PAGE).status_code == 200  # within the cache's lifetime
    later = ttlcache.now() + sessions.cache_seconds() + 1
    monkeypatch.setattr(ttlcache, "now", lambda: later)
    assert client.get(PAGE).status_code == 302


def test_with_zero_seconds_every_request_reads_both_rows(signed_in, settings):
    settings.MOTCUA_SESSION_CACHE_SECONDS = 0
    client, _user = signed_in
    _tables_read(client)
    again = _tables_read(client)
    assert "django_session" in again and '"auth_user"' in again


def test_each_request_gets_its_own_user_instance(signed_in):
    client, user = signed_in
    _tables_read(client)
    backend = sessions.CachedModelBackend()
    first, second = backend.get_user(user.pk), backend.get_user(user.pk)
    assert first == second and first is not second
    first.first_name = "Changed in one request"
    assert backend.get_user(user.pk).first_name != "Changed in one request"
