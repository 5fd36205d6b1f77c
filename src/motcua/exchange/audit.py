"""`motcua audit verify`: every hash-chained log of the project (issue 4 point 5, issue 12 points 3 and 19).

The logs: the registry access log (one chain per shard), dossier events (one chain per dossier), PAKN events (one
per item), PAKN personal-data access (one chain in id order), steering events (one per obstacle or assignment) and
the message log between deployments (one chain in id order). Each entry's ``hash`` is the keyed link
(:mod:`motcua.core.chain`) of the previous hash and the entry's canonical content. Verification streams every entry
once, in chain order, recomputes each link and checks it; then compares every chain with the last signed checkpoint
(:mod:`motcua.core.checkpoints`). For each chain it names the first entry that breaks it:

- **edited** — the stored hash does not match the entry's content and its ``prev_hash`` (a column was changed, or
  the entry was re-hashed without the key), or the entry's own hash was recomputed after an edit (the next entry no
  longer links to it), or the chain's entry at the checkpointed length no longer carries the checkpointed hash;
- **deleted** — a ``seq`` is missing, or the chain ends before its recorded end (the access log's head row, a
  dossier's or item's ``version``) or before the length the last checkpoint recorded, or a checkpointed chain has
  no entry left at all;
- **reordered** — the entry is self-consistent but links to an entry of the chain other than the one before it;
- **unsealed** — the entry has no hash: nothing protects it, so it is a failure;
- **unkeyed** — a plain SHA-256 link (as written before keys existed) that no signed checkpoint covers: anyone with
  write access to the database could have written it;
- **unknown key** — the entry's key id is not in the key file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from motcua.core.chain import BAD, GENESIS, UNKEYED, UNKNOWN_KEY, UNSEALED, canonical_json, check_text

CHUNK = 20_000
LATEST = object()  # "compare with the last checkpoint in the checkpoint file"
# Set only by `motcua audit checkpoint --accept-unkeyed` (the first checkpoint after upgrading a deployment whose
# entries predate the keys): plain SHA-256 links are then checked like keyed ones, and the checkpoint pins them.
_TRUST_UNKEYED: ContextVar[bool] = ContextVar("trust_unkeyed", default=False)


@dataclass
class Finding:
    kind: str  # edited | deleted | reordered | unsealed | unkeyed | unknown key
    chain: str  # "chain 3" / "dossier H01.TTPVHCC-260302-0001"
    seq: int
    entry_id: int | None  # the named entry's id (None when it was deleted)
    detail: str
    position: int | None = None  # id of the entry where the break shows, to order findings across chains

    def describe(self, log: str) -> str:
        where = f"{log} {self.chain} entry #{self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"{self.kind}: {where} — {self.detail}"


@dataclass
class Report:
    log: str
    entries: int = 0
    chains: int = 0
    unsealed: int = 0
    findings: list[Finding] = field(default_factory=list)
    heads: dict[str, list] = field(default_factory=dict)  # chain key → [length, last hash], for the next checkpoint
    checkpoint: str = ""  # when the checkpoint compared with was written ("" when none)

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The earliest broken entry (smallest id; a deleted tail, with no id, last)."""
        if not self.findings:
            return None

        def order(f: Finding):
            at = f.entry_id or f.position
            return (at is None, at or 0, f.chain, f.seq)

        return min(self.findings, key=order)

    def merge(self, part: Report) -> None:
        self.entries += part.entries
        self.chains += part.chains
        self.unsealed += part.unsealed
        self.findings.extend(part.findings)
        self.heads.update(part.heads)

    def summary(self) -> str:
        head = f"{self.log}: {self.entries:,} entries in {self.chains:,} chains"
        if self.unsealed:
            head += f", {self.unsealed:,} unsealed"
        head += f" (checked against the checkpoint of {self.checkpoint})" if self.checkpoint else \
            " (no signed checkpoint yet)"
        if self.intact:
            return head + ": intact"
        lines = [head + f": TAMPERED ({len(self.findings)} chain(s) broken)",
                 "first: " + self.first.describe(self.log)]
        lines += ["  " + f.describe(self.log) for f in self.findings[:20] if f is not self.first]
        return "\n".join(lines)


