"""The bearer token → user lookup is cached per process for a few seconds (the submission path's hot spot), without
weakening revocation: a rotated or deleted token, or a deactivated user, is refused at once in this process and
within the cache's lifetime in any other; each request gets its own user object."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from motcua.core import auth, ttlcache
from motcua.dossiers.tests.api_clients import user

pytestmark = pytest.mark.django_db
AGENCY = "H01.TTPVHCC"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.MOTCUA_TOKEN_CACHE_SECONDS = 5
    auth.clear_token_cache()
    yield
    auth.clear_token_cache()


def _get(client, key):
    return client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {key}")


def _queries_of(client, key) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert _get(client, key).status_code == 200
    return sum("authtoken_token" in q["sql"] for q in captured.captured_queries)


def test_a_second_request_does_not_look_the_token_up_again(client):
    account = user("desk", ("desk_officer", AGENCY))
    key = Token.objects.create(user=account).key
    assert _queries_of(client, key) == 1
    assert _queries_of(client, key) == 0


def test_deleting_the_token_or_deactivating_the_user_refuses_at_once(client):
    account = user("desk", ("desk_officer", AGENCY))
    token = Token.objects.create(user=account)
    assert _get(client, token.key).status_code == 200
    token.delete()
    assert _get(client, token.key).status_code == 401
    token = Token.objects.create(user=account)
    assert _get(client, token.key).status_code == 200
    account.is_active = False
    account.save()
    assert _get(client, token.key).status_code == 401


def test_a_deletion_by_another_process_is_seen_when_the_entry_expires(client, monkeypatch):
    account = user("desk", ("desk_officer", AGENCY))
    key = Token.objects.create(user=account).key
    clock = [1000.0]
    monkeypatch.setattr(ttlcache, "now", lambda: clock[0])
    assert _get(client, key).status_code == 200
    with connection.cursor() as cursor:  # as another process would: no signal reaches this one
        cursor.execute("DELETE FROM authtoken_token WHERE key = %s", [key])
    clock[0] += 4.9
    assert _get(client, key).status_code == 200  # within the documented lifetime
    clock[0] += 0.2
    assert _get(client, key).status_code == 401


def test_each_request_gets_its_own_user_object():
    account = user("desk", ("desk_officer", AGENCY))
    key = Token.objects.create(user=account).key
    backend = auth.BearerTokenAuthentication()
    first, _ = backend.authenticate_credentials(key)
    first.some_request_state = "set by one request"
    second, _ = backend.authenticate_credentials(key)
    assert first is not second and not hasattr(second, "some_request_state")
    assert (second.pk, second.username, second.is_active) == (account.pk, "desk", True)
    assert isinstance(second, get_user_model())


def test_the_cache_can_be_turned_off(client, settings):
    settings.MOTCUA_TOKEN_CACHE_SECONDS = 0
    account = user("desk", ("desk_officer", AGENCY))
    key = Token.objects.create(user=account).key
    assert _queries_of(client, key) == 1
    assert _queries_of(client, key) == 1
