"""Keeping the fact tables (:mod:`motcua.oversight.models`) in step with the dossier event log and the catalog.

- :func:`refresh` reads the events after the watermark, recomputes the :class:`DossierFact` of every dossier they
  touch (from the dossier's row and its events), and moves :class:`DailyFact` by the difference between the dossier's
  old and new contributions. Idempotent per dossier, so it re-reads a margin of events before the watermark
  (``MOTCUA_FACTS_MARGIN``, default 10,000 ids): an event whose transaction committed after a later id was read is
  still taken into account.
- :func:`rebuild` empties the tables and computes them from every dossier, in one streaming pass with bounded
  memory: the days before a chunk's earliest submission are complete and written out as it goes; on PostgreSQL the
  rows are read and written in the binary format and the secondary indexes are built once at the end. The monthly
  tables are sums of the daily rows.

Both use the same code (:func:`motcua.oversight.rules.dossier_outcome` and :func:`~.rules.contributions`), and a
test checks that chunked refreshes with new events in between end with exactly the rebuild's tables.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from motcua.catalog.models import (
    Channel,
    Fee,
    LegalBasis,
    ProcedureVersion,
    RequiredDocument,
    Result,
    Step,
    VersionAgency,
    VersionStatus,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.steering import facts as obstacle_facts
from motcua.units.models import Agency

from . import rules
from .models import (
    DAILY_COUNTERS,
    AgencyMonthFact,
    CatalogFact,
    DailyFact,
    DossierFact,
    FactWatermark,
    IndexSnapshot,
    PaknFact,
    ProcedureMonthFact,
)

EVENTS = "dossier_events"
REBUILD_CHUNK = 20000  # dossier ids per streamed chunk of a rebuild
REFRESH_CHUNK = 2000  # dossiers per transaction of a refresh
Progress = Callable[[int, int], None]  # (done, total)


def _margin() -> int:
    return settings.MOTCUA_FACTS_MARGIN


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _dt(value) -> datetime | None:
    """A datetime from the database cursor (SQLite gives text in UTC, PostgreSQL aware datetimes)."""
    if value is None or isinstance(value, datetime):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# The states in which the dossier waits for the applicant (its index clock paused): rules.WAITING_STATES.
_WAITING = "(" + ", ".join(f"'{s}'" for s in sorted(rules.WAITING_STATES)) + ")"


def _raw_sql(where_d: str, where_e: str) -> str:
    d, e, r = _qn(Dossier._meta.db_table), _qn(DossierEvent._meta.db_table), _qn(Result._meta.db_table)
    return f"""
        SELECT d.id, d.agency_id, d.procedure_id, d.channel, d.state, d.submitted_at, d.received_at, d.finished_at,
               d.returned_at, d.index_due_at, d.supplement_count, d.supplement_wait_seconds, d.rating, d.rated_at,
               d.version,
               CASE WHEN d.supplement_count >= 2 THEN (
                   SELECT s.at FROM {e} s WHERE s.dossier_id = d.id AND s.action = 'request_supplement'
                      AND s.to_state = 'supplement_requested' ORDER BY s.seq LIMIT 1 OFFSET 1) END,
               a.requests, a.electronic,
               CASE WHEN EXISTS (SELECT 1 FROM {r} r WHERE r.version_id = d.procedure_version_id) THEN 1 ELSE 0 END,
               a.payment, a.paid_online,
               CASE WHEN d.state IN {_WAITING} OR a.ended_waiting = 1 THEN a.wait_start END,
               d.receipt_late, d.receipt_due_at
        FROM {d} d JOIN (
            SELECT dossier_id,
                   SUM(CASE WHEN action = 'request_supplement' THEN 1 ELSE 0 END) AS requests,
                   MAX(CASE WHEN action = 'return_result' AND role = 'system' THEN 1 ELSE 0 END) AS electronic,
                   MAX(CASE WHEN action = 'request_payment' THEN 1 ELSE 0 END) AS payment,
                   MAX(CASE WHEN action = 'confirm_payment' AND role = 'system' THEN 1 ELSE 0 END) AS paid_online,
                   MAX(CASE WHEN to_state IN {_WAITING} AND from_state NOT IN {_WAITING} THEN at END)
                       AS wait_start,
                   MAX(CASE WHEN action IN ('withdraw', 'stop') AND from_state IN {_WAITING} THEN 1 ELSE 0 END)
                       AS ended_waiting
            FROM {e} WHERE {where_e} GROUP BY dossier_id
        ) a ON a.dossier_id = d.id
        WHERE {where_d}
        ORDER BY d.id"""


def _as_raw(rows: list[tuple]) -> Iterator[rules.DossierRaw]:
    """The rows of :func:`_raw_sql` (columns in :class:`rules.DossierRaw` order) as ``DossierRaw``. PostgreSQL's binary
    rows are already typed (aware datetimes, ints); SQLite's need their datetimes parsed."""
    if connection.vendor == "postgresql":
        yield from map(rules.DossierRaw._make, rows)
        return
    for r in rows:
        yield rules.DossierRaw(
                id=r[0], agency_id=r[1], procedure_id=r[2], channel=r[3], state=r[4], submitted_at=_dt(r[5]),
                received_at=_dt(r[6]), finished_at=_dt(r[7]), returned_at=_dt(r[8]), index_due_at=_dt(r[9]),
                supplement_count=r[10], supplement_wait_seconds=r[11], rating=r[12] or "", rated_at=_dt(r[13]),
                version=r[14], second_supplement_at=_dt(r[15]), supplement_requests=int(r[16] or 0),
                electronic_result=bool(r[17]), issues_document=bool(r[18]), payment_requested=bool(r[19]),
                paid_online=bool(r[20]), paused_at=_dt(r[21]), receipt_late=bool(r[22]),
                receipt_due_at=_dt(r[23]))