def _pins(log: str, checkpoint: Any) -> tuple[dict[str, list], str]:
    """The checkpointed chains of ``log`` (chain key → [length, hash]) and when they were checkpointed."""
    if checkpoint is LATEST:
        from motcua.core import checkpoints

        checkpoint = checkpoints.latest()
    if not checkpoint:
        return {}, ""
    return checkpoint.get("logs", {}).get(log, {}), checkpoint.get("at", "")


def _walk(rows: Iterator[tuple], text: Callable[[tuple], str], *, chain_name: Callable[[Any], str],
          expected_end: Callable[[Any], int | None], moved: Callable[[Any, int, str, str], bool], report: Report,
          tick: Callable[[int], None] | None = None, pins: dict[str, list] | None = None,
          ordinal: bool = False) -> Report:
    """Verify rows ``(chain key, seq, id, prev_hash, hash, *content columns)`` sorted by chain key and seq;
    ``text(row)`` is the row's canonical content JSON.

    ``moved(key, seq, prev_hash, expected_prev)`` tells a reordering from an edit when an entry does not link to its
    predecessor. ``ordinal``: the chain is in id order and ``seq`` is the position (a broken link is then a deleted
    entry unless the entry it links to still exists). ``pins``: the last checkpoint's [length, hash] per chain."""
    pins = pins or {}
    trust_unkeyed = _TRUST_UNKEYED.get()
    none = key = object()
    expected_prev, expected_seq, broken, last_seq, last_hash, previous_id = GENESIS, 1, False, 0, "", None
    count = 0

    def fail(kind: str, seq: int, entry_id: int | None, detail: str, position: int | None = None) -> None:
        nonlocal broken
        report.findings.append(Finding(kind, chain_name(key), seq, entry_id, detail, position))
        broken = True

    def close(chain_key) -> None:
        report.heads[str(chain_key)] = [last_seq, last_hash]
        if broken:
            return
        end = expected_end(chain_key)
        pin = pins.get(str(chain_key))
        if end is not None and end > last_seq:
            report.findings.append(Finding("deleted", chain_name(chain_key), last_seq + 1, None,
                                           f"the chain ends at #{last_seq} but its recorded end is #{end}: "
                                           f"entries #{last_seq + 1}–#{end} are missing"))
        elif pin and pin[0] > last_seq:
            report.findings.append(Finding("deleted", chain_name(chain_key), last_seq + 1, None,
                                           f"the chain ends at #{last_seq} but the signed checkpoint of "
                                           f"{report.checkpoint} records #{pin[0]}: entries #{last_seq + 1}–"
                                           f"#{pin[0]} are missing"))

    for row in rows:
        chain_key, seq, entry_id, prev_hash, stored = row[0], row[1], row[2], row[3], row[4]
        count += 1
        if tick and count % CHUNK == 0:
            tick(CHUNK)
        if chain_key != key:
            if key is not none:
                close(key)
            key, expected_prev, expected_seq, broken, last_seq = chain_key, GENESIS, 1, False, 0
            previous_id = None
            report.chains += 1
        last_seq, last_hash = seq, stored
        if broken:
            continue
        pin = pins.get(str(key))
        status = check_text(prev_hash, text(row), stored)
        if status == UNSEALED:
            report.unsealed += 1
            fail("unsealed", seq, entry_id, "it has no hash: it could be changed or removed without detection")
        elif status == UNKNOWN_KEY:
            fail("unknown key", seq, entry_id, f"its hash names key {stored.partition(':')[0]!r}, which is not in "
                                               f"the audit key file")
        elif status == BAD:
            fail("edited", seq, entry_id, "its content no longer matches its hash")
        elif status == UNKEYED and not (pin and seq <= pin[0]) and not trust_unkeyed:
            fail("unkeyed", seq, entry_id, "its hash is plain SHA-256, without the audit key, and no signed "
                                           "checkpoint covers it")
        elif prev_hash != expected_prev or seq != expected_seq:
            if seq > expected_seq:
                fail("deleted", expected_seq, None, f"entries #{expected_seq}–#{seq - 1} are missing before #{seq} "
                                                    f"(id {entry_id})", entry_id)
            elif ordinal and not moved(key, seq, prev_hash, expected_prev):
                fail("deleted", seq, entry_id, f"the entry it links to is missing: an entry between #{seq - 1} "
                                               f"and #{seq} was deleted (or changed and re-hashed)")
            elif moved(key, seq, prev_hash, expected_prev):
                fail("reordered", seq, entry_id, f"it links to another entry of the chain, not to #{seq - 1}")
            else:
                fail("edited", max(seq - 1, 1), previous_id, f"entry #{seq - 1} was changed and its hash "
                                                             f"recomputed: #{seq} (id {entry_id}) no longer links "
                                                             f"to it", entry_id)
        elif pin and seq == pin[0] and stored != pin[1]:
            fail("edited", seq, entry_id, f"the chain was rewritten: its hash differs from the one the signed "
                                          f"checkpoint of {report.checkpoint} records")
        expected_prev, expected_seq, previous_id = stored, seq + 1, entry_id
    if key is not none:
        close(key)
    report.entries = count
    if tick:
        tick(count % CHUNK)
    return report


