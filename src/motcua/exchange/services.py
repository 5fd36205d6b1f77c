"""Every write of the exchange core, and the registry call itself (issue 4 points 1, 2, 4, 5, 11).

Public interface used by other packages:

- :func:`fetch` — read attributes from a base registry with purpose binding; returns a :class:`RegistryResult`,
  raises :class:`AccessRefused`, :class:`NotFound`, :class:`RegistryUnavailable`, :class:`InvalidRequest` /
  :class:`InvalidIdentifier`. Every attempt is appended to the hash-chained access log, whatever the outcome.
- :func:`prefill` — the signed-in citizen's applicant fields for a procedure: ``{field: {value, source, …}}``.
- :func:`grant`, :func:`revoke` — access grants (added or revoked, never edited).
- :func:`link_person` — record the personal ID of a citizen account.
- :func:`append_log` — append entries to the access log (one transaction, one row lock per chain touched).

Call :func:`fetch` outside a transaction that may roll back: the log entry is written in the caller's transaction
when there is one, so a rollback would take the trace with it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.chain import canonical_json, link_hash
from motcua.core.identifiers import IdentifierError, parse_enterprise_code, parse_personal_id
from motcua.core.text import fold

from . import cases, registries, rules
from .errors import (
    AccessRefused,
    ExchangeError,
    InvalidIdentifier,
    InvalidRequest,
    NotFound,
    RegistryUnavailable,
)
from .models import AccessGrant, AccessLogEntry, AccessLogHead, Outcome, PersonLink, RegistryChange, shard_of
from .registries.base import PERSONAL_ID, CallContext

__all__ = [
    "AccessRefused",
    "ExchangeError",
    "InvalidIdentifier",
    "InvalidRequest",
    "LogRecord",
    "NotFound",
    "RegistryResult",
    "RegistryUnavailable",
    "append_log",
    "fetch",
    "grant",
    "latest_change",
    "link_person",
    "prefill",
    "record_change",
    "revoke",
]


@dataclass(frozen=True)
class RegistryResult:
    """Values read from a registry, with their provenance."""

    registry: str
    identifier: str
    values: dict[str, Any]
    source: str  # the registry's Vietnamese name, shown next to each value
    authority: str
    fetched_at: datetime
    log_entry_id: int

    def provenance(self) -> dict[str, Any]:
        """What to attach to evidence built from these values."""
        return {"registry": self.registry, "source": self.source, "authority": self.authority,
                "identifier": self.identifier, "fetched_at": self.fetched_at.isoformat(),
                "access_log_entry": self.log_entry_id, "attributes": sorted(self.values)}


@dataclass
class LogRecord:
    """One access-log entry to append (see :func:`append_log`)."""

    registry: str
    subject: str
    attributes: list[str]
    role: str
    purpose: str
    outcome: str
    at: datetime = field(default_factory=timezone.now)
    agency_code: str = ""
    actor_username: str = ""
    actor_name: str = ""
    dossier_code: str = ""
    procedure_code: str = ""
    reason: str = ""
    latency_ms: float | None = None
    grant_id: int | None = None


_UNKNOWN = object()  # "not looked up yet" (None means "looked up: no personal ID")
SMALL_BATCH = 8  # up to this many records: one statement each; more: linked here and inserted in bulk


def append_log(records: Sequence[LogRecord]) -> list[AccessLogEntry]:
    """Append ``records`` to the access log, each to its subject's chain.

    Each touched chain's head row is locked only for the append's own short transaction: writers of different chains
    proceed in parallel; writers of one chain are serialised, which the link needs. On PostgreSQL a single record is
    appended by two statements (lock the head; insert and move the head — the keyed hash computed here, the key never
    sent to the database); several records go in one transaction. Entries are returned in the order of ``records``.
    """
    for record in records:
        record.subject = (record.subject or "")[:32]
    if connection.vendor == "postgresql" and len(records) <= SMALL_BATCH:
        if len(records) == 1:
            return [_append_one_pg(records[0])]
        order = sorted(range(len(records)), key=lambda i: shard_of(records[i].subject))
        placed: list[AccessLogEntry | None] = [None] * len(records)
        with transaction.atomic():  # chains locked in a fixed order: no deadlock between batches
            for i in order:
                placed[i] = _append_one_pg(records[i])
        return placed
    by_shard: dict[int, list[int]] = {}
    for i, record in enumerate(records):
        by_shard.setdefault(shard_of(record.subject), []).append(i)
    entries: list[AccessLogEntry | None] = [None] * len(records)
    linked: list[AccessLogEntry] = []
    with transaction.atomic():
        heads = _lock_heads(sorted(by_shard))
        for head in heads:
            seq, prev = head.seq, head.hash
            for i in by_shard[head.shard]:
                seq += 1
                entry = entries[i] = _entry(records[i], head.shard, seq)
                entry.prev_hash, entry.hash = prev, link_hash(prev, entry.chain_content())
                linked.append(entry)
                prev = entry.hash
            head.seq, head.hash = seq, prev
        # Every touched head moved by one statement and every new link in one insert, in the transaction that
        # holds the heads' locks: the locks are held for three round trips whatever the number of chains (an
        # officer's list page touches a dozen; bench/dossiers.py --only queue, "API list").
        _move_heads(heads)
        _insert_entries(linked)
    return entries


def _move_heads(heads: list[AccessLogHead]) -> None:
    """Write the heads' new ``seq`` and ``hash`` in one UPDATE joined to a VALUES list (PostgreSQL and SQLite both
    name its columns column1…; Django's ``bulk_update`` builds a CASE per row and costs more than the rest of the
    append)."""
    table = AccessLogHead._meta.db_table
    rows = ", ".join(["(%s, %s, %s)"] * len(heads))
    params = [value for h in heads for value in (h.shard, h.seq, h.hash)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = v.column2, hash = v.column3 FROM (VALUES {rows}) AS v "
                       f"WHERE {table}.shard = v.column1", params)


def _lock_heads(shards: list[int]) -> list[AccessLogHead]:
    """Lock the heads of ``shards`` (sorted) with one statement, in shard order — a fixed lock order, so two
    batches never deadlock. Heads missing (created by migration 0002; a flushed test database lacks them) are
    created first."""
    heads = list(AccessLogHead.objects.select_for_update().filter(shard__in=shards).order_by("shard"))
    if len(heads) < len(shards):
        AccessLogHead.objects.bulk_create([AccessLogHead(shard=s) for s in shards], ignore_conflicts=True)
        heads = list(AccessLogHead.objects.select_for_update().filter(shard__in=shards).order_by("shard"))
    return heads


COPY_FROM = 200  # on PostgreSQL, batches of at least this many entries are written with COPY


def _insert_entries(batch: list[AccessLogEntry]) -> None:
    """Insert linked entries. Large batches on PostgreSQL (a proactive-services run, issue 16) go through COPY with
    ids drawn from the sequence first — the ORM's bulk insert spends far more time quoting the values than the
    database spends storing them; smaller ones through the ORM."""
    if connection.vendor != "postgresql" or len(batch) < COPY_FROM:
        AccessLogEntry.objects.bulk_create(batch)
        return
    table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                       [len(batch)])
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} (id, {', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for pk, e in zip(ids, batch, strict=True):
                copy.write_row([pk, e.shard, e.seq, e.at, e.registry, e.subject, canonical_json(e.attributes),
                                e.agency_code, e.actor_username, e.actor_name, e.role, e.dossier_code,
                                e.procedure_code, e.purpose, e.outcome, e.reason, e.latency_ms, e.grant_id,
                                e.prev_hash, e.hash])
    for pk, e in zip(ids, batch, strict=True):
        e.pk = pk
        e._state.adding = False


def _entry(r: LogRecord, shard: int, seq: int) -> AccessLogEntry:
    latency = None if r.latency_ms is None else round(float(r.latency_ms), 3)
    return AccessLogEntry(shard=shard, seq=seq, at=r.at, registry=r.registry[:30], subject=r.subject,
                          attributes=list(r.attributes), agency_code=r.agency_code[:40],
                          actor_username=r.actor_username[:150], actor_name=r.actor_name[:255], role=r.role[:20],
                          dossier_code=r.dossier_code[:60], procedure_code=r.procedure_code[:40],
                          purpose=rules.clip_words(r.purpose), outcome=r.outcome, reason=r.reason,
                          latency_ms=latency, grant_id=r.grant_id)


_SEQ_MARK = 918273645546372819  # stands for the sequence number the database assigns
_COLUMNS = ("shard", "seq", "at", "registry", "subject", "attributes", "agency_code", "actor_username", "actor_name",
            "role", "dossier_code", "procedure_code", "purpose", "outcome", "reason", "latency_ms", "grant_id",
            "prev_hash", "hash")


def _durable() -> bool:
    """``MOTCUA_ACCESS_LOG_DURABLE`` (default on): an append returns once its commit is flushed to disk. Off, a
    standalone append commits without waiting for the flush (PostgreSQL ``synchronous_commit = off``, for that
    transaction only): a crash of the database server can lose the last fraction of a second of entries — as a whole
    tail, so every chain still verifies — in exchange for not waiting on the disk."""
    return settings.MOTCUA_ACCESS_LOG_DURABLE


def _append_one_pg(record: LogRecord) -> AccessLogEntry:
    """Lock the chain's head, link the entry with the keyed hash (computed here: the key never reaches the
    database), insert it and move the head — two statements in one short transaction."""
    shard = shard_of(record.subject)
    head, log = AccessLogHead._meta.db_table, AccessLogEntry._meta.db_table
    # Not durable at commit (MOTCUA_ACCESS_LOG_DURABLE=0): only for an append that is its own transaction.
    relaxed = "" if _durable() or connection.in_atomic_block else (
        " AND set_config('synchronous_commit', 'off', true) IS NOT NULL")
    lock = f"SELECT seq, hash FROM {head} WHERE shard = %s{relaxed} FOR UPDATE"
    insert = f"""
        WITH h AS (UPDATE {head} SET seq = %s, hash = %s WHERE shard = %s)
        INSERT INTO {log} ({", ".join(_COLUMNS)})
        VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING id"""
    import psycopg

    with transaction.atomic():
        connection.ensure_connection()
        # A server-side-binding cursor on Django's own connection (same transaction): psycopg prepares the
        # statements after a few executions, so the server stops parsing and planning them on every append.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(lock, [shard])
            row = cursor.fetchone()
            if row is None:  # no head row for this chain yet
                AccessLogHead.objects.bulk_create([AccessLogHead(shard=shard)], ignore_conflicts=True)
                cursor.execute(lock, [shard])
                row = cursor.fetchone()
            seq, prev = row[0] + 1, row[1]
            entry = _entry(record, shard, seq)
            entry.seal(prev)
            cursor.execute(insert, [seq, entry.hash, shard, shard, seq, entry.at, entry.registry, entry.subject,
                                    canonical_json(entry.attributes), entry.agency_code, entry.actor_username,
                                    entry.actor_name, entry.role, entry.dossier_code, entry.procedure_code,
                                    entry.purpose, entry.outcome, entry.reason, entry.latency_ms, entry.grant_id,
                                    entry.prev_hash, entry.hash])
            (entry.pk,) = cursor.fetchone()
    entry._state.adding = False
    return entry


def _identifier_error(kind: str, identifier: str) -> InvalidIdentifier | None:
    try:
        if kind == PERSONAL_ID:
            parse_personal_id(identifier)
        else:
            parse_enterprise_code(identifier)
    except IdentifierError as error:
        return InvalidIdentifier(str(error), code=error.rule)
    return None




def _authorize(spec, identifier: str, *, agency, actor, role: str, dossier_code: str,
               procedure_code: str, own=_UNKNOWN) -> tuple[rules.Decision, int | None, str]:
    """The decision, the grant used and the procedure code (taken from the dossier when not given)."""
    from .queries import personal_id_of

    dossier = cases.find(dossier_code)
    if dossier and not procedure_code:
        procedure_code = dossier.procedure_code or ""
    if role == rules.SELF_SERVICE:
        if own is _UNKNOWN:
            own = personal_id_of(actor) if actor is not None else None
        theirs = bool(dossier) and (dossier.applicant_user_id == getattr(actor, "pk", None)
                                    or (bool(own) and dossier.applicant_personal_id == own))
        decision = rules.self_service(subject=identifier, own_personal_id=own, identifier_kind=spec.identifier,
                                      dossier_exists=None if not dossier_code else bool(dossier),
                                      dossier_is_theirs=theirs)
        return decision, None, procedure_code
    if agency is None:
        return rules.refuse("Thiếu cơ quan yêu cầu.", "agency_required"), None, procedure_code
    if role == rules.SYSTEM:
        is_member = True
    else:
        from motcua.units.models import Membership

        is_member = actor is not None and Membership.objects.filter(user=actor, agency=agency, role=role).exists()
    if dossier and procedure_code and dossier.procedure_code and procedure_code != dossier.procedure_code:
        return (rules.refuse("Thủ tục khai báo không khớp với thủ tục của hồ sơ.", "procedure_mismatch"), None,
                procedure_code)
    grants = list(AccessGrant.objects.active().filter(agency=agency, registry=spec.name)
                  .order_by("pk").values_list("pk", "procedure_codes"))
    decision, grant_id = rules.official_use(
        role=role, is_member=is_member, dossier_given=bool(dossier_code), dossier_exists=bool(dossier),
        dossier_agency_matches=bool(dossier) and dossier.agency_id == agency.pk, grants=grants,
        procedure_code=procedure_code, dossier_open=bool(dossier) and dossier.open,
        subject_named=bool(dossier) and identifier in _subjects(dossier))
    return decision, grant_id, procedure_code


def _subjects(dossier: cases.Case) -> set[str]:
    """Whose data a dossier's handling may read: its applicant (person or enterprise) and the persons its form
    names."""
    own = {dossier.applicant_personal_id, dossier.applicant_enterprise_code} - {"", None}
    return own | rules.persons_named(dossier.form_data)


def _agency(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        from motcua.units.models import Agency

        found = Agency.objects.filter(code=value).first()
        if found is None:
            raise InvalidRequest(f"Không có cơ quan mã {value!r}.", code="unknown_agency")
        return found
    return value


@dataclass
class _Call:
    """One registry call between its checks, the lookup and its log entry."""

    record: LogRecord
    plugin: Any = None
    spec: Any = None
    context: CallContext | None = None
    values: dict[str, Any] | None = None
    error: ExchangeError | None = None


def _prepare(registry: str, identifier: str, *, attributes: Sequence[str] = (), agency=None, actor=None,
             role: str, dossier_code: str = "", purpose: str, procedure_code: str | None = None,
             own=_UNKNOWN) -> _Call:
    """Validate and authorise a call (reads the database; never calls the registry)."""
    identifier = str(identifier or "").strip()
    attributes = [str(a) for a in attributes]
    purpose = str(purpose or "").strip()
    dossier_code = str(dossier_code or "").strip()
    procedure_code = str(procedure_code or "").strip()
    record = LogRecord(registry=str(registry)[:30], subject=identifier, attributes=attributes, role=str(role),
                       purpose=purpose, outcome=Outcome.INVALID, dossier_code=dossier_code,
                       procedure_code=procedure_code,
                       actor_username=getattr(actor, "username", "") if actor is not None else "",
                       actor_name=(actor.get_full_name() if actor is not None and hasattr(actor, "get_full_name")
                                   else ""))
    call = _Call(record)
    try:
        agency = _agency(agency)
        record.agency_code = agency.code if agency is not None else ""
        call.plugin = registries.get(registry)
        spec = call.spec = call.plugin.spec
        unknown = [a for a in attributes if a not in spec.attributes]
        if unknown:
            raise InvalidRequest(f"{spec.label} không cung cấp: {', '.join(unknown)} "
                                 f"(có: {', '.join(spec.attributes)}).", code="unknown_attribute")
        record.attributes = attributes or list(spec.attributes)
        if role not in rules.ROLES:
            raise InvalidRequest(f"Vai trò {role!r} không hợp lệ.", code="invalid_role")
        if not purpose:
            raise InvalidRequest("Phải nêu mục đích khai thác dữ liệu.", code="purpose_required")
        if actor is None and role != rules.SYSTEM:
            raise InvalidRequest("Thiếu người yêu cầu.", code="actor_required")
        error = _identifier_error(spec.identifier, identifier)
        if error is not None:
            raise error
        decision, grant_id, procedure_code = _authorize(spec, identifier, agency=agency, actor=actor, role=role,
                                                       dossier_code=dossier_code, procedure_code=procedure_code,
                                                       own=own)
        record.procedure_code, record.grant_id = procedure_code, grant_id
        if not decision.allowed:
            record.outcome, record.reason = Outcome.REFUSED, f"{decision.code}: {decision.reason}"
            raise AccessRefused(decision.reason, code=decision.code)
    except ExchangeError as error:
        call.error = error
        if record.outcome != Outcome.REFUSED:
            record.outcome, record.reason = Outcome.INVALID, f"{error.code}: {error}"
        return call
    call.context = CallContext(agency=record.agency_code, actor=record.actor_username, role=role,
                               dossier_code=dossier_code, purpose=purpose, procedure_code=procedure_code)
    return call


def _perform(call: _Call) -> _Call:
    """Call the registry (no database access: safe in a worker thread)."""
    record = call.record
    started = time.perf_counter()
    try:
        call.values = call.plugin.lookup(record.subject, record.attributes, call.context)
        record.outcome = Outcome.ALLOWED
    except NotFound as error:
        call.error, record.outcome, record.reason = error, Outcome.NOT_FOUND, str(error)
    except RegistryUnavailable as error:
        call.error, record.outcome, record.reason = error, Outcome.UNAVAILABLE, f"{error.code}: {error}"
    except ExchangeError as error:
        call.error, record.outcome, record.reason = error, Outcome.INVALID, f"{error.code}: {error}"
    finally:
        record.latency_ms = (time.perf_counter() - started) * 1000
    return call


_pool: ThreadPoolExecutor | None = None


def _threads() -> ThreadPoolExecutor:
    """Long-lived worker threads for concurrent HTTP lookups (their keep-alive sessions survive between calls)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="registry")
    return _pool