def _fetch(sql: str, params: list) -> list[tuple]:
    """All rows of a query. PostgreSQL: in the binary format, which psycopg turns into Python values about ten times
    faster than text (timestamps above all)."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _read_ahead(first: int, last: int, background: bool) -> Iterator[list[tuple]]:
    """The raw rows of every dossier id in ``[first, last]`` in chunks. ``background`` (PostgreSQL, called outside
    a transaction so that committed data is what there is to read): a second thread reads them on its own database
    connection while this one computes and writes the previous chunk."""
    ranges = [(lo, min(last, lo + REBUILD_CHUNK - 1)) for lo in range(first, last + 1, REBUILD_CHUNK)]
    sql = _raw_sql("d.id >= %s AND d.id <= %s", "dossier_id >= %s AND dossier_id <= %s")

    def fetch(lo: int, hi: int) -> list[tuple]:
        return _fetch(sql, [lo, hi, lo, hi])

    if not background:
        for lo, hi in ranges:
            yield fetch(lo, hi)
        return
    import queue
    import threading

    chunks: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            for lo, hi in ranges:
                if stop.is_set():
                    break
                chunks.put(fetch(lo, hi))
        except BaseException as error:  # handed to the main thread
            failure.append(error)
        finally:
            connection.close()
            chunks.put(None)

    thread = threading.Thread(target=reader, name="oversight-rebuild-reader", daemon=True)
    thread.start()
    try:
        while (rows := chunks.get()) is not None:
            yield rows
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        thread.join()
    if failure:
        raise failure[0]


def _raw_sql_ids(marks: str) -> str:
    """The same columns as :func:`_raw_sql` for a list of dossiers, the event aggregates as per-dossier lookups
    through the (dossier, seq) index (a grouped scan would read the whole event table for scattered ids)."""
    d, e, r = _qn(Dossier._meta.db_table), _qn(DossierEvent._meta.db_table), _qn(Result._meta.db_table)

    def has(condition: str) -> str:  # a correlated count: evaluated per dossier, never turned into a hashed scan
        return f"(SELECT COUNT(*) FROM {e} s WHERE s.dossier_id = d.id AND {condition})"

    return f"""
        SELECT d.id, d.agency_id, d.procedure_id, d.channel, d.state, d.submitted_at, d.received_at, d.finished_at,
               d.returned_at, d.index_due_at, d.supplement_count, d.supplement_wait_seconds, d.rating, d.rated_at,
               d.version,
               CASE WHEN d.supplement_count >= 2 THEN (
                   SELECT s.at FROM {e} s WHERE s.dossier_id = d.id AND s.action = 'request_supplement'
                      AND s.to_state = 'supplement_requested' ORDER BY s.seq LIMIT 1 OFFSET 1) END,
               (SELECT COUNT(*) FROM {e} s WHERE s.dossier_id = d.id AND s.action = 'request_supplement'),
               {has("s.action = 'return_result' AND s.role = 'system'")},
               (SELECT COUNT(*) FROM {r} r WHERE r.version_id = d.procedure_version_id),
               {has("s.action = 'request_payment'")},
               {has("s.action = 'confirm_payment' AND s.role = 'system'")},
               CASE WHEN d.state IN {_WAITING} OR EXISTS (
                       SELECT 1 FROM {e} s WHERE s.dossier_id = d.id AND s.action IN ('withdraw', 'stop')
                          AND s.from_state IN {_WAITING})
                    THEN (SELECT MAX(s.at) FROM {e} s WHERE s.dossier_id = d.id AND s.to_state IN {_WAITING}
                             AND s.from_state NOT IN {_WAITING}) END,
               d.receipt_late, d.receipt_due_at
        FROM {d} d
        WHERE d.id IN ({marks}) AND EXISTS (SELECT 1 FROM {e} s WHERE s.dossier_id = d.id)
        ORDER BY d.id"""


def _facts_for_ids(ids: list[int]) -> list[tuple]:
    marks = ", ".join(["%s"] * len(ids))
    return [rules.dossier_outcome(r) for r in _as_raw(_fetch(_raw_sql_ids(marks), ids))]


def _column_types(table: str, columns: list[str] | tuple[str, ...]) -> list[int]:
    """PostgreSQL type oids of these columns (for binary COPY)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                       [table])
        oids = dict(cursor.fetchall())
    return [oids[c] for c in columns]