def _missing_chains(report: Report, pins: dict[str, list], name: Callable[[str], str]) -> None:
    """Chains the checkpoint records that have no entry left (deleted whole, head rows and all)."""
    for chain_key, (length, _) in sorted(pins.items()):
        if length and chain_key not in report.heads:
            report.findings.append(Finding("deleted", name(chain_key), 1, None,
                                           f"the whole chain is missing; the signed checkpoint of "
                                           f"{report.checkpoint} records {length} entries"))


def _progress(total: int, label: str, enabled: bool):
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit=" entries", unit_scale=True, mininterval=0.5)
    return bar.update, bar.close


def _moved(chain, seq: int, prev_hash: str, expected_prev: str) -> bool:
    """Only called on a broken link, so two small indexed queries at most."""
    if chain.filter(prev_hash=expected_prev).exclude(seq=seq).exists():
        return True
    return bool(prev_hash) and chain.filter(hash=prev_hash).exists()


_ENC = json.encoder.encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses for strings


def access_content_json(shard: int, seq: int, at: str, registry: str, subject: str, attributes: list, agency: str,
                        actor: str, actor_name: str, role: str, dossier: str, procedure: str, purpose: str,
                        outcome: str, reason: str, latency_ms: float | None, grant: int | None) -> str:
    """``canonical_json(log_chain_content(...))`` built directly (keys in sorted order), with ``at`` already the UTC
    ISO string: the same bytes, several times faster. A test holds the two equal on arbitrary text."""
    enc = _ENC
    return ('{"actor":' + enc(actor) + ',"actor_name":' + enc(actor_name) + ',"agency":' + enc(agency)
            + ',"at":' + enc(at) + ',"attributes":[' + ",".join(map(enc, attributes)) + '],"dossier":' + enc(dossier)
            + ',"grant":' + ("null" if grant is None else str(int(grant)))
            + ',"latency_ms":' + ("null" if latency_ms is None else repr(round(float(latency_ms), 3)))
            + ',"outcome":' + enc(outcome) + ',"procedure":' + enc(procedure) + ',"purpose":' + enc(purpose)
            + ',"reason":' + enc(reason) + ',"registry":' + enc(registry) + ',"role":' + enc(role)
            + ',"seq":' + str(int(seq)) + ',"shard":' + str(int(shard)) + ',"subject":' + enc(subject) + "}")


_PG_ROWS = """
    SELECT shard, seq, id, prev_hash, hash,
           to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
           registry, subject, attributes::text, agency_code, actor_username, actor_name, role, dossier_code,
           procedure_code, purpose, outcome, reason, latency_ms, grant_id
      FROM exchange_accesslogentry WHERE shard = %s ORDER BY seq"""