def fetch_many(calls: Sequence[dict[str, Any]]) -> list[RegistryResult | ExchangeError]:
    """Several :func:`fetch` calls (each a dict of its keyword arguments, with ``registry`` and ``identifier``;
    ``own``, when given, is the citizen actor's personal ID already looked up by the caller):
    checked one by one, remote registries called concurrently, all attempts logged in one transaction (one commit).
    Returns, in order, a :class:`RegistryResult` or the :class:`ExchangeError` that call would have raised."""
    prepared = [_prepare(c["registry"], c["identifier"], **{k: v for k, v in c.items()
                                                            if k not in ("registry", "identifier")})
                for c in calls]
    ready = [c for c in prepared if c.error is None]
    if len(ready) > 1 and any(hasattr(c.plugin, "base_url") for c in ready):
        list(_threads().map(_perform, ready))
    else:
        for call in ready:
            _perform(call)
    entries = append_log([c.record for c in prepared])
    out: list[RegistryResult | ExchangeError] = []
    for call, entry in zip(prepared, entries, strict=True):
        if call.error is not None:
            out.append(call.error)
        else:
            out.append(RegistryResult(registry=call.spec.name, identifier=call.record.subject, values=call.values,
                                      source=call.spec.label, authority=call.spec.authority,
                                      fetched_at=call.record.at, log_entry_id=entry.pk))
    return out


