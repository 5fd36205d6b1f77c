"""Signed messages (issue 4 point 9): unknown or invalid signers are refused and logged, duplicates are dropped,
the outbox retries with back-off, and the message log is an intact hash chain."""

import json
import socket
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from motcua.core.chain import canonical_json
from motcua.exchange.messaging import keys, services
from motcua.exchange.messaging.models import AppendOnlyError, InboxMessage, MessageLog, Peer

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/messages"


@pytest.fixture
def here(settings, tmp_path):
    settings.MOTCUA_DEPLOYMENT_ID = "province-h01"
    settings.MOTCUA_SIGNING_KEY_FILE = str(tmp_path / "here.pem")
    keys.generate()
    return "province-h01"


@pytest.fixture
def ministry(here):
    key = Ed25519PrivateKey.generate()
    import base64

    from cryptography.hazmat.primitives import serialization
    public = base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                            serialization.PublicFormat.Raw)).decode()
    Peer.objects.create(deployment_id="ministry", url="http://127.0.0.1:9", public_key=public, agencies=["BHXH"])
    return key


def signed(key, kind="test.echo", body=None, sender="ministry", recipient="province-h01", message_id=None):
    envelope = {"id": message_id or str(uuid.uuid4()), "sender": sender, "recipient": recipient, "kind": kind,
                "created_at": timezone.now().isoformat(), "body": body or {"n": 1}}
    import base64

    signature = base64.b64encode(key.sign(canonical_json(envelope).encode())).decode()
    return {"envelope": envelope, "signature": signature}


@pytest.fixture
def echo():
    seen = []

    @services.handler("test.echo")
    def _echo(sender, body):
        seen.append((sender, body))
        return {"seen": len(seen)}

    return seen


def post(client, payload):
    return client.post(URL, data=json.dumps(payload), content_type="application/json")


def test_valid_message_is_processed_once_and_a_repeat_is_dropped(client, ministry, echo):
    payload = signed(ministry)
    first = post(client, payload)
    assert first.status_code == 200 and first.json()["status"] == "accepted"
    again = post(client, payload)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert echo == [("ministry", {"n": 1})]
    assert InboxMessage.objects.count() == 1
    outcomes = list(MessageLog.objects.filter(direction="in").values_list("outcome", flat=True))
    assert outcomes == ["accepted", "duplicate"]


def test_unknown_signer_is_refused_and_logged(client, ministry, echo):
    stranger = Ed25519PrivateKey.generate()
    response = post(client, signed(stranger, sender="somebody"))
    assert response.status_code == 403 and response.json()["reason"] == "unknown_signer"
    assert response["Content-Type"].startswith("application/problem+json")
    entry = MessageLog.objects.get(direction="in")
    assert (entry.outcome, entry.peer) == ("refused", "somebody") and "unknown signer" in entry.detail
    assert echo == [] and InboxMessage.objects.count() == 0


def test_invalid_signature_or_tampered_body_is_refused(client, ministry, echo):
    impostor = Ed25519PrivateKey.generate()
    assert post(client, signed(impostor)).json()["reason"] == "invalid_signature"
    payload = signed(ministry)
    payload["envelope"]["body"] = {"n": 2}  # changed after signing
    response = post(client, payload)
    assert response.status_code == 403 and response.json()["reason"] == "invalid_signature"
    assert post(client, {"envelope": "x"}).status_code == 400
    assert post(client, signed(ministry, recipient="other")).json()["reason"] == "wrong_recipient"
    assert post(client, signed(ministry, kind="no.such")).json()["reason"] == "unknown_kind"
    assert echo == [] and InboxMessage.objects.count() == 0
    assert set(MessageLog.objects.values_list("outcome", flat=True)) == {"refused"}


