"""Tables of exchange_messaging: peers, the outbox, the inbox and the append-only message log (issue 4 point 9).

- :class:`Peer`: another deployment — its id, base URL, Ed25519 public key and the agencies it owns.
- :class:`OutboxMessage`: a signed message waiting to be delivered (retried with back-off until acknowledged).
- :class:`InboxMessage`: a message received and processed, kept by id so that a repeat is recognised and dropped.
- :class:`MessageLog`: every send, acknowledgement, receipt, duplicate and refusal, append-only and hash-chained.
"""

from __future__ import annotations

from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from motcua.core.chain import HASH_LENGTH
from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported
from motcua.core.eventlog import AppendOnlyQuerySet, ChainedModel


class Peer(models.Model):
    """Another motcua deployment this one exchanges messages with."""

    deployment_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=500, help_text="Base URL, e.g. https://dvc.bocongan.gov.vn")
    public_key = models.CharField(max_length=64, help_text="Ed25519 public key, raw 32 bytes in base64.")
    agencies = models.JSONField(default=list, blank=True,
                                help_text="Agency codes it owns; a code also covers its sub-codes (H01 → H01.X00070).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deployment_id"]

    def __str__(self) -> str:
        return self.deployment_id


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "pending"
    ACKED = "acked", "acknowledged"
    REFUSED = "refused", "refused by the peer"


class OutboxMessage(models.Model):
    message_id = models.UUIDField(unique=True)
    recipient = models.CharField(max_length=64)
    kind = models.CharField(max_length=60)
    envelope = models.JSONField(encoder=DjangoJSONEncoder)
    signature = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.message_id})"


class InboxMessage(models.Model):
    message_id = models.UUIDField(unique=True)
    sender = models.CharField(max_length=64)
    kind = models.CharField(max_length=60)
    envelope = models.JSONField(encoder=DjangoJSONEncoder)
    signature = models.CharField(max_length=100)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} ← {self.sender} ({self.message_id})"


class MessageLog(ChainedModel, models.Model):
    """One thing that happened to a message. ``hash`` covers the entry and ``prev_hash`` (the previous entry's)."""

    at = models.DateTimeField()
    direction = models.CharField(max_length=10)  # out, in
    outcome = models.CharField(max_length=20)  # queued, delivered, failed, accepted, duplicate, refused, deferred
    message_id = models.CharField(max_length=64, blank=True)
    peer = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=60, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["message_id"], name="message_log_message")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.direction} {self.outcome} {self.kind} {self.message_id}"

    def chain_content(self) -> dict:
        # In UTC, as the database gives it back (a time written with another offset would not verify).
        return {"at": self.at.astimezone(UTC).isoformat(timespec="microseconds"), "direction": self.direction,
                "outcome": self.outcome, "message_id": self.message_id, "peer": self.peer, "kind": self.kind,
                "body_sha256": self.body_sha256, "detail": self.detail}