def fetch(registry: str, identifier: str, *, attributes: Sequence[str] = (), agency=None, actor=None,
          role: str, dossier_code: str = "", purpose: str, procedure_code: str | None = None) -> RegistryResult:
    """Read ``attributes`` (all the registry provides when empty) about ``identifier`` from ``registry``.

    ``agency`` is an :class:`~motcua.units.models.Agency` or its code (``None`` for a citizen's self-service);
    ``actor`` the user asking (``None`` only for ``role="system"``); ``role`` one of :data:`rules.ROLES`;
    ``dossier_code`` the case; ``purpose`` the legal purpose in words. See :mod:`.rules` for who may read what.
    Every attempt, whatever its outcome, is appended to the access log before this returns or raises.
    """
    (result,) = fetch_many([{"registry": registry, "identifier": identifier, "attributes": attributes,
                             "agency": agency, "actor": actor, "role": role, "dossier_code": dossier_code,
                             "purpose": purpose, "procedure_code": procedure_code}])
    if isinstance(result, ExchangeError):
        raise result
    return result


def prefill(user, procedure_code: str) -> dict[str, dict[str, Any]]:
    """The signed-in citizen's applicant fields for ``procedure_code``, read from the base registries.

    Returns ``{field: {"value", "source", "registry", "attribute", "fetched_at"}}``; a field whose registry could not
    answer has ``"value": None`` and ``"error"`` (what to do: upload the document instead). ``applicant_personal_id``
    comes from the account itself. Raises :class:`AccessRefused` (no personal ID on the account) and
    :class:`NotFound` (no such procedure, or the person is not in the population registry).
    """
    from motcua.catalog.models import Procedure, RequiredDocument

    from .queries import personal_id_of

    personal_id = personal_id_of(user)
    if not personal_id:
        raise AccessRefused("Tài khoản chưa gắn số định danh cá nhân: không thể điền sẵn thông tin.",
                            code="no_personal_id")
    procedure = Procedure.objects.filter(code=procedure_code).only("pk", "current_version_id").first()
    if procedure is None:
        raise NotFound(f"Không có thủ tục mã {procedure_code!r}.", code="unknown_procedure")
    names = [fold(n) for n in RequiredDocument.objects.filter(version_id=procedure.current_version_id)
             .values_list("name", flat=True)] if procedure.current_version_id else []
    plan = rules.prefill_plan(names)
    wanted: dict[str, list[str]] = {}
    for registry, attribute, _path in plan.values():
        if attribute not in wanted.setdefault(registry, []):
            wanted[registry].append(attribute)
    purpose = f"Điền sẵn thông tin người nộp hồ sơ thủ tục {procedure_code} (tự tra cứu)"
    answers = fetch_many([{"registry": registry, "identifier": personal_id, "attributes": attributes, "actor": user,
                           "role": rules.SELF_SERVICE, "purpose": purpose, "procedure_code": procedure_code,
                           "own": personal_id}
                          for registry, attributes in wanted.items()])
    results: dict[str, RegistryResult | ExchangeError] = dict(zip(wanted, answers, strict=True))
    for registry, answer in results.items():
        if isinstance(answer, ExchangeError) and not isinstance(answer, RegistryUnavailable | NotFound):
            raise answer  # refused or invalid: not a registry fault the applicant can work around
        if isinstance(answer, NotFound) and registry == "population":
            raise answer
    fields: dict[str, dict[str, Any]] = {
        "applicant_personal_id": {"value": personal_id, "source": "Tài khoản định danh điện tử",
                                  "registry": "", "attribute": "", "fetched_at": None}}
    for name, (registry, attribute, path) in plan.items():
        result = results[registry]
        spec = registries.SPECS[registry]
        if isinstance(result, RegistryResult):
            fields[name] = {"value": rules.pick(result.values.get(attribute), path), "source": result.source,
                            "registry": registry, "attribute": attribute, "fetched_at": result.fetched_at}
        else:
            fields[name] = {"value": None, "source": spec.label, "registry": registry, "attribute": attribute,
                            "fetched_at": None,
                            "error": f"{result} Bạn vẫn có thể nhập tay hoặc nộp bản giấy tờ."}
    return fields


