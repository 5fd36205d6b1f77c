"""``motcua auth token USERNAME`` prints a bearer token for the API, the same one each time (issue 3 point 10)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.tests.api_clients import user

pytestmark = pytest.mark.django_db


def token(*args):
    out = StringIO()
    call_command("auth", "token", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_prints_a_token_that_authenticates_api_calls(client):
    user("desk", ("desk_officer", "H01.TTPVHCC"))
    key = token("desk")
    assert len(key) == 40
    assert token("desk") == key
    response = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    rotated = token("desk", "--rotate")
    assert rotated != key
    assert client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_an_unknown_user_is_an_error():
    with pytest.raises(CommandError):
        token("nobody")