def _verify_shard_pg(shard: int, pins: dict[str, list], at: str) -> Report:
    """One chain of the access log, streamed with a server-side cursor as text (no per-row ORM conversion)."""
    from django.db import connection, transaction

    from .models import AccessLogEntry, AccessLogHead

    end = AccessLogHead.objects.filter(shard=shard).values_list("seq", flat=True).first()
    report = Report("access log", checkpoint=at)
    loads = json.loads
    with transaction.atomic(), connection.connection.cursor(name=f"audit_verify_{shard}") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(_PG_ROWS, [shard])
        rows = ((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], loads(r[8]), *r[9:]) for r in cursor)
        _walk(rows, lambda r: access_content_json(*r[:2], *r[5:]), chain_name=lambda s: f"chain {s}",
              expected_end=lambda s: end, report=report, pins=pins,
              moved=lambda s, seq, prev, expected: _moved(AccessLogEntry.objects.filter(shard=shard), seq, prev,
                                                          expected))
    if end and not report.entries:
        report.findings.append(Finding("deleted", f"chain {shard}", 1, None,
                                       f"the chain is empty but its recorded end is #{end}"))
    return report


def _pool_verify(args: tuple[int, dict, str]) -> Report:
    from django.db import connections

    try:
        return _verify_shard_pg(*args)
    finally:
        connections.close_all()


def verify_access_log(*, progress: bool = False, workers: int | None = None, checkpoint: Any = LATEST) -> Report:
    """Verify every chain of the access log. On PostgreSQL the chains are verified in parallel, one process per core
    (``workers``), each streaming its chains as text; elsewhere in this process through the ORM."""
    from django.db import connection, connections

    from .models import SHARDS, AccessLogEntry, AccessLogHead

    pins, at = _pins("access log", checkpoint)
    if connection.vendor != "postgresql":
        return _verify_access_log_orm(progress=progress, pins=pins, at=at)
    shards = sorted(set(range(SHARDS)) | set(AccessLogHead.objects.values_list("shard", flat=True))
                    | {int(k) for k in pins})
    total = AccessLogEntry.objects.count() if progress else 0
    tick, close = _progress(total, "access log", progress)
    workers = workers or min(len(shards), os.cpu_count() or 1)
    if connection.in_atomic_block:  # forked workers would not see this transaction's rows
        workers = 1
    report = Report("access log", checkpoint=at)
    tasks = [(shard, {k: v for k, v in pins.items() if k == str(shard)}, at) for shard in shards]
    try:
        if workers <= 1:
            parts = (_verify_shard_pg(*task) for task in tasks)
        else:
            import multiprocessing

            connections.close_all()  # each worker opens its own connection
            pool = multiprocessing.get_context("fork").Pool(workers)
            parts = pool.imap_unordered(_pool_verify, tasks)
        for part in parts:
            report.merge(part)
            if tick:
                tick(part.entries)
        if workers > 1:
            pool.close()
            pool.join()
    finally:
        close()
    seen = {f.chain for f in report.findings}
    _missing_chains(report, {k: v for k, v in pins.items() if f"chain {k}" not in seen}, lambda k: f"chain {k}")
    report.findings.sort(key=lambda f: (int(f.chain.split()[-1]), f.seq))
    return report


def _verify_access_log_orm(*, progress: bool = False, pins: dict[str, list], at: str) -> Report:
    from .models import CHAIN_COLUMNS, AccessLogEntry, AccessLogHead, log_chain_content

    heads = dict(AccessLogHead.objects.values_list("shard", "seq"))
    report = Report("access log", checkpoint=at)
    tick, close = _progress(AccessLogEntry.objects.count() if progress else 0, "access log", progress)
    rows = (AccessLogEntry.objects.order_by("shard", "seq")
            .values_list("shard", "seq", "id", "prev_hash", "hash", *CHAIN_COLUMNS).iterator(chunk_size=CHUNK))
    try:
        _walk(rows, lambda r: canonical_json(log_chain_content(*r[5:])), chain_name=lambda s: f"chain {s}",
              expected_end=lambda s: heads.get(s),
              moved=lambda s, seq, prev, expected: _moved(AccessLogEntry.objects.filter(shard=s), seq, prev, expected),
              report=report, tick=tick, pins=pins)
    finally:
        close()
    seen = {f.chain for f in report.findings}
    for shard, end in sorted(heads.items()):  # chains whose every entry was deleted
        if end and str(shard) not in report.heads and f"chain {shard}" not in seen:
            report.findings.append(Finding("deleted", f"chain {shard}", 1, None,
                                           f"the chain is empty but its recorded end is #{end}"))
    seen = {f.chain for f in report.findings}
    _missing_chains(report, {k: v for k, v in pins.items() if f"chain {k}" not in seen}, lambda k: f"chain {k}")
    return report


