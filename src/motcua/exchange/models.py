"""Tables of the exchange core (issue 4 points 4, 5, 6): who a user is, who may read which registry, and the log.

- :class:`PersonLink` — the personal ID of a citizen's account (set by the identity provider; the demo accounts
  whose user name is a personal ID count without one, see :func:`motcua.exchange.queries.personal_id_of`).
- :class:`AccessGrant` — an agency may call a registry for some procedures. Rows are only added or revoked: the one
  allowed change is setting ``revoked_at`` (with who and why) once. The ORM refuses everything else and a database
  trigger refuses it too (migration 0002).
- :class:`AccessLogEntry` — every attempt to read a registry, allowed or refused, hash-chained. Append-only (ORM and
  trigger). The log is split into :data:`SHARDS` (64) chains by the subject's identifier, so all reads of one
  person's data are one chain and writers for different people do not wait for each other; :class:`AccessLogHead`
  holds each chain's last link (the row lock serialises appends to one chain, and the head lets `motcua audit
  verify` see a deleted tail).
"""

from __future__ import annotations

import zlib
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.chain import HASH_LENGTH
from motcua.core.eventlog import AppendOnlyError, AppendOnlyQuerySet, ChainedModel

SHARDS = 64  # chains of the access log; each entry stores its shard, so verification never depends on it


def shard_of(subject: str) -> int:
    """The chain an access to ``subject`` (personal ID or enterprise code) is appended to."""
    return zlib.crc32(subject.encode()) % SHARDS


class PersonLink(models.Model):
    """The person behind a citizen account (số định danh cá nhân)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_link")
    personal_id = models.CharField(max_length=12, db_index=True)
    source = models.CharField(max_length=30, blank=True, help_text="Who vouched for it: vneid, oidc, demo, desk.")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.personal_id}"


REVOCATION_FIELDS = frozenset({"revoked_at", "revoked_by", "revoked_by_id", "revoke_reason"})


class GrantQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not set(kwargs) <= REVOCATION_FIELDS:
            raise AppendOnlyError("Access grants are never edited: revoke the grant and add a new one.")
        return super(GrantQuerySet, self.filter(revoked_at__isnull=True)).update(**kwargs)

    def delete(self):
        raise AppendOnlyError("Access grants are never deleted: revoke them.")

    def active(self):
        return self.filter(revoked_at__isnull=True)


class AccessGrant(models.Model):
    """An agency may call a registry service for the listed procedures (an empty list: for any procedure)."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="access_grants")
    registry = models.CharField(max_length=30)
    procedure_codes = models.JSONField(default=list, blank=True)
    legal_basis = models.TextField(blank=True, help_text="The legal document that allows the processing.")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.TextField(blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "registry"], name="exchange_grant_agency_registry")]

    def __str__(self) -> str:
        return f"{self.agency_id} → {self.registry} {self.procedure_codes or '*'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access grants are never edited: revoke the grant and add a new one.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access grants are never deleted: revoke them.")

    def covers(self, procedure_code: str | None) -> bool:
        return not self.procedure_codes or (procedure_code or "") in self.procedure_codes


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Đã cung cấp")
    REFUSED = "refused", _("Bị từ chối")
    NOT_FOUND = "not_found", _("Không có dữ liệu")
    UNAVAILABLE = "unavailable", _("Cơ sở dữ liệu không phản hồi")
    INVALID = "invalid", _("Yêu cầu không hợp lệ")


def log_chain_content(shard: int, seq: int, at, registry: str, subject: str, attributes: list, agency_code: str,
                      actor_username: str, actor_name: str, role: str, dossier_code: str, procedure_code: str,
                      purpose: str, outcome: str, reason: str, latency_ms: float | None, grant_id: int | None) -> dict:
    """What an access-log entry's hash covers: every column but the id and the hashes."""
    return {"shard": shard, "seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "registry": registry, "subject": subject, "attributes": list(attributes), "agency": agency_code,
            "actor": actor_username, "actor_name": actor_name, "role": role, "dossier": dossier_code,
            "procedure": procedure_code, "purpose": purpose, "outcome": outcome, "reason": reason,
            "latency_ms": None if latency_ms is None else round(float(latency_ms), 3), "grant": grant_id}


# Column order of log_chain_content's arguments (for streaming verification with values_list).
CHAIN_COLUMNS = ("shard", "seq", "at", "registry", "subject", "attributes", "agency_code", "actor_username",
                 "actor_name", "role", "dossier_code", "procedure_code", "purpose", "outcome", "reason", "latency_ms",
                 "grant_id")


class AccessLogEntry(ChainedModel, models.Model):
    """One attempt to read a registry: who, for which agency, dossier, procedure and purpose, which fields, outcome."""

    id = models.BigAutoField(primary_key=True)
    shard = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    registry = models.CharField(max_length=30)
    subject = models.CharField(max_length=32, help_text="Personal ID or enterprise code whose data was asked for.")
    attributes = models.JSONField(default=list)
    agency_code = models.CharField(max_length=40, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_name = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=20)
    dossier_code = models.CharField(max_length=60, blank=True)
    procedure_code = models.CharField(max_length=40, blank=True)
    purpose = models.TextField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    grant_id = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=HASH_LENGTH)
    hash = models.CharField(max_length=HASH_LENGTH)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shard", "seq"], name="exchange_log_shard_seq")]
        indexes = [models.Index(fields=["subject", "-id"], name="exchange_log_subject"),
                   models.Index(fields=["at"], name="exchange_log_at"),
                   models.Index(fields=["agency_code", "at"], name="exchange_log_agency_at")]

    def __str__(self) -> str:
        return f"{self.shard}#{self.seq} {self.registry} {self.outcome}"

    def chain_content(self) -> dict:
        return log_chain_content(*(getattr(self, c) for c in CHAIN_COLUMNS))


class AccessLogHead(models.Model):
    """The last link of one chain of the access log (one row per shard, created by the migration)."""

    shard = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.shard}#{self.seq}"


class RegistryChange(models.Model):
    """One change a base registry (or the personal data store) publishes: a birth or a death entered in civil
    status, a person reaching an age the law attaches an obligation to, a card issued, a value set back.

    The change feed of the registries (issue 16 point 2): an append-only sequence (ORM refuses updates and deletes);
    readers keep their own watermark (the last ``id`` read) and read ``id > watermark`` for the kinds they follow —
    the index on ``(registry, kind, id)`` makes that a range read of the new rows only, never a scan.
    """

    id = models.BigAutoField(primary_key=True)
    registry = models.CharField(max_length=30)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=32, help_text="Personal ID or enterprise code the change is about.")
    occurred_on = models.DateField(help_text="When the event happened (the birth date, the day the age is reached).")
    payload = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["registry", "kind", "id"], name="exchange_change_feed"),
                   models.Index(fields=["subject", "registry"], name="exchange_change_subject")]

    def __str__(self) -> str:
        return f"#{self.id} {self.registry}.{self.kind} {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Registry changes are never edited: append a new change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Registry changes are never deleted.")
