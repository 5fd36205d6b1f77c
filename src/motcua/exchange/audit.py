"""Verification of the hash-chained logs (issue 4 point 5): the access log and the dossier event log.

Both logs are sets of chains (the access log: one per shard; dossier events: one per dossier), each ordered by
``seq`` from 1, each entry's ``hash`` = H(previous hash, canonical content). Verification streams every entry once, in
chain order, with a server-side cursor, recomputes each hash and checks each link. For each chain it names the first
entry that breaks it:

- **edited** — the stored hash does not match the entry's content and its ``prev_hash`` (a column was changed), or the
  entry's own hash was recomputed after an edit (the next entry no longer links to it, and no other entry of the
  chain carries the hash it links to);
- **deleted** — a ``seq`` is missing (the next entry does not link to its predecessor and the numbering jumps), or
  the chain ends before its recorded end (the access log's head row, a dossier's ``version``);
- **reordered** — the entry is self-consistent but links to an entry of the chain other than the one before it.

Dossier events with an empty hash were written before the chain existed: they are counted as *unsealed*, not as
tampered, and the next sealed event links to "" after them, as live handling writes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from motcua.core.chain import GENESIS, link_hash

CHUNK = 20_000


@dataclass
class Finding:
    kind: str  # edited | deleted | reordered
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

    def summary(self) -> str:
        head = f"{self.log}: {self.entries:,} entries in {self.chains:,} chains"
        if self.unsealed:
            head += f", {self.unsealed:,} unsealed (written before the chain existed)"
        if self.intact:
            return head + ": intact"
        lines = [head + f": TAMPERED ({len(self.findings)} chain(s) broken)",
                 "first: " + self.first.describe(self.log)]
        lines += ["  " + f.describe(self.log) for f in self.findings[:20] if f is not self.first]
        return "\n".join(lines)


def _walk(rows: Iterator[tuple], content: Callable[[tuple], dict] | None, *, chain_name: Callable[[Any], str],
          expected_end: Callable[[Any], int | None], moved: Callable[[Any, int, str, str], bool], report: Report,
          tick: Callable[[int], None] | None = None, allow_unsealed: bool = False,
          digest: Callable[[tuple], str] | None = None) -> Report:
    """Verify rows ``(chain key, seq, id, prev_hash, hash, *content columns)`` sorted by chain key and seq.

    ``moved(key, seq, prev_hash, expected_prev)`` tells a reordering from an edit when an entry does not link to its
    predecessor: the entry that should follow the predecessor sits elsewhere in the chain, or this entry links to
    another entry of the chain."""
    none = key = object()
    expected_prev, expected_seq, broken, last_seq, previous_id = GENESIS, 1, False, 0, None
    count = 0

    def close(chain_key) -> None:
        if broken:
            return
        end = expected_end(chain_key)
        if end is not None and end > last_seq:
            report.findings.append(Finding("deleted", chain_name(chain_key), last_seq + 1, None,
                                           f"the chain ends at #{last_seq} but its recorded end is #{end}: "
                                           f"entries #{last_seq + 1}–#{end} are missing"))

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
        last_seq = seq
        if broken:
            continue
        if allow_unsealed and not stored:
            report.unsealed += 1
            if seq != expected_seq:
                report.findings.append(Finding("deleted", chain_name(key), expected_seq, None,
                                               f"entries #{expected_seq}–#{seq - 1} are missing before #{seq} "
                                               f"(id {entry_id})", entry_id))
                broken = True
            expected_prev, expected_seq, previous_id = "", seq + 1, entry_id
            continue
        if (digest(row) if digest else link_hash(prev_hash, content(row))) != stored:
            report.findings.append(Finding("edited", chain_name(key), seq, entry_id,
                                           "its content no longer matches its hash"))
            broken = True
        elif prev_hash != expected_prev or seq != expected_seq:
            if seq > expected_seq:
                report.findings.append(Finding("deleted", chain_name(key), expected_seq, None,
                                               f"entries #{expected_seq}–#{seq - 1} are missing before #{seq} "
                                               f"(id {entry_id})", entry_id))
            elif moved(key, seq, prev_hash, expected_prev):
                report.findings.append(Finding("reordered", chain_name(key), seq, entry_id,
                                               f"it links to another entry of the chain, not to #{seq - 1}"))
            else:
                report.findings.append(Finding("edited", chain_name(key), max(seq - 1, 1), previous_id,
                                               f"entry #{seq - 1} was changed and its hash recomputed: "
                                               f"#{seq} (id {entry_id}) no longer links to it", entry_id))
            broken = True
        expected_prev, expected_seq, previous_id = stored, seq + 1, entry_id
    if key is not none:
        close(key)
    report.entries = count
    if tick:
        tick(count % CHUNK)
    return report


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


def _verify_shard_pg(shard: int) -> Report:
    """One chain of the access log, streamed with a server-side cursor as text (no per-row ORM conversion)."""
    from django.db import connection, transaction

    from .models import AccessLogEntry, AccessLogHead

    end = AccessLogHead.objects.filter(shard=shard).values_list("seq", flat=True).first()
    report = Report("access log")
    loads = json.loads
    with transaction.atomic(), connection.connection.cursor(name=f"audit_verify_{shard}") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(_PG_ROWS, [shard])
        rows = ((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], loads(r[8]), *r[9:]) for r in cursor)
        _walk_text(rows, report, end,
                   lambda seq, prev, expected: _moved(AccessLogEntry.objects.filter(shard=shard), seq, prev,
                                                      expected))
    if end and not report.entries:
        report.findings.append(Finding("deleted", f"chain {shard}", 1, None,
                                       f"the chain is empty but its recorded end is #{end}"))
    return report


def _walk_text(rows, report: Report, end: int | None, moved) -> None:
    import hashlib

    sha = hashlib.sha256
    _walk(rows, None, chain_name=lambda s: f"chain {s}", expected_end=lambda s: end,
          moved=lambda s, seq, prev, expected: moved(seq, prev, expected), report=report,
          digest=lambda r: sha((r[3] + "\n" + access_content_json(*r[:2], *r[5:])).encode()).hexdigest())


def _pool_verify(shard: int) -> Report:
    from django.db import connections

    try:
        return _verify_shard_pg(shard)
    finally:
        connections.close_all()


def verify_access_log(*, progress: bool = False, workers: int | None = None) -> Report:
    """Verify every chain of the access log. On PostgreSQL the chains are verified in parallel, one process per core
    (``workers``), each streaming its chains as text; elsewhere in this process through the ORM."""
    from django.db import connection, connections

    from .models import SHARDS, AccessLogEntry, AccessLogHead

    if connection.vendor != "postgresql":
        return _verify_access_log_orm(progress=progress)
    shards = sorted(set(range(SHARDS)) | set(AccessLogHead.objects.values_list("shard", flat=True)))
    total = AccessLogEntry.objects.count() if progress else 0
    tick, close = _progress(total, "access log", progress)
    workers = workers or min(len(shards), os.cpu_count() or 1)
    if connection.in_atomic_block:  # forked workers would not see this transaction's rows
        workers = 1
    report = Report("access log")
    try:
        if workers <= 1:
            parts = map(_verify_shard_pg, shards)
        else:
            import multiprocessing

            connections.close_all()  # each worker opens its own connection
            pool = multiprocessing.get_context("fork").Pool(workers)
            parts = pool.imap_unordered(_pool_verify, shards)
        for part in parts:
            report.entries += part.entries
            report.chains += part.chains
            report.findings.extend(part.findings)
            if tick:
                tick(part.entries)
        if workers > 1:
            pool.close()
            pool.join()
    finally:
        close()
    report.findings.sort(key=lambda f: (int(f.chain.split()[-1]), f.seq))
    return report


def _verify_access_log_orm(*, progress: bool = False) -> Report:
    from .models import CHAIN_COLUMNS, AccessLogEntry, AccessLogHead, log_chain_content

    heads = dict(AccessLogHead.objects.values_list("shard", "seq"))
    report = Report("access log")
    tick, close = _progress(AccessLogEntry.objects.count() if progress else 0, "access log", progress)
    rows = (AccessLogEntry.objects.order_by("shard", "seq")
            .values_list("shard", "seq", "id", "prev_hash", "hash", *CHAIN_COLUMNS).iterator(chunk_size=CHUNK))
    try:
        _walk(rows, lambda r: log_chain_content(*r[5:]), chain_name=lambda s: f"chain {s}",
              expected_end=lambda s: heads.get(s),
              moved=lambda s, seq, prev, expected: _moved(AccessLogEntry.objects.filter(shard=s), seq, prev, expected),
              report=report, tick=tick)
    finally:
        close()
    seen = {f.chain for f in report.findings}
    present = set(AccessLogEntry.objects.values_list("shard", flat=True).distinct()) if heads else set()
    for shard, end in sorted(heads.items()):  # chains whose every entry was deleted
        if end and shard not in present and f"chain {shard}" not in seen:
            report.findings.append(Finding("deleted", f"chain {shard}", 1, None,
                                           f"the chain is empty but its recorded end is #{end}"))
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


def _verify_events_part(part: int, parts: int) -> Report:
    """The chains of the dossiers whose id is ``part`` modulo ``parts``, streamed with a server-side cursor."""
    import hashlib

    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierEvent

    dossiers = Dossier.objects.extra(where=["id %% %s = %s"], params=[parts, part]) if parts > 1 else \
        Dossier.objects.all()
    codes = {pk: (code, version) for pk, code, version in
             dossiers.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)}
    report = Report("dossier events")
    sha = hashlib.sha256
    with transaction.atomic(), connection.connection.cursor(name=f"audit_events_{part}") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(_PG_EVENTS, [parts, part])
        loads = json.loads
        rows = ((*r[:13], loads(r[13])) for r in cursor)
        _walk(rows, None, chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
              expected_end=lambda d: codes.get(d, (None, None))[1],
              moved=lambda d, seq, prev, expected: _moved(DossierEvent.objects.filter(dossier_id=d), seq, prev,
                                                          expected),
              report=report, allow_unsealed=True,
              digest=lambda r: sha((r[3] + "\n" + event_content_json(r[0], r[1], *r[5:])).encode()).hexdigest())
    return report


def _pool_verify_events(args: tuple[int, int]) -> Report:
    from django.db import connections

    try:
        return _verify_events_part(*args)
    finally:
        connections.close_all()


def verify_dossier_events(*, progress: bool = False, workers: int | None = None) -> Report:
    """Verify every dossier's event chain. On PostgreSQL the dossiers are split over one process per core, each
    streaming its events as text; elsewhere in this process through the ORM."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return _verify_dossier_events_orm(progress=progress)
    workers = 1 if connection.in_atomic_block else (workers or os.cpu_count() or 1)
    tick, close = _progress(0, "dossier events", progress)
    report = Report("dossier events")
    try:
        if workers <= 1:
            parts = [_verify_events_part(0, 1)]
        else:
            import multiprocessing

            connections.close_all()
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = pool.map(_pool_verify_events, [(k, workers) for k in range(workers)])
        for part in parts:
            report.entries += part.entries
            report.chains += part.chains
            report.unsealed += part.unsealed
            report.findings.extend(part.findings)
            if tick:
                tick(part.entries)
    finally:
        close()
    return report


def _verify_dossier_events_orm(*, progress: bool = False) -> Report:
    from motcua.dossiers.models import Dossier, DossierEvent, event_chain_content

    dossiers = Dossier.objects.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)
    codes: dict[int, tuple[str, int]] = {pk: (code, version) for pk, code, version in dossiers}
    report = Report("dossier events")
    tick, close = _progress(DossierEvent.objects.count() if progress else 0, "dossier events", progress)
    columns = ("dossier_id", "seq", "actor_id", "role", "at", "action", "from_state", "to_state", "step", "reason",
               "data")
    rows = (DossierEvent.objects.order_by("dossier_id", "seq")
            .values_list("dossier_id", "seq", "id", "prev_hash", "hash", *columns).iterator(chunk_size=CHUNK))
    try:
        _walk(rows, lambda r: event_chain_content(*r[5:]),
              chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
              expected_end=lambda d: codes.get(d, (None, None))[1],
              moved=lambda d, seq, prev, expected: _moved(DossierEvent.objects.filter(dossier_id=d), seq, prev,
                                                          expected),
              report=report, tick=tick, allow_unsealed=True)
    finally:
        close()
    return report