def event_content_json(dossier: int, seq: int, actor: int | None, role: str, at: str, action: str, from_state: str,
                       to_state: str, step: str, reason: str, data: Any) -> str:
    """``canonical_json(event_chain_content(...))`` built directly, with ``at`` already the UTC ISO string and
    ``data`` the stored JSON value (a test holds the two equal)."""
    from motcua.core.chain import canonical_json

    enc = _ENC
    return ('{"action":' + enc(action) + ',"actor":' + ("null" if actor is None else str(int(actor)))
            + ',"at":' + enc(at) + ',"data":' + canonical_json(data) + ',"dossier":' + str(int(dossier))
            + ',"from":' + enc(from_state) + ',"reason":' + enc(reason or "") + ',"role":' + enc(role)
            + ',"seq":' + str(int(seq)) + ',"step":' + enc(step or "") + ',"to":' + enc(to_state) + "}")


_PG_EVENTS = """
    SELECT dossier_id, seq, id, prev_hash, hash, actor_id, role,
           to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
           action, from_state, to_state, step, reason, data::text
      FROM dossiers_dossierevent WHERE dossier_id %% %s = %s ORDER BY dossier_id, seq"""


def _verify_events_part(part: int, parts: int, pins: dict[str, list], at: str) -> Report:
    """The chains of the dossiers whose id is ``part`` modulo ``parts``, streamed with a server-side cursor."""
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierEvent

    dossiers = Dossier.objects.extra(where=["id %% %s = %s"], params=[parts, part]) if parts > 1 else \
        Dossier.objects.all()
    codes = {pk: (code, version) for pk, code, version in
             dossiers.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)}
    report = Report("dossier events", checkpoint=at)
    with transaction.atomic(), connection.connection.cursor(name=f"audit_events_{part}") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(_PG_EVENTS, [parts, part])
        loads = json.loads
        rows = ((*r[:13], loads(r[13])) for r in cursor)
        _walk(rows, lambda r: event_content_json(r[0], r[1], *r[5:]),
              chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
              expected_end=lambda d: codes.get(d, (None, None))[1],
              moved=lambda d, seq, prev, expected: _moved(DossierEvent.objects.filter(dossier_id=d), seq, prev,
                                                          expected),
              report=report, pins=pins)
    return report


def _pool_verify_events(args: tuple[int, int, dict, str]) -> Report:
    from django.db import connections

    try:
        return _verify_events_part(*args)
    finally:
        connections.close_all()


def verify_dossier_events(*, progress: bool = False, workers: int | None = None, checkpoint: Any = LATEST) -> Report:
    """Verify every dossier's event chain. On PostgreSQL the dossiers are split over one process per core, each
    streaming its events as text; elsewhere in this process through the ORM."""
    from django.db import connection, connections

    pins, at = _pins("dossier events", checkpoint)
    if connection.vendor != "postgresql":
        report = _verify_dossier_events_orm(progress=progress, pins=pins, at=at)
    else:
        workers = 1 if connection.in_atomic_block else (workers or os.cpu_count() or 1)
        tick, close = _progress(0, "dossier events", progress)
        report = Report("dossier events", checkpoint=at)
        try:
            if workers <= 1:
                parts = [_verify_events_part(0, 1, pins, at)]
            else:
                import multiprocessing

                connections.close_all()
                tasks = [(k, workers, {d: v for d, v in pins.items() if int(d) % workers == k}, at)
                         for k in range(workers)]
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    parts = pool.map(_pool_verify_events, tasks)
            for part in parts:
                report.merge(part)
                if tick:
                    tick(part.entries)
        finally:
            close()
    _dossiers_without_events(report)
    seen = {f.chain for f in report.findings}
    _missing_chains(report, {d: v for d, v in pins.items() if f"dossier id {d}" not in seen},
                    lambda d: f"dossier id {d}")
    return report


