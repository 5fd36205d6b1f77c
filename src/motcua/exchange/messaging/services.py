"""Signed messages between deployments (issue 4 point 9): outbox, inbox, delivery with back-off, the message log.

A message is an **envelope** — ``id`` (UUID), ``sender`` and ``recipient`` (deployment ids), ``kind``,
``created_at``, ``body`` — signed with the sender's Ed25519 key over its canonical JSON
(:func:`motcua.core.chain.canonical_json`).

- :func:`enqueue` signs and stores a message in the outbox, in the caller's transaction (a rolled-back change sends
  nothing; a committed one is never lost).
- :func:`send_due` (``motcua exchange send``) posts due messages to ``<peer url>/api/v1/exchange/messages``. A 2xx
  answer acknowledges the message; anything else (peer down, timeout, 4xx/5xx) leaves it pending with the next try
  after ``MOTCUA_EXCHANGE_BACKOFF_SECONDS`` × 2^(attempts−1) (default 5 s, capped at ``MOTCUA_EXCHANGE_BACKOFF_MAX``,
  default 600 s). Messages are retried until acknowledged, oldest first; a message to a peer is not overtaken by a
  later one to the same peer in the same run (the run stops for that peer at its first failure).
- :func:`receive` (the API view) checks the recipient, that the sender is a known active peer and that the signature
  is its key's; an unknown or invalid signer is refused (403) and logged. A message id already in the inbox is
  acknowledged again and dropped (``duplicate``). Otherwise the message is stored in the inbox and its handler runs
  **in the same transaction**: the acknowledgement means "processed". A handler that cannot process it yet raises
  :class:`NotYet` (409, the sender retries later).
- Every step is appended to :class:`~.models.MessageLog` (hash-chained, append-only).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core.chain import canonical_json
from motcua.core.eventlog import append_in_id_order
from motcua.core.registry import Registry

from . import keys
from .models import InboxMessage, MessageLog, OutboxMessage, OutboxStatus, Peer

logger = logging.getLogger(__name__)

Handler = Callable[[str, dict], Any]
# Message kind → handler (the plugin registry pattern of core.registry).
handlers: Registry[Handler] = Registry("message handler")
# Modules whose @handler functions register on import. The kinds of the packages above the exchange (linked groups:
# ``motcua.dossiers.linked.handlers``) register in their ``AppConfig.ready()``; MOTCUA_EXCHANGE_HANDLER_MODULES adds
# more.
HANDLER_MODULES: tuple[str, ...] = ()


class NotYet(Exception):
    """The message cannot be processed yet (e.g. it refers to something still on its way): the sender retries."""


class Refused(Exception):
    """The message is refused. ``status`` is the HTTP status to answer with, ``reason`` a stable key."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        self.status, self.reason = status, reason
        super().__init__(message)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """A decorator registering the handler of message ``kind`` (``handlers.register``)."""
    return handlers.register(kind)


def _handlers() -> Registry[Handler]:
    for module in (*HANDLER_MODULES, *settings.MOTCUA_EXCHANGE_HANDLER_MODULES):
        importlib.import_module(module)
    return handlers


def local_id() -> str:
    """This deployment's id: ``MOTCUA_DEPLOYMENT_ID``."""
    return settings.MOTCUA_DEPLOYMENT_ID


def peer_table() -> list[tuple[str, list[str]]]:
    """(deployment id, agency codes) of the active peers: read once, give to :func:`route` for several agencies."""
    return list(Peer.objects.filter(active=True).values_list("deployment_id", "agencies"))


def route(agency_code: str, peers: list[tuple[str, list[str]]] | None = None) -> str | None:
    """The peer deployment that owns ``agency_code`` (its code or a parent code listed), or ``None`` for this one."""
    best: tuple[int, str] | None = None
    for peer_id, agencies in (peers if peers is not None else peer_table()):
        for code in agencies or []:
            owns = agency_code == code or agency_code.startswith(f"{code}.")
            if owns and (best is None or len(code) > best[0]):
                best = (len(code), peer_id)
    return best[1] if best else None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def log(direction: str, outcome: str, *, message_id: str = "", peer: str = "", kind: str = "", body_sha256: str = "",
        detail: str = "", at: datetime | None = None) -> MessageLog:
    """Append an entry to the message log, linked to the previous entry's hash."""
    entry = MessageLog(at=at or timezone.now(), direction=direction, outcome=outcome, message_id=str(message_id),
                       peer=peer, kind=kind, body_sha256=body_sha256, detail=detail[:2000])
    return append_in_id_order(entry, "exchange_messaging_log")


def verify_log() -> MessageLog | None:
    """The first entry whose link does not hold (edited, deleted, reordered, unsealed or re-hashed without the key),
    or ``None`` when intact. Deleted tails are found by `motcua audit verify` against the last signed checkpoint."""
    from motcua.core.chain import OK, check

    previous = ""
    for entry in MessageLog.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous or check(previous, entry.chain_content(), entry.hash) != OK:
            return entry
        previous = entry.hash
    return None