def test_handler_not_ready_defers_without_keeping_the_message(client, ministry):
    calls = []

    @services.handler("test.later")
    def _later(sender, body):
        calls.append(1)
        if len(calls) == 1:
            raise services.NotYet("parent not here yet")
        return {}

    payload = signed(ministry, kind="test.later")
    response = post(client, payload)
    assert response.status_code == 409 and response.json()["reason"] == "not_yet"
    assert InboxMessage.objects.count() == 0
    assert post(client, payload).json()["status"] == "accepted"
    assert InboxMessage.objects.count() == 1


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_outbox_retries_with_backoff_while_the_peer_is_down(ministry, settings):
    settings.MOTCUA_EXCHANGE_BACKOFF_SECONDS = 10
    Peer.objects.filter(deployment_id="ministry").update(url=f"http://127.0.0.1:{closed_port()}")
    message = services.enqueue("ministry", "group.child_update", {"x": 1})
    assert keys.verify(keys.public_key_text(), canonical_json(message.envelope).encode(), message.signature)
    now = timezone.now()
    assert services.send_due(now)["failed"] == 1
    message.refresh_from_db()
    assert message.attempts == 1 and message.status == "pending" and "ConnectionError" in message.last_error
    assert message.next_attempt_at == now + timedelta(seconds=10)
    assert services.send_due(now + timedelta(seconds=5)) == {"delivered": 0, "failed": 0, "skipped": 0, "waiting": 1}
    services.send_due(now + timedelta(seconds=10))
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == now + timedelta(seconds=10 + 20)
    assert list(MessageLog.objects.values_list("outcome", flat=True)) == ["queued", "failed", "failed"]


def test_message_log_is_append_only_and_chained(ministry):
    services.enqueue("ministry", "group.child_update", {"x": 1})
    services.log("in", "refused", peer="x", detail="test")
    assert services.verify_log() is None
    entry = MessageLog.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        MessageLog.objects.all().update(detail="changed")
    from django.db import DatabaseError, connection, transaction

    table = "exchange_messaging_messagelog"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:  # the database refuses too
        cursor.execute(f"UPDATE {table} SET detail = 'edited' WHERE id = %s", [entry.pk])
    # Someone with the rights to drop the guard edits an entry: the chain names it.
    from motcua.exchange.tests.tamper import sql

    sql(table, f"UPDATE {table} SET detail = 'edited' WHERE id = %s", [entry.pk])
    assert services.verify_log().pk == entry.pk
    with pytest.raises(CommandError, match=f"entry {entry.pk}"):
        call_command("exchange", "verify")


def test_route_picks_the_peer_owning_the_agency(ministry):
    Peer.objects.create(deployment_id="province-h79", url="http://h79", public_key=keys.public_key_text(),
                        agencies=["H79"])
    assert services.route("BHXH") == "ministry"
    assert services.route("H79.X26734") == "province-h79"
    assert services.route("H790") is None and services.route("H01.TTPVHCC") is None


def test_commands_keygen_whoami_peer(here, tmp_path, capsys, settings):
    with pytest.raises(CommandError, match="exists"):
        call_command("exchange", "keygen")
    call_command("exchange", "whoami")
    who = json.loads(capsys.readouterr().out)
    assert who == {"deployment_id": "province-h01", "public_key": keys.public_key_text()}
    with pytest.raises(CommandError, match="32 bytes"):
        call_command("exchange", "peer", "ministry", "http://m", "AAAA")
    call_command("exchange", "peer", "ministry", "http://m", who["public_key"], "--agencies", "BCA, BHXH")
    assert Peer.objects.get(deployment_id="ministry").agencies == ["BCA", "BHXH"]


def test_no_peer_without_a_signing_key(settings, tmp_path):
    settings.MOTCUA_SIGNING_KEY_FILE = str(tmp_path / "absent.pem")
    other = Ed25519PrivateKey.generate()
    import base64

    from cryptography.hazmat.primitives import serialization
    public = base64.b64encode(other.public_key().public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw)).decode()
    with pytest.raises(CommandError, match="keygen"):
        call_command("exchange", "peer", "ministry", "http://m", public)
    assert not Peer.objects.exists()


def test_group_messages_ahead_of_their_dossier_are_deferred(client, ministry):
    """An update for a parent not here, or a result for a child not created yet: 409, kept by the sender."""
    for kind, body in (("group.child_update", {"parent": "H01.TTPVHCC-260302-0001", "key": "residence",
                                               "attempt": 1}),
                       ("group.child_evidence", {"parent": "H01.TTPVHCC-260302-0001", "key": "residence",
                                                 "attempt": 1, "source": "birth", "record": {}})):
        response = post(client, signed(ministry, kind=kind, body=body))
        assert response.status_code == 409 and response.json()["reason"] == "not_yet", response.content
    assert InboxMessage.objects.count() == 0
    assert list(MessageLog.objects.values_list("outcome", flat=True)) == ["deferred", "deferred"]
