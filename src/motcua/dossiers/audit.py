"""The dossiers' chained log for ``motcua audit verify`` (:mod:`motcua.core.audit`; issue 12 points 3 and 19): every
dossier's event chain (ending at the dossier's ``version``), verified in parallel on PostgreSQL, each process
streaming its dossiers' events as text. Registered with :func:`motcua.core.eventlog.register_chained_log` in
``DossiersConfig.ready()``."""

from __future__ import annotations

import json
import os
from typing import Any

from motcua.core.audit import CHUNK, LATEST, Finding, Report, missing_chains, moved_in, pins_of, progress_bar, walk
from motcua.core.chain import canonical_json

_ENC = json.encoder.encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses for strings


def event_content_json(dossier: int, seq: int, actor: int | None, role: str, at: str, action: str, from_state: str,
                       to_state: str, step: str, reason: str, data: Any) -> str:
    """``canonical_json(event_chain_content(...))`` built directly, with ``at`` already the UTC ISO string and
    ``data`` the stored JSON value (a test holds the two equal)."""
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

    from .models import Dossier, DossierEvent

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
        walk(rows, lambda r: event_content_json(r[0], r[1], *r[5:]),
             chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
             expected_end=lambda d: codes.get(d, (None, None))[1],
             moved=lambda d, seq, prev, expected: moved_in(DossierEvent.objects.filter(dossier_id=d), seq, prev,
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

    pins, at = pins_of("dossier events", checkpoint)
    if connection.vendor != "postgresql":
        report = _verify_dossier_events_orm(progress=progress, pins=pins, at=at)
    else:
        workers = 1 if connection.in_atomic_block else (workers or os.cpu_count() or 1)
        tick, close = progress_bar(0, "dossier events", progress)
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
    missing_chains(report, {d: v for d, v in pins.items() if f"dossier id {d}" not in seen},
                    lambda d: f"dossier id {d}")
    return report


def _dossiers_without_events(report: Report) -> None:
    """Dossiers that record events (``version`` ≥ 1) but have none left: the whole chain was deleted."""
    from django.db.models import Exists, OuterRef

    from .models import Dossier, DossierEvent

    empty = (Dossier.objects.filter(version__gt=0)
             .exclude(Exists(DossierEvent.objects.filter(dossier=OuterRef("pk")))).values_list("pk", "code", "version"))
    for pk, code, version in empty.iterator(chunk_size=CHUNK):
        report.findings.append(Finding("deleted", f"dossier id {pk}", 1, None,
                                       f"the dossier {code} records {version} events but has none left"))


def _verify_dossier_events_orm(*, progress: bool = False, pins: dict[str, list], at: str) -> Report:
    from .models import Dossier, DossierEvent, event_chain_content

    dossiers = Dossier.objects.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)
    codes: dict[int, tuple[str, int]] = {pk: (code, version) for pk, code, version in dossiers}
    report = Report("dossier events", checkpoint=at)
    tick, close = progress_bar(DossierEvent.objects.count() if progress else 0, "dossier events", progress)
    columns = ("dossier_id", "seq", "actor_id", "role", "at", "action", "from_state", "to_state", "step", "reason",
               "data")
    rows = (DossierEvent.objects.order_by("dossier_id", "seq")
            .values_list("dossier_id", "seq", "id", "prev_hash", "hash", *columns).iterator(chunk_size=CHUNK))
    try:
        walk(rows, lambda r: canonical_json(event_chain_content(*r[5:])),
             chain_name=lambda d: f"dossier {codes.get(d, (d,))[0]}",
             expected_end=lambda d: codes.get(d, (None, None))[1],
             moved=lambda d, seq, prev, expected: moved_in(DossierEvent.objects.filter(dossier_id=d), seq, prev,
                                                           expected),
             report=report, tick=tick, pins=pins)
    finally:
        close()
    return report