# Sending ---------------------------------------------------------------------------------------------------------


def enqueue(recipient: str, kind: str, body: dict, *, at: datetime | None = None) -> OutboxMessage:
    """Sign a message for ``recipient`` and put it in the outbox (in the caller's transaction)."""
    at = at or timezone.now()
    if not Peer.objects.filter(deployment_id=recipient).exists():
        raise Refused(400, "unknown_peer", f"No peer {recipient!r}.")
    envelope = {"id": str(uuid.uuid4()), "sender": local_id(), "recipient": recipient, "kind": kind,
                "created_at": at.isoformat(), "body": body}
    text = canonical_json(envelope)
    envelope = json.loads(text)  # stored exactly as signed
    message = OutboxMessage.objects.create(message_id=envelope["id"], recipient=recipient, kind=kind,
                                           envelope=envelope, signature=keys.sign(text.encode()),
                                           next_attempt_at=at, created_at=at)
    log("out", "queued", message_id=envelope["id"], peer=recipient, kind=kind, body_sha256=_sha(text), at=at)
    return message


def backoff(attempts: int) -> timedelta:
    base, cap = settings.MOTCUA_EXCHANGE_BACKOFF_SECONDS, settings.MOTCUA_EXCHANGE_BACKOFF_MAX
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _timeout() -> float:
    return settings.MOTCUA_EXCHANGE_TIMEOUT


def deliver(message: OutboxMessage, peer: Peer, session: requests.Session | None = None,
            now: datetime | None = None) -> bool:
    """Post one message; on a 2xx mark it acknowledged, on a permanent refusal (:data:`PERMANENT`) mark it refused,
    otherwise schedule the next try. Returns whether the message is settled (acknowledged or refused)."""
    now = now or timezone.now()
    url = f"{peer.url.rstrip('/')}/api/v1/exchange/messages"
    text = canonical_json(message.envelope)
    error = ""
    try:
        response = (session or requests).post(url, json={"envelope": message.envelope, "signature": message.signature},
                                              timeout=_timeout())
        if 200 <= response.status_code < 300:
            OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.ACKED, acked_at=timezone.now(),
                                                               attempts=message.attempts + 1, last_error="")
            answer = response.json() if response.content else {}
            log("out", "delivered", message_id=str(message.message_id), peer=peer.deployment_id, kind=message.kind,
                body_sha256=_sha(text), detail=str(answer.get("status", "")))
            return True
        error = f"HTTP {response.status_code}: {response.text[:500]}"
        if response.status_code in PERMANENT:
            # Refused for good (bad signature, out of time, unknown kind…): retrying cannot help, and the peer's
            # later messages must not wait behind it.
            OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.REFUSED, last_error=error[:500],
                                                               attempts=message.attempts + 1)
            log("out", "refused", message_id=str(message.message_id), peer=peer.deployment_id, kind=message.kind,
                body_sha256=_sha(text), detail=error)
            return True
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:500]
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=attempts, last_error=error,
                                                       next_attempt_at=now + backoff(attempts))
    log("out", "failed", message_id=str(message.message_id), peer=peer.deployment_id, kind=message.kind,
        body_sha256=_sha(text), detail=error)
    return False


PERMANENT = frozenset({400, 403, 404, 410, 413, 422})  # the peer refuses the message itself; 409/429/5xx: retry


