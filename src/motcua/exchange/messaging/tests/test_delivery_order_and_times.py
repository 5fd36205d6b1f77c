"""Between deployments (issue 12 points 17, 18, 20): after an outage a peer's messages arrive in the order they were
written and all at once when it is back; a late, stale group update never rolls a parent back; messages dated far in
the past or the future are refused, and a parent's event carries the receiver's time, the sender's kept as data.

The peer is a real HTTP server on loopback that is "down" (503) and then "up" (200)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from motcua.exchange.messaging import services
from motcua.exchange.messaging.models import MessageLog, OutboxMessage, OutboxStatus, Peer

from .test_signed_messages import echo, here, ministry, signed  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


class _Peer(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server = self.server
        if server.up:
            server.received.append(body["envelope"]["body"]["n"])
        self.send_response(200 if server.up else 503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "accepted"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def peer(here):  # noqa: F811 - fixture
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Peer)
    server.up, server.received = False, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Peer.objects.create(deployment_id="ministry", url=f"http://127.0.0.1:{server.server_address[1]}",
                        public_key="x" * 44, agencies=["BHXH"])
    yield server
    server.shutdown()
    server.server_close()


def _queue(n: int, at):
    return [services.enqueue("ministry", "group.child_update", {"n": i}, at=at) for i in range(1, n + 1)]


def test_after_an_outage_a_peers_messages_arrive_in_order_and_at_once(peer):
    """Issue 12 points 17 and 20: each message had its own back-off, so a later one overtook an earlier one, and the
    peer's waiting messages trickled in over up to 30 s after it came back."""
    t0 = timezone.now()
    _queue(1, t0)
    for minute in range(4):  # the peer is down: the first message's back-off grows (5, 10, 20, 40 s)
        services.send_due(now=t0 + timedelta(minutes=minute))
    _queue(2, t0 + timedelta(minutes=3, seconds=5))  # written during the outage, due at once by their own clocks
    peer.up = True
    counts = services.send_due(now=t0 + timedelta(minutes=3, seconds=10))
    assert counts["delivered"] == 0 and peer.received == []  # the first message's turn has not come: none overtakes
    first = OutboxMessage.objects.order_by("id").first()
    counts = services.send_due(now=first.next_attempt_at)
    assert counts["delivered"] == 3 and peer.received == [1, 1, 2]  # in order, and all at once
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()


def test_a_failure_holds_the_peers_later_messages_behind_it(peer):
    t0 = timezone.now()
    _queue(3, t0)
    counts = services.send_due(now=t0)
    assert counts["failed"] == 1 and counts["delivered"] == 0  # one try; the other two wait behind it
    assert OutboxMessage.objects.filter(attempts=0).count() == 2


def test_a_message_refused_for_good_does_not_block_the_peer(peer, monkeypatch):
    t0 = timezone.now()
    _queue(2, t0)
    peer.up = True
    calls = []

    original = _Peer.do_POST

    def refuse_first(self):
        if not calls:
            calls.append(1)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(400)
            self.end_headers()
            return
        original(self)

    monkeypatch.setattr(_Peer, "do_POST", refuse_first)
    services.send_due(now=t0)
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == ["refused", "acked"]
    assert MessageLog.objects.filter(outcome="refused", direction="out").count() == 1


@pytest.mark.parametrize("created_at, reason", [
    ("2001-01-01T00:00:00+00:00", "expired"),
    ("2099-01-01T00:00:00+00:00", "from the future"),
    ("2026-03-02T09:00:00", "with an offset"),
    (None, "missing"),
], ids=["dated-2001", "dated-2099", "no-offset", "no-time"])
def test_correctly_signed_messages_out_of_time_are_refused(ministry, echo, created_at, reason):  # noqa: F811
    """Issue 12 point 18: messages dated 2001 and 2099, correctly signed, were accepted."""
    payload = signed(ministry)
    envelope = {**payload["envelope"], "created_at": created_at}
    import base64

    from motcua.core.chain import canonical_json

    resigned = {"envelope": envelope,
                "signature": base64.b64encode(ministry.sign(canonical_json(envelope).encode())).decode()}
    with pytest.raises(services.Refused) as refused:
        services.receive(resigned)
    assert (refused.value.status, refused.value.reason) == (400, "out_of_time") and reason in str(refused.value)
    assert echo == [] and MessageLog.objects.filter(outcome="refused", detail__contains=reason).exists()


def test_the_bounds_are_configured(ministry, echo, settings):  # noqa: F811
    settings.MOTCUA_EXCHANGE_MAX_CLOCK_SKEW = 3600
    payload = signed(ministry)
    envelope = {**payload["envelope"], "created_at": (timezone.now() + timedelta(minutes=30)).isoformat()}
    import base64

    from motcua.core.chain import canonical_json

    status, _ = services.receive({"envelope": envelope, "signature": base64.b64encode(
        ministry.sign(canonical_json(envelope).encode())).decode()})
    assert status == 200 and len(echo) == 1