def _dossiers_without_events(report: Report) -> None:
    """Dossiers that record events (``version`` ≥ 1) but have none left: the whole chain was deleted."""
    from django.db.models import Exists, OuterRef

    from motcua.dossiers.models import Dossier, DossierEvent

    empty = (Dossier.objects.filter(version__gt=0)
             .exclude(Exists(DossierEvent.objects.filter(dossier=OuterRef("pk")))).values_list("pk", "code", "version"))
    for pk, code, version in empty.iterator(chunk_size=CHUNK):
        report.findings.append(Finding("deleted", f"dossier id {pk}", 1, None,
                                       f"the dossier {code} records {version} events but has none left"))


def _verify_dossier_events_orm(*, progress: bool = False, pins: dict[str, list], at: str) -> Report:
    from motcua.dossiers.models import Dossier, DossierEvent, event_chain_content

    dossiers = Dossier.objects.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)
    codes: dict[int, tuple[str, int]] = {pk: (code, version) for pk, code, version in dossiers}
    report = Report("dossier events", checkpoint=at)
    tick, close = _progress(DossierEvent.objects.count() if progress else 0, "dossier events", progress)
    columns = ("dossier_id", "seq", "actor_id", "role", "at", "action", "from_state", "to_state", "step", "reason",
               "data")
    rows = (DossierEvent.objects.order_by("dossier_id", "seq")
            .values_list("dossier_id", "seq", "id", "prev_hash", "hash", *columns).iterator(chunk_size=CHUNK))
    try:
        _walk(rows, lambda r: canonical_json(event_chain_content(*r[5:])),
              chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
              expected_end=lambda d: codes.get(d, (None, None))[1],
              moved=lambda d, seq, prev, expected: _moved(DossierEvent.objects.filter(dossier_id=d), seq, prev,
                                                          expected),
              report=report, tick=tick, pins=pins)
    finally:
        close()
    return report


# The smaller logs: through the ORM, one entry object at a time --------------------------------------------------

def _verify_objects(log: str, queryset, *, chain_of: Callable[[Any], Any], chain_name: Callable[[Any], str],
                    chain_filter: Callable[[Any], dict] | None = None, expected_end: Callable[[Any], int | None]
                    = lambda k: None, checkpoint: Any = LATEST, progress: bool = False) -> Report:
    """Verify a log whose entries define ``chain_content()``. ``chain_filter(key)`` selects one chain (chains
    numbered by ``seq``); without it the log is one chain in id order."""
    pins, at = _pins(log, checkpoint)
    report = Report(log, checkpoint=at)
    ordinal = chain_filter is None
    model = queryset.model

    def rows():
        for position, entry in enumerate(queryset.iterator(chunk_size=2000), 1):
            yield (chain_of(entry), position if ordinal else entry.seq, entry.pk, entry.prev_hash, entry.hash, entry)

    if ordinal:
        def moved(key, seq, prev, expected):
            return bool(prev) and model._default_manager.filter(hash=prev).exists()
    else:
        def moved(key, seq, prev, expected):
            return _moved(model._default_manager.filter(**chain_filter(key)), seq, prev, expected)

    tick, close = _progress(queryset.count() if progress else 0, log, progress)
    try:
        _walk(rows(), lambda r: canonical_json(r[5].chain_content()), chain_name=chain_name,
              expected_end=expected_end, moved=moved, report=report, tick=tick, pins=pins, ordinal=ordinal)
    finally:
        close()
    _missing_chains(report, pins, lambda k: chain_name(k))
    return report