def _insert_rows(model, columns: list[str] | tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Append rows to a table: PostgreSQL binary ``COPY``, elsewhere one ``executemany``. Returns the count."""
    table = model._meta.db_table
    names = ", ".join(_qn(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        types = _column_types(table, columns)
        with connection.cursor() as wrapper, wrapper.cursor.copy(
                f"COPY {_qn(table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    adapt_dt, adapt_d = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value

    def adapted(row: tuple) -> tuple:
        return tuple(adapt_dt(v) if isinstance(v, datetime) else adapt_d(v) if isinstance(v, date) else v
                     for v in row)

    values = [adapted(row) for row in rows]
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_qn(table)} ({names}) VALUES ({marks})", values)
    return len(values)


def _write_facts(facts: list[tuple]) -> None:
    if facts:
        _insert_rows(DossierFact, rules.FACT_COLUMNS, facts)


def _read_facts(ids: list[int]) -> list[tuple]:
    """The stored facts of these dossiers, as tuples in FACT_COLUMNS order (types as :func:`dossier_outcome`)."""
    return list(DossierFact.objects.filter(dossier_id__in=ids).values_list(*rules.FACT_COLUMNS))


_AGENCY, _PROCEDURE = rules.F["agency_id"], rules.F["procedure_id"]
_SUBMITTED_DAY = rules.F["submitted_day"]


class Acc:
    """Counter deltas of :class:`DailyFact` by day: ``{day: {(agency, procedure): [counters]}}``. The two monthly
    tables are sums of the daily rows (:meth:`tables`), so each contribution is added once.

    ``floor`` (rebuild): the days before it were written out already; a contribution to one of them is kept apart in
    :attr:`late`, to be added to the written rows at the end."""

    def __init__(self) -> None:
        self.days: dict[date, dict[tuple[int, int], list[int]]] = {}
        self.floor: date | None = None
        self.late: Acc | None = None

    def add(self, fact: tuple, sign: int) -> None:
        key = (fact[_AGENCY], fact[_PROCEDURE])
        days, floor, n = self.days, self.floor, rules.N_COUNTERS
        for day, index, value in rules.contributions(fact):
            if floor is not None and day < floor:
                if self.late is None:
                    self.late = Acc()
                self.late.add_one(day, key, index, sign * value)
                continue
            bucket = days.get(day)
            if bucket is None:
                bucket = days[day] = {}
            row = bucket.get(key)
            if row is None:
                row = bucket[key] = [0] * n
            row[index] += sign * value

    def add_one(self, day: date, key: tuple[int, int], index: int, value: int) -> None:
        row = self.days.setdefault(day, {}).setdefault(key, [0] * rules.N_COUNTERS)
        row[index] += value

    def pop_before(self, day: date | None) -> dict[date, dict[tuple[int, int], list[int]]]:
        """Take out the days before ``day`` (all of them with None), and raise the floor to it."""
        if day is None:
            out, self.days = self.days, {}
            return out
        out = {d: self.days.pop(d) for d in [d for d in self.days if d < day]}
        if self.floor is None or day > self.floor:
            self.floor = day
        return out

    def tables(self) -> dict[str, dict[tuple, list[int]]]:
        """The deltas of the three additive tables, keyed by their key columns."""
        daily: dict[tuple, list[int]] = {}
        month: dict[tuple, list[int]] = {}
        procedure_month: dict[tuple, list[int]] = {}
        for day, bucket in self.days.items():
            first = day.replace(day=1)
            for (agency, procedure), values in bucket.items():
                daily[(agency, procedure, day)] = values
                row = month.get((agency, first))
                month[(agency, first)] = list(values) if row is None else list(map(operator.add, row, values))
                if values[ONLINE] or values[PAID]:
                    row = procedure_month.setdefault((agency, procedure, first), [0, 0])
                    row[0] += values[ONLINE]
                    row[1] += values[PAID]
        return {"daily": daily, "month": month, "procedure_month": procedure_month}


ONLINE, PAID = rules.COUNTER_INDEX["received_online"], rules.COUNTER_INDEX["paid_online"]
PM_COUNTERS = ("received_online", "paid_online")
TABLES = (  # key of Acc.tables(), model, key columns, counters
    ("daily", DailyFact, ("agency_id", "procedure_id", "day"), DAILY_COUNTERS),
    ("month", AgencyMonthFact, ("agency_id", "month"), DAILY_COUNTERS),
    ("procedure_month", ProcedureMonthFact, ("agency_id", "procedure_id", "month"), PM_COUNTERS),
)


UPSERT_ROWS = 300  # rows per multi-row upsert statement (under SQLite's and PostgreSQL's parameter limits)


def _apply_deltas(tables: dict[str, dict[tuple, list[int]]]) -> None:
    """Add the counter deltas (:meth:`Acc.tables`) to the tables (multi-row insert-or-increment returning which rows
    are now all zero), then drop exactly those rows."""
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for attr, model, keys, counters in TABLES:
            rows = [(*k[:-1], adapt(k[-1]), *vals) for k, vals in tables[attr].items() if any(vals)]
            if not rows:
                continue
            table = _qn(model._meta.db_table)
            names = [*keys, *counters]
            columns = ", ".join(_qn(c) for c in names)
            updates = ", ".join(f"{_qn(c)} = {table}.{_qn(c)} + excluded.{_qn(c)}" for c in counters)
            zero = " AND ".join(f"{table}.{_qn(c)} = 0" for c in counters)
            slot = f"({', '.join(['%s'] * len(names))})"
            emptied: list[int] = []
            for i in range(0, len(rows), UPSERT_ROWS):
                part = rows[i:i + UPSERT_ROWS]
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([slot] * len(part))} "
                               f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates} "
                               f"RETURNING {table}.id, CASE WHEN {zero} THEN 1 ELSE 0 END",
                               [v for row in part for v in row])
                emptied += [pk for pk, is_zero in cursor.fetchall() if is_zero]
            for i in range(0, len(emptied), 900):
                ids = emptied[i:i + 900]
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)


def _write_days(days: dict[date, dict[tuple[int, int], list[int]]]) -> int:
    """Append whole days of :class:`DailyFact` rows (rebuild: these days are complete). Returns the row count."""
    rows = ((agency, procedure, day, *values) for day, bucket in sorted(days.items())
            for (agency, procedure), values in bucket.items() if any(values))
    return _insert_rows(DailyFact, ("agency_id", "procedure_id", "day", *DAILY_COUNTERS), rows)


def _write_months_from_days() -> None:
    """Fill the two monthly tables as sums of the daily rows (rebuild), in the database."""
    month = ("date_trunc('month', day)::date" if connection.vendor == "postgresql"
             else "date(day, 'start of month')")
    daily = _qn(DailyFact._meta.db_table)
    sums = ", ".join(f"SUM({_qn(c)})" for c in DAILY_COUNTERS)
    names = ", ".join(_qn(c) for c in DAILY_COUNTERS)
    online, paid = _qn("received_online"), _qn("paid_online")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_qn(AgencyMonthFact._meta.db_table)} (agency_id, month, {names}) "
                       f"SELECT agency_id, {month}, {sums} FROM {daily} GROUP BY agency_id, {month}")
        cursor.execute(f"INSERT INTO {_qn(ProcedureMonthFact._meta.db_table)} (agency_id, procedure_id, month, "
                       f"{online}, {paid}) SELECT agency_id, procedure_id, {month}, SUM({online}), SUM({paid}) "
                       f"FROM {daily} GROUP BY agency_id, procedure_id, {month} "
                       f"HAVING SUM({online}) <> 0 OR SUM({paid}) <> 0")


@contextlib.contextmanager
def _bulk_load(*models) -> Iterator[None]:
    """PostgreSQL: drop the tables' secondary indexes and unique constraints for a bulk load and build them again
    after it — one sorted build per index instead of millions of insertions. Inside the caller's transaction: a
    failure rolls the drops back with the rest."""
    if connection.vendor != "postgresql":
        yield
        return
    restore: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for model in models:
            table = model._meta.db_table
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {_qn(table)} DROP CONSTRAINT {_qn(name)}")
                restore.append(f"ALTER TABLE {_qn(table)} ADD CONSTRAINT {_qn(name)} {definition}")
            cursor.execute("SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c "
                           "ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                           "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {_qn(name)}")
                restore.append(definition)
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)


def _empty(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            table = _qn(model._meta.db_table)
            cursor.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")


def _max_event_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {_qn(DossierEvent._meta.db_table)}")
        return cursor.fetchone()[0] or 0


# Entry points ---------------------------------------------------------------------------------------------------------


def rebuild(progress: Progress | None = None) -> dict:
    """Empty the fact tables and compute them from every dossier and its events (and the catalog).

    One streaming pass in dossier id order. Memory stays bounded: a dossier contributes to its submission day or
    later, and ids follow submission, so once a chunk is computed the days before its earliest submission day are
    complete and are written out. A later dossier contributing to a written day (entered late) is not lost: its
    contribution is added to the written rows at the end."""
    started = timezone.now()
    high = _max_event_id()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id), COUNT(*) FROM {_qn(Dossier._meta.db_table)}")
        first, last, count = cursor.fetchone()
    acc = Acc()
    done = daily_rows = 0
    background = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        _empty(DossierFact, DailyFact, AgencyMonthFact, ProcedureMonthFact)
        with _bulk_load(DossierFact, DailyFact, AgencyMonthFact, ProcedureMonthFact):
            if first is not None:
                for rows in _read_ahead(first, last, background):
                    facts = [rules.dossier_outcome(r) for r in _as_raw(rows)]
                    _write_facts(facts)
                    for fact in facts:
                        acc.add(fact, 1)
                    if facts:
                        daily_rows += _write_days(acc.pop_before(min(f[_SUBMITTED_DAY] for f in facts)))
                    done += len(facts)
                    if progress:
                        progress(done, count)
            daily_rows += _write_days(acc.pop_before(None))
            _write_months_from_days()
        if acc.late is not None:
            _apply_deltas(acc.late.tables())
            daily_rows = DailyFact.objects.count()
        refresh_catalog()
        refresh_pakn(full=True)
        obstacle_facts.rebuild()  # steering's obstacle spans (issue 15 point 5)
        FactWatermark.objects.update_or_create(name=EVENTS, defaults={"last_id": high, "rebuilt_at": started,
                                                                      "refreshed_at": started})
        age_snapshots(high)
    if connection.vendor == "postgresql":  # fresh statistics for the planner after a bulk load
        with connection.cursor() as cursor:
            for model in (DossierFact, DailyFact, AgencyMonthFact, ProcedureMonthFact):
                cursor.execute(f"ANALYZE {_qn(model._meta.db_table)}")
    return {"dossiers": done, "daily_rows": daily_rows, "watermark": high,
            "seconds": (timezone.now() - started).total_seconds()}


def refresh(progress: Progress | None = None, *, limit: int | None = None) -> dict:
    """Take the events after the watermark into account. ``limit`` caps how many events are read this time (the
    watermark moves only as far as read). Without a watermark yet, rebuilds."""
    started = timezone.now()
    mark = FactWatermark.objects.filter(name=EVENTS).first()
    if mark is None:
        result = rebuild(progress)
        result["rebuilt"] = True
        return result
    high = _max_event_id()
    if limit is not None:
        high = min(high, mark.last_id + limit)
    low = max(0, mark.last_id - _margin())
    ids = sorted(set(DossierEvent.objects.filter(id__gt=low, id__lte=high).values_list("dossier_id", flat=True)))
    done = 0
    for i in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[i:i + REFRESH_CHUNK]
        with transaction.atomic():
            update_dossiers(chunk)
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    with transaction.atomic():
        refresh_catalog()
        refresh_pakn()
        obstacle_facts.refresh()
        FactWatermark.objects.filter(name=EVENTS).update(last_id=max(high, mark.last_id), refreshed_at=started)
        age_snapshots(max(high, mark.last_id))
    return {"dossiers": len(ids), "watermark": max(high, mark.last_id), "rebuilt": False,
            "seconds": (timezone.now() - started).total_seconds()}


def age_snapshots(mark: int) -> int:
    """The tables computed from the facts before this refresh become older than the new watermark ``mark``, even
    when no dossier event moved it (the catalog or PAKN facts may have changed): everything that reads by watermark
    computes them again, while pages keep showing the newest one of each table, with its time, until the refresh
    has stored the new ones (:func:`motcua.oversight.queries.warm`, issue 14 point 9). Only the newest older
    snapshot of a table is kept. Returns how many were aged."""
    rows = list(IndexSnapshot.objects.order_by("-watermark", "-pk").values_list("pk", "kind", "period", "level",
                                                                                 "scope", "watermark"))
    seen: set[tuple] = set()
    drop, aged = [], []
    for pk, kind, period, level, scope, watermark in rows:
        key = (kind, period, level, scope)
        if key in seen:
            drop.append(pk)
            continue
        seen.add(key)
        if watermark >= mark:
            aged.append(pk)
    for i in range(0, len(drop), 500):
        IndexSnapshot.objects.filter(pk__in=drop[i:i + 500]).delete()
    for i in range(0, len(aged), 500):
        IndexSnapshot.objects.filter(pk__in=aged[i:i + 500]).update(watermark=mark - 1)
    return len(aged)


def update_dossiers(ids: list[int]) -> None:
    """Recompute the facts of these dossiers and move the daily counters by the difference (inside a transaction)."""
    if not ids:
        return
    old = _read_facts(ids)
    new = _facts_for_ids(ids)
    acc = Acc()
    for fact in old:
        acc.add(fact, -1)
    for fact in new:
        acc.add(fact, 1)
    DossierFact.objects.filter(dossier_id__in=ids).delete()
    _write_facts(new)
    _apply_deltas(acc.tables())


# Catalog facts --------------------------------------------------------------------------------------------------------

MINISTRY_KINDS = ("ministry", "ministry_level", "central_other")


def refresh_catalog() -> int:
    """Recompute :class:`CatalogFact` from the published current versions (a few queries, whole table)."""
    from motcua.core.calendar import WorkingCalendar

    versions = list(ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED,
                                                    procedure__current_version_id=F("id"))
                    .values_list("id", "procedure_id", "procedure__province_id", "levels", "online_level",
                                 "name", "subjects", "decision_date", "uploaded_on"))
    ids = [v[0] for v in versions]
    with_fee = set(Fee.objects.filter(channel__version_id__in=ids, amount_vnd__gt=0)
                   .values_list("channel__version_id", flat=True))
    with_result = set(Result.objects.filter(version_id__in=ids).values_list("version_id", flat=True))
    with_registry = set(RequiredDocument.objects.filter(version_id__in=ids, replaceable_by_registry=True)
                        .values_list("version_id", flat=True))
    with_docs = set(RequiredDocument.objects.filter(version_id__in=ids).values_list("version_id", flat=True))
    with_steps = set(Step.objects.filter(version_id__in=ids).values_list("version_id", flat=True))
    with_channels = set(Channel.objects.filter(version_id__in=ids).values_list("version_id", flat=True))
    with_limit = set(Channel.objects.filter(version_id__in=ids).exclude(time_limit_unit__in=["", "unknown"])
                     .values_list("version_id", flat=True))
    roots = _agency_roots()
    ministry: dict[int, int] = {}
    with_agency = set()
    for vid, agency_id in (VersionAgency.objects.filter(version_id__in=ids, role__in=["competent", "implementing"])
                           .values_list("version_id", "agency_id")):
        with_agency.add(vid)
        if agency_id is not None:
            root = roots.get(agency_id)
            if root is not None and root[1] in MINISTRY_KINDS and vid not in ministry:
                ministry[vid] = root[0]
    effective: dict[int, date] = {}
    for vid, eff in LegalBasis.objects.filter(version_id__in=ids).values_list("version_id", "document__effective_on"):
        if eff is not None and (vid not in effective or eff > effective[vid]):
            effective[vid] = eff
    calendar = WorkingCalendar.from_db()
    rows = []
    for vid, pid, province_id, levels, online_level, name, subjects, decision, uploaded in versions:
        ministry_level = "ministry" in (levels or "")
        lead, update_days = (20, 10) if ministry_level else (5, 5)
        eff = effective.get(vid)
        published_on_time = (calendar.working_days_between(decision, eff) >= lead
                             if decision and eff else None)
        updated_on_time = (uploaded <= calendar.add_working_days(decision, update_days)
                           if decision and uploaded else None)
        complete = bool(name) and vid in with_steps and vid in with_channels and vid in with_docs \
            and vid in with_limit and bool(subjects) and vid in with_agency
        rows.append(CatalogFact(procedure_id=pid, version_id=vid, province_id=province_id,
                                ministry_id=ministry.get(vid), levels=levels or "", online_level=online_level or "",
                                has_fee=vid in with_fee, issues_document=vid in with_result,
                                registry_connected=vid in with_registry, published_on_time=published_on_time,
                                updated_on_time=updated_on_time, complete=complete))
    CatalogFact.objects.all().delete()
    CatalogFact.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _agency_roots() -> dict[int, tuple[int, str]]:
    """Each agency's top ancestor (id, kind)."""
    parent = dict(Agency.objects.values_list("id", "parent_id"))
    kinds = dict(Agency.objects.values_list("id", "kind"))
    out = {}
    for a in parent:
        seen, cur = 0, a
        while parent.get(cur) and seen < 20:
            cur, seen = parent[cur], seen + 1
        out[a] = (cur, kinds[cur])
    return out


def compare_tables() -> dict[str, list]:
    """Both fact tables as sorted row lists (for the rebuild-equals-incremental check)."""
    facts = sorted(DossierFact.objects.values_list(*rules.FACT_COLUMNS))
    daily = sorted(DailyFact.objects.values_list("agency_id", "procedure_id", "day", *DAILY_COUNTERS))
    month = sorted(AgencyMonthFact.objects.values_list("agency_id", "month", *DAILY_COUNTERS))
    pm = sorted(ProcedureMonthFact.objects.values_list("agency_id", "procedure_id", "month", *PM_COUNTERS))
    return {"facts": facts, "daily": daily, "month": month, "procedure_month": pm}


def pending_events() -> int:
    mark = FactWatermark.objects.filter(name=EVENTS).first()
    return DossierEvent.objects.filter(id__gt=mark.last_id if mark else 0).count()


# PAKN facts -----------------------------------------------------------------------------------------------------------

FEEDBACK_EVENTS = "feedback_events"
PAKN_RECENT_WEEKS = 26


def pakn_periods(first: date, today: date) -> list[rules.Period]:
    """Months, quarters and years from the first PAKN item to today, and the last 26 weeks."""
    out: dict[str, rules.Period] = {}
    for year in range(first.year, today.year + 1):
        out[str(year)] = rules.parse_period(str(year))
        for q in range(1, 5):
            p = rules.parse_period(f"{year}-Q{q}")
            if p.end >= first and p.start <= today:
                out[p.key] = p
        for m in range(1, 13):
            p = rules.parse_period(f"{year}-{m:02d}")
            if p.end >= first and p.start <= today:
                out[p.key] = p
    iso = today.isocalendar()
    for p in rules.trailing_periods(rules.parse_period(f"{iso[0]}-W{iso[1]:02d}"), PAKN_RECENT_WEEKS):
        if p.end >= first:
            out[p.key] = p
    return list(out.values())


def pakn_counts(period: rules.Period) -> dict[int, dict[str, int]]:
    """The PAKN counts (:func:`motcua.feedback.queries.pakn_counts`, the one place they are counted) of every agency
    for the items received in the period, and what became of them by the period's end."""
    from motcua.feedback.queries import pakn_counts as count

    start = rules.end_instant(p_before(period)) + timedelta(microseconds=1)
    end = rules.end_instant(period.end) + timedelta(microseconds=1)
    return {agency_id: c for agency_id, c in count(start, end).items() if agency_id is not None}


def p_before(period: rules.Period) -> date:
    return period.start - timedelta(days=1)


def _store_pakn(periods: list[rules.Period]) -> int:
    n = 0
    for p in periods:
        PaknFact.objects.filter(period=p.key).delete()
        rows = [PaknFact(agency_id=agency_id, period=p.key, all_items=c["all"], handled=c["handled"],
                         handled_on_time=c["handled_on_time"], overdue=c["overdue"], disliked=c["disliked"],
                         liked=c["liked"], recomplained=c["recomplained"], refused=c["refused"])
                for agency_id, c in pakn_counts(p).items()]
        PaknFact.objects.bulk_create(rows, batch_size=2000)
        n += len(rows)
    return n


def refresh_pakn(full: bool = False) -> int:
    """Keep :class:`PaknFact` in step with the PAKN items: a figure of a period depends only on the items received in
    it, so only the periods around the items changed since the PAKN event watermark are recomputed (all of them on a
    rebuild). Skipped when the feedback package is not there."""
    try:
        from motcua.feedback.models import Feedback, FeedbackEvent
    except ImportError:  # the feedback package is not there yet
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {_qn(FeedbackEvent._meta.db_table)}")
        high = cursor.fetchone()[0] or 0
    mark = FactWatermark.objects.filter(name=FEEDBACK_EVENTS).first()
    first = Feedback.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    today = timezone.now().astimezone(rules.TZ).date()
    if first is None:
        PaknFact.objects.all().delete()
        periods: list[rules.Period] = []
    elif full or mark is None:
        PaknFact.objects.all().delete()
        periods = pakn_periods(rules.local_day(first), today)
    else:
        # Forwarding moves an item's receipt later: the periods between its submission and its receipt may change.
        spans = (Feedback.objects.filter(id__in=FeedbackEvent.objects.filter(id__gt=mark.last_id, id__lte=high)
                                         .values("feedback_id")).values_list("submitted_at", "received_at"))
        keys: set[str] = set()
        days = {(rules.local_day(a), rules.local_day(b or a)) for a, b in spans}
        for lo, hi in days:
            for p in pakn_periods(lo, max(lo, hi)):
                if p.end >= lo and p.start <= hi:
                    keys.add(p.key)
        known = {p.key: p for p in pakn_periods(rules.local_day(first), today)}
        periods = [known[k] for k in sorted(keys) if k in known]
    n = _store_pakn(periods)
    FactWatermark.objects.update_or_create(name=FEEDBACK_EVENTS, defaults={"last_id": high,
                                                                           "refreshed_at": timezone.now()})
    return n
