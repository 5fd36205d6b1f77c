"""``POST /api/v1/dossiers`` with ``Idempotency-Key`` (issue 3 point 2): the same key and body return the same
dossier and response; the same key with a different body is 422; keys belong to one client."""

import threading

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier, IdempotencyRecord
from motcua.dossiers.services import request_fingerprint
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, CITIZEN, procedure

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
BODY = {"procedure": "1.000001", "agency": AGENCY, "channel": "online", "applicant": CITIZEN, "form_data": {"a": 1}}


def _second_account_of_the_applicant():
    from motcua.exchange import services as exchange

    account = user("an-second-account")
    exchange.link_person(account, CITIZEN["personal_id"], source="test")
    return account


def post(client, body, key):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def client():
    procedure()
    return client_for(user(CITIZEN["personal_id"]))  # online, the applicant is the signed-in person


def test_a_retry_with_the_same_key_and_body_returns_the_same_dossier(client):
    first = post(client, BODY, "k-1")
    again = post(client, dict(reversed(list(BODY.items()))), "k-1")  # same body, other key order
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"] and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_the_same_key_with_another_body_is_422(client):
    post(client, BODY, "k-1")
    response = post(client, {**BODY, "form_data": {"a": 2}}, "k-1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Dossier.objects.count() == 1


def test_without_a_key_each_post_is_a_new_dossier(client):
    client.post(URL, BODY, format="json")
    client.post(URL, BODY, format="json")
    assert Dossier.objects.count() == 2


def test_keys_belong_to_one_client(client):
    post(client, BODY, "shared")
    other = client_for(_second_account_of_the_applicant())
    assert post(other, {**BODY, "form_data": {"b": 1}}, "shared").status_code == 201
    assert Dossier.objects.count() == 2


def test_a_refused_submission_does_not_use_up_the_key(client):
    bad = post(client, {**BODY, "procedure": "9.999999"}, "k-2")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(client, BODY, "k-2").status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_an_empty_or_too_long_key_is_400(client, key):
    assert post(client, BODY, key).status_code == 400


def test_the_fingerprint_ignores_key_order_but_not_values():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": "1"})


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises all writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_with_one_key_make_one_dossier():
    procedure()
    account = user(CITIZEN["personal_id"])
    client_for(account)
    barrier = threading.Barrier(4)
    responses = []

    def retry():
        try:
            client = client_for(account)
            barrier.wait()
            responses.append(post(client, BODY, "race"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["code"] for r in responses}) == 1
    assert Dossier.objects.count() == 1