def send_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Deliver the outbox, per peer in the order the messages were written. Returns counts (delivered, failed,
    skipped, waiting).

    A peer's turn comes when its oldest pending message is due (its back-off is the peer's); then its messages go
    in id order, each waiting one released at once (issue 12 point 20: after an outage the first success resets the
    back-off of the rest), until one fails. So a later message never overtakes an earlier one to the same peer
    (issue 12 point 17: a stale group update arriving after a newer one)."""
    now = now or timezone.now()
    peers = {p.deployment_id: p for p in Peer.objects.filter(active=True)}
    counts = {"delivered": 0, "failed": 0, "skipped": 0}
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    firsts = {row["recipient"]: row["first"] for row in pending.values("recipient").annotate(first=Min("id"))}
    due_peers = set(pending.filter(id__in=firsts.values(), next_attempt_at__lte=now)
                    .values_list("recipient", flat=True))
    counts["skipped"] = pending.filter(next_attempt_at__lte=now).exclude(recipient__in=due_peers).count()
    budget = limit
    with requests.Session() as session:
        for recipient in sorted(due_peers):
            peer = peers.get(recipient)
            if peer is None:
                counts["skipped"] += pending.filter(recipient=recipient).count()
                continue
            for message in pending.filter(recipient=recipient).order_by("id")[:budget]:
                budget -= 1
                if deliver(message, peer, session, now):
                    counts["delivered"] += 1
                else:
                    counts["failed"] += 1
                    # The peer's later messages wait for this one: its back-off is theirs.
                    pending.filter(recipient=recipient, id__gt=message.pk).update(
                        next_attempt_at=now + backoff(message.attempts + 1))
                    break
            if budget <= 0:
                break
    counts["waiting"] = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    return counts


# Receiving -------------------------------------------------------------------------------------------------------


def receive(payload: Any) -> tuple[int, dict]:
    """Check, deduplicate, store and process an incoming message; return (HTTP status, answer body)."""
    envelope = payload.get("envelope") if isinstance(payload, dict) else None
    signature = payload.get("signature") if isinstance(payload, dict) else None
    if not isinstance(envelope, dict) or not isinstance(signature, str):
        log("in", "refused", detail="malformed: needs 'envelope' (object) and 'signature' (base64)")
        raise Refused(400, "malformed", "Send {\"envelope\": {...}, \"signature\": \"<base64>\"}.")
    text = canonical_json(envelope)
    message_id, sender, kind = str(envelope.get("id", "")), str(envelope.get("sender", "")), str(envelope.get("kind",
                                                                                                           ""))
    common = {"message_id": message_id[:64], "peer": sender[:64], "kind": kind[:60], "body_sha256": _sha(text)}
    peer = Peer.objects.filter(deployment_id=sender, active=True).first()
    if peer is None:
        log("in", "refused", detail=f"unknown signer {sender!r}", **common)
        raise Refused(403, "unknown_signer", f"{sender!r} is not a known peer of {local_id()}.")
    if not keys.verify(peer.public_key, text.encode(), signature):
        log("in", "refused", detail="invalid signature", **common)
        raise Refused(403, "invalid_signature", f"The signature is not {sender}'s.")
    try:
        message_uuid = uuid.UUID(message_id)
    except ValueError:
        log("in", "refused", detail="bad message id", **common)
        raise Refused(400, "malformed", "The message id must be a UUID.") from None
    stale = _out_of_time(envelope.get("created_at"), timezone.now())
    if stale:
        log("in", "refused", detail=stale, **common)
        raise Refused(400, "out_of_time", stale)
    if envelope.get("recipient") != local_id():
        log("in", "refused", detail=f"addressed to {envelope.get('recipient')!r}", **common)
        raise Refused(400, "wrong_recipient", f"This is {local_id()}, not {envelope.get('recipient')!r}.")
    known = _handlers()
    if kind not in known:
        log("in", "refused", detail=f"unknown kind {kind!r}", **common)
        raise Refused(400, "unknown_kind", f"Unknown message kind {kind!r}.")
    body = envelope.get("body") if isinstance(envelope.get("body"), dict) else {}
    try:
        with transaction.atomic():
            if InboxMessage.objects.filter(message_id=message_uuid).exists():
                log("in", "duplicate", **common)
                return 200, {"status": "duplicate", "id": message_id}
            InboxMessage.objects.create(message_id=message_uuid, sender=sender, kind=kind, envelope=envelope,
                                        signature=signature, received_at=timezone.now())
            result = known[kind](sender, body)
            log("in", "accepted", **common)
    except NotYet as wait:
        log("in", "deferred", detail=str(wait), **common)
        raise Refused(409, "not_yet", str(wait)) from None
    except Refused:
        raise
    except Exception as failure:  # the handler failed: nothing was kept; the sender retries
        logger.exception("Message %s (%s) from %s failed", message_id, kind, sender)
        log("in", "deferred", detail=f"{type(failure).__name__}: {failure}", **common)
        raise Refused(409, "processing_failed", f"The message could not be processed: {failure}") from None
    answer = {"status": "accepted", "id": message_id}
    if isinstance(result, dict):
        answer["result"] = result
    return 200, answer


def _out_of_time(created_at: Any, now: datetime) -> str:
    """Why a message's signed creation time is refused ("" when it is within bounds; issue 12 point 18): older
    than ``MOTCUA_EXCHANGE_MAX_MESSAGE_AGE`` seconds (default 7 days) or later than now plus
    ``MOTCUA_EXCHANGE_MAX_CLOCK_SKEW`` seconds (default 300)."""
    try:
        sent = parse_datetime(created_at) if isinstance(created_at, str) else None
    except ValueError:
        sent = None
    if sent is None or sent.tzinfo is None:
        return "created_at missing or not an ISO 8601 time with an offset"
    max_age, skew = settings.MOTCUA_EXCHANGE_MAX_MESSAGE_AGE, settings.MOTCUA_EXCHANGE_MAX_CLOCK_SKEW
    if sent < now - timedelta(seconds=max_age):
        return f"expired: created {sent.isoformat()}, more than {max_age:.0f} s before {now.isoformat()}"
    if sent > now + timedelta(seconds=skew):
        return f"from the future: created {sent.isoformat()}, more than {skew:.0f} s after {now.isoformat()}"
    return ""


def parse_instant(value: str) -> datetime | None:
    return parse_datetime(value) if value else None