def grant(agency, registry: str, *, procedure_codes: Iterable[str] = (), legal_basis: str = "",
          by=None) -> AccessGrant:
    """Allow ``agency`` to call ``registry`` for ``procedure_codes`` (every procedure when empty)."""
    agency = _agency(agency)
    if agency is None:
        raise InvalidRequest("Thiếu cơ quan được cấp quyền.", code="agency_required")
    if registry not in registries.SPECS:
        raise InvalidRequest(f"Không có cơ sở dữ liệu tên {registry!r}.", code="unknown_registry")
    codes = sorted({str(c).strip() for c in procedure_codes if str(c).strip()})
    from motcua.catalog.models import Procedure

    known = set(Procedure.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in known]
    if missing:
        raise InvalidRequest(f"Không có thủ tục: {', '.join(missing)}.", code="unknown_procedure")
    row = AccessGrant(agency=agency, registry=registry, procedure_codes=codes, legal_basis=legal_basis.strip(),
                      granted_by=by, granted_at=timezone.now())
    row.save()
    return row


def revoke(grant_id: int, *, by=None, reason: str = "") -> AccessGrant:
    """Revoke a grant, at once (the next call is refused). A grant is revoked once; revoking again is an error."""
    with transaction.atomic():
        row = AccessGrant.objects.select_for_update().filter(pk=grant_id).first()
        if row is None:
            raise NotFound(f"Không có quyền khai thác số {grant_id}.", code="unknown_grant")
        if row.revoked_at is not None:
            raise InvalidRequest(f"Quyền khai thác số {grant_id} đã bị thu hồi lúc {row.revoked_at:%d/%m/%Y %H:%M}.",
                                 code="already_revoked")
        AccessGrant.objects.filter(pk=grant_id).update(revoked_at=timezone.now(), revoked_by=by,
                                                       revoke_reason=reason.strip())
        row.refresh_from_db()
    return row