def verify_feedback_events(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """Every PAKN item's event chain (ends at the item's ``version``)."""
    from motcua.feedback.models import Feedback, FeedbackEvent

    items = {pk: (code, version) for pk, code, version in
             Feedback.objects.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)}
    return _verify_objects("PAKN events", FeedbackEvent.objects.order_by("feedback_id", "seq"),
                           chain_of=lambda e: e.feedback_id,
                           chain_name=lambda k: f"PAKN {items.get(int(k), (f'id {k}',))[0]}",
                           chain_filter=lambda k: {"feedback_id": k},
                           expected_end=lambda k: items.get(k, (None, None))[1], checkpoint=checkpoint,
                           progress=progress)


def verify_personal_data_access(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """The trace of officers' looks at PAKN submitters' personal data (one chain in id order)."""
    from motcua.feedback.models import PersonalDataAccess

    return _verify_objects("PAKN personal-data access", PersonalDataAccess.objects.order_by("id"),
                           chain_of=lambda e: "all", chain_name=lambda k: "chain", checkpoint=checkpoint,
                           progress=progress)


def verify_steering_events(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """Every obstacle's and task assignment's event chain (ends at the subject's ``version``)."""
    from motcua.steering.models import Obstacle, SteeringEvent, TaskAssignment

    ends = {f"obstacle:{pk}": v for pk, v in Obstacle.objects.values_list("pk", "version")}
    ends |= {f"assignment:{pk}": v for pk, v in TaskAssignment.objects.values_list("pk", "version")}

    def chain_of(e) -> str:
        return f"obstacle:{e.obstacle_id}" if e.obstacle_id else f"assignment:{e.assignment_id}"

    def chain_filter(k: str) -> dict:
        kind, _, pk = k.partition(":")
        return {"obstacle_id": int(pk)} if kind == "obstacle" else {"assignment_id": int(pk)}

    return _verify_objects("steering events", SteeringEvent.objects.order_by("obstacle_id", "assignment_id", "seq"),
                           chain_of=chain_of, chain_name=lambda k: k.replace(":", " "), chain_filter=chain_filter,
                           expected_end=lambda k: ends.get(k), checkpoint=checkpoint, progress=progress)


def verify_message_log(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """The log of messages sent to and received from other deployments (one chain in id order)."""
    from motcua.exchange.messaging.models import MessageLog

    return _verify_objects("message log", MessageLog.objects.order_by("id"), chain_of=lambda e: "all",
                           chain_name=lambda k: "chain", checkpoint=checkpoint, progress=progress)


VERIFIERS: dict[str, Callable[..., Report]] = {
    "access": verify_access_log, "dossiers": verify_dossier_events, "feedback": verify_feedback_events,
    "personal-data": verify_personal_data_access, "steering": verify_steering_events,
    "messages": verify_message_log,
}


def verify_all(*, logs: list[str] | None = None, progress: bool = False) -> list[Report]:
    """Verify every log (or those named) against the last signed checkpoint. Raises
    :class:`motcua.core.checkpoints.CheckpointError` when the checkpoint file itself was altered."""
    from motcua.core import checkpoints

    latest = checkpoints.latest()
    return [VERIFIERS[name](progress=progress, checkpoint=latest) for name in (logs or list(VERIFIERS))]


def checkpoint(*, progress: bool = False, accept_unkeyed: bool = False) -> tuple[list[Report], str | None]:
    """Verify every log and, when all are intact, append a signed checkpoint of their chains; return the reports and
    the new checkpoint's digest (``None`` when something was broken: nothing is written). ``accept_unkeyed``: once,
    after upgrading, pin the plain SHA-256 entries written before keys existed (docs/security.md)."""
    from motcua.core import checkpoints

    token = _TRUST_UNKEYED.set(accept_unkeyed)
    try:
        reports = verify_all(progress=progress)
    finally:
        _TRUST_UNKEYED.reset(token)
    if not all(r.intact for r in reports):
        return reports, None
    _, digest = checkpoints.write({r.log: r.heads for r in reports})
    return reports, digest
