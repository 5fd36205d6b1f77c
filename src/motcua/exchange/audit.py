"""The exchange's chained logs for ``motcua audit verify`` (:mod:`motcua.core.audit`; issue 4 point 5, issue 12
points 3 and 19): the registry access log (one chain per shard, verified in parallel on PostgreSQL) and the message
log between deployments (one chain in id order). Registered with :func:`motcua.core.eventlog.register_chained_log`
by the exchange's and the messaging's ``AppConfig.ready()``; the other packages register their own logs.

``verify_all``, ``checkpoint``, ``Report`` and ``Finding`` are :mod:`motcua.core.audit`'s, re-exported here.
"""

from __future__ import annotations

import json
import os
from typing import Any

from motcua.core.audit import (
    CHUNK,
    LATEST,
    Finding,
    Report,
    checkpoint,
    missing_chains,
    moved_in,
    pins_of,
    progress_bar,
    verify_all,
    verify_objects,
    walk,
)
from motcua.core.chain import canonical_json

__all__ = ["CHUNK", "LATEST", "Finding", "Report", "access_content_json", "checkpoint", "verify_access_log",
           "verify_all", "verify_message_log"]

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
        walk(rows, lambda r: access_content_json(*r[:2], *r[5:]), chain_name=lambda s: f"chain {s}",
             expected_end=lambda s: end, report=report, pins=pins,
             moved=lambda s, seq, prev, expected: moved_in(AccessLogEntry.objects.filter(shard=shard), seq, prev,
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

    pins, at = pins_of("access log", checkpoint)
    if connection.vendor != "postgresql":
        return _verify_access_log_orm(progress=progress, pins=pins, at=at)
    shards = sorted(set(range(SHARDS)) | set(AccessLogHead.objects.values_list("shard", flat=True))
                    | {int(k) for k in pins})
    total = AccessLogEntry.objects.count() if progress else 0
    tick, close = progress_bar(total, "access log", progress)
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
    missing_chains(report, {k: v for k, v in pins.items() if f"chain {k}" not in seen}, lambda k: f"chain {k}")
    report.findings.sort(key=lambda f: (int(f.chain.split()[-1]), f.seq))
    return report


def _verify_access_log_orm(*, progress: bool = False, pins: dict[str, list], at: str) -> Report:
    from .models import CHAIN_COLUMNS, AccessLogEntry, AccessLogHead, log_chain_content

    heads = dict(AccessLogHead.objects.values_list("shard", "seq"))
    report = Report("access log", checkpoint=at)
    tick, close = progress_bar(AccessLogEntry.objects.count() if progress else 0, "access log", progress)
    rows = (AccessLogEntry.objects.order_by("shard", "seq")
            .values_list("shard", "seq", "id", "prev_hash", "hash", *CHAIN_COLUMNS).iterator(chunk_size=CHUNK))
    try:
        walk(rows, lambda r: canonical_json(log_chain_content(*r[5:])), chain_name=lambda s: f"chain {s}",
             expected_end=lambda s: heads.get(s),
             moved=lambda s, seq, prev, expected: moved_in(AccessLogEntry.objects.filter(shard=s), seq, prev,
                                                           expected),
             report=report, tick=tick, pins=pins)
    finally:
        close()
    seen = {f.chain for f in report.findings}
    for shard, end in sorted(heads.items()):  # chains whose every entry was deleted
        if end and str(shard) not in report.heads and f"chain {shard}" not in seen:
            report.findings.append(Finding("deleted", f"chain {shard}", 1, None,
                                           f"the chain is empty but its recorded end is #{end}"))
    seen = {f.chain for f in report.findings}
    missing_chains(report, {k: v for k, v in pins.items() if f"chain {k}" not in seen}, lambda k: f"chain {k}")
    return report


def verify_message_log(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """The log of messages sent to and received from other deployments (one chain in id order)."""
    from motcua.exchange.messaging.models import MessageLog

    return verify_objects("message log", MessageLog.objects.order_by("id"), chain_of=lambda e: "all",
                          chain_name=lambda k: "chain", checkpoint=checkpoint, progress=progress)