def link_person(user, personal_id: str, *, source: str = "") -> PersonLink:
    """Record that ``user`` is the person with ``personal_id`` (identity providers call this at sign-in)."""
    try:
        parsed = parse_personal_id(personal_id)
    except IdentifierError as error:
        raise InvalidIdentifier(str(error), code=error.rule) from error
    link, _ = PersonLink.objects.update_or_create(user=user, defaults={"personal_id": parsed.number,
                                                                        "source": source})
    return link


def record_change(registry: str, kind: str, subject: str, *, occurred_on=None, payload: dict | None = None,
                  at: datetime | None = None) -> RegistryChange:
    """Append one change to the registries' change feed (what a registry publishes when its data changes)."""
    if registry not in registries.SPECS and registry not in ("store", "dossiers"):
        raise InvalidRequest(f"Không có cơ sở dữ liệu tên {registry!r}.", code="unknown_registry")
    at = at or timezone.now()
    row = RegistryChange(registry=registry, kind=str(kind)[:40], subject=str(subject)[:32],
                         occurred_on=occurred_on or timezone.localdate(at), payload=dict(payload or {}),
                         recorded_at=at)
    row.save()
    return row


def latest_change(registry: str, subject: str, kinds: Sequence[str]) -> RegistryChange | None:
    """The latest change of ``kinds`` about ``subject`` (the registry's current value of what those kinds set)."""
    return (RegistryChange.objects.filter(registry=registry, subject=subject, kind__in=list(kinds))
            .order_by("-id").first())
