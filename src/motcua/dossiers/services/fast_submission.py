"""The submission's SQL fast path: the hand-written statements (and ORM internals) that replace the ORM's on
:func:`~motcua.dossiers.services.submit`, each with its plain twin through the ORM beside it.

Justified by ``bench/dossiers.py --only submit`` (the figures stay in ``bench/``): building the ORM's statements cost
more than the statements themselves on the submission path. Each pair gives the same result — the same rows, the
same events, the same idempotent response — and ``tests/test_submission_fast_path_equals_the_orm.py`` holds them to
it on SQLite and PostgreSQL:

- :func:`submission_targets` / :func:`submission_targets_plain`: the procedure, its version in force, whether the
  channel is offered, the agency and (PostgreSQL) a new dossier id, in one round trip instead of three ORM queries
  (rows turned into model instances with the ORM's own converters and ``Model.from_db``);
- :func:`write_submission` / :func:`write_submission_plain`: the new dossier with its code, its first event and the
  idempotent response; on PostgreSQL one statement (:func:`insert_submission`, ``codes.py`` explains why the number
  is taken last), elsewhere :func:`insert_row`, ``save(force_insert=True)`` as one plain ``INSERT … RETURNING id``;
- :func:`claim_key` / :func:`claim_key_plain` and :func:`store_outcome` / :func:`store_outcome_plain`: the
  idempotency key's two statements.

Neither path calls ``post_save`` receivers on purpose: what follows an event is an explicit hook
(:func:`.events.event_appended`), which the caller calls after :func:`write_submission`.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from motcua.catalog.models import Channel, Procedure, ProcedureVersion
from motcua.units.models import Agency

from ..codes import code_prefix, counter_cte, format_code, next_sequence, sequence_sql
from ..models import Dossier, DossierEvent, IdempotencyRecord

if TYPE_CHECKING:
    from .submission import Outcome

# The columns submit() reads, and those the dossier's representation shows (procedure code, version name).
SUBMIT_PROCEDURE_FIELDS = ["id", "code", "current_version"]
SUBMIT_VERSION_FIELDS = ["id", "procedure", "number", "status", "name"]


@functools.cache
def _targets_sql(db: str, vendor: str) -> tuple[str, tuple[str, ...]]:
    """The statement of :func:`submission_targets` and the agency's fields, built once per database (the quoting of
    some sixty column names was a tenth of the submission's Python work)."""
    qn = connection.ops.quote_name
    p_meta, v_meta, a_meta, c_meta = (Procedure._meta, ProcedureVersion._meta, Agency._meta, Channel._meta)

    def columns(meta, alias: str, names: list[str]) -> list[str]:
        return [f"{alias}.{qn(meta.get_field(name).column)}" for name in names]

    agency_fields = tuple(f.attname for f in a_meta.concrete_fields)
    select = [*columns(p_meta, "p", SUBMIT_PROCEDURE_FIELDS), *columns(v_meta, "v", SUBMIT_VERSION_FIELDS),
              *columns(a_meta, "a", agency_fields)]
    if vendor == "postgresql":
        # The dossier's id, drawn now (ids may have gaps, codes may not): the event and the response are built before
        # the number is taken, which is the last statement (see codes.py).
        d_meta = Dossier._meta
        select.append(f"nextval(pg_get_serial_sequence('{qn(d_meta.db_table)}', '{d_meta.pk.column}'))")
    sql = (f"SELECT {', '.join(select)}, EXISTS (SELECT 1 FROM {qn(c_meta.db_table)} c "
           f"WHERE c.{qn(c_meta.get_field('version').column)} = v.{qn(v_meta.pk.column)} "
           f"AND c.{qn(c_meta.get_field('kind').column)} = %s) "
           f"FROM (SELECT 1 AS one) x "
           f"LEFT JOIN {qn(p_meta.db_table)} p ON p.{qn(p_meta.get_field('code').column)} = %s "
           f"LEFT JOIN {qn(v_meta.db_table)} v ON v.{qn(v_meta.pk.column)} = "
           f"p.{qn(p_meta.get_field('current_version').column)} "
           f"LEFT JOIN {qn(a_meta.db_table)} a ON a.{qn(a_meta.get_field('code').column)} = %s")
    return sql, agency_fields


def submission_targets(procedure_code: str, agency_code: str, channel: str
                       ) -> tuple[Procedure | None, ProcedureVersion | None, bool, Agency | None, int | None]:
    """The procedure with its version in force, whether that version is offered on ``channel``, the agency, and on
    PostgreSQL a new dossier id drawn from the table's sequence (``None`` elsewhere).

    One round trip instead of three ORM queries (the submission path's main cost was building them): the
    procedure and version carry only the columns a dossier and its representation need (the others load on access;
    a version's verbatim source record is large), the agency all of its columns.
    """
    sql, agency_fields = _targets_sql(connection.alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [channel, procedure_code, agency_code])
        row = cursor.fetchone()
    drawn_id = None
    if connection.vendor == "postgresql":
        *row, drawn_id, offered = row
        row = [*row, offered]
    n_p, n_v = len(SUBMIT_PROCEDURE_FIELDS), len(SUBMIT_VERSION_FIELDS)
    p_row, v_row, a_row = row[:n_p], row[n_p:n_p + n_v], row[n_p + n_v:-1]
    db = connection.alias

    def load(model, names, values):
        if values[0] is None:
            return None
        attnames, converters = _row_loader(model, tuple(names), db)
        converted = []
        for (column, column_converters), value in zip(converters, values, strict=True):
            for converter in column_converters:
                value = converter(value, column, connection)
            converted.append(value)
        return model.from_db(db, attnames, converted)

    procedure = load(Procedure, SUBMIT_PROCEDURE_FIELDS, p_row)
    version = load(ProcedureVersion, SUBMIT_VERSION_FIELDS, v_row) if procedure is not None else None
    if procedure is not None:
        procedure.current_version = version
    agency = load(Agency, agency_fields, a_row)
    return procedure, version, bool(row[-1]), agency, drawn_id


def submission_targets_plain(procedure_code: str, agency_code: str, channel: str
                             ) -> tuple[Procedure | None, ProcedureVersion | None, bool, Agency | None, None]:
    """:func:`submission_targets` through the ORM (three queries; no id drawn): the same instances, with the same
    columns loaded."""
    procedure = Procedure.objects.only(*SUBMIT_PROCEDURE_FIELDS).filter(code=procedure_code).first()
    version = None
    if procedure is not None and procedure.current_version_id is not None:
        version = ProcedureVersion.objects.only(*SUBMIT_VERSION_FIELDS).filter(pk=procedure.current_version_id).first()
    if procedure is not None:
        procedure.current_version = version
    offered = version is not None and Channel.objects.filter(version=version, kind=channel).exists()
    agency = Agency.objects.filter(code=agency_code).first()
    return procedure, version, offered, agency, None


@functools.cache
def _row_loader(model: type, names: tuple[str, ...], db: str) -> tuple[list[str], tuple]:
    """The attribute names of ``names`` and, per column, what the ORM's compiler applies to a value read: the
    backend's converters (SQLite times…), then the field's. Worked out once per process."""
    fields = [model._meta.get_field(name) for name in names]
    converters = []
    for model_field in fields:
        column = model_field.get_col(model._meta.db_table)
        converters.append((column, (*connection.ops.get_db_converters(column),
                                    *column.get_db_converters(connection))))
    return [f.attname for f in fields], tuple(converters)


def _insert_parts(obj: Dossier | DossierEvent) -> tuple[str, list[str], list[Any]]:
    """Table, quoted columns and adapted values of ``obj``'s INSERT (its id included when already drawn)."""
    table, fields, columns = _insert_columns(type(obj), obj.pk is not None, connection.vendor)
    return table, list(columns), [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


@functools.cache
def _insert_columns(model: type, with_pk: bool, vendor: str) -> tuple[str, tuple, tuple[str, ...]]:
    """The quoted table, the fields and their quoted columns of a model's INSERT, worked out once per process."""
    qn = connection.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key or with_pk)
    return qn(model._meta.db_table), fields, tuple(qn(f.column) for f in fields)


def insert_row(obj: Dossier | DossierEvent) -> None:
    """``obj.save(force_insert=True)`` as one plain ``INSERT … RETURNING id``: the same column values (``pre_save``
    fills the auto timestamps, ``get_db_prep_save`` adapts them), without the ORM's statement building, which cost
    more than the statement itself on the submission path. Signals are not sent (what follows an event is an
    explicit hook: :func:`.events.event_appended`)."""
    meta = obj._meta
    if not connection.features.can_return_columns_from_insert:
        obj.save(force_insert=True)
        return
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


def write_submission(dossier: Dossier, event: DossierEvent, day: date, outcome: Outcome | None) -> None:
    """Write a new dossier (its code taken here), its first event (sealed here) and, with ``outcome``, the rendered
    idempotent response. The caller's transaction is the submission's; nothing is retried."""
    if dossier.pk is not None:
        # PostgreSQL (the id drawn by submission_targets): everything is built first; the number is taken by the
        # last statement (codes.py).
        event.seal()
        if outcome is not None:
            outcome.status_code, outcome.response = outcome.render(dossier)
        insert_submission(dossier, event, day, outcome)
    else:
        # SQLite (one writer at a time): the number, then the rows.
        dossier.code = format_code(dossier.agency.code, day, next_sequence(dossier.agency.pk, day))
        insert_row(dossier)
        event.dossier = dossier  # its id exists now
        event.seal()
        insert_row(event)
        if outcome is not None:
            outcome.status_code, outcome.response = outcome.render(dossier)
            store_outcome(outcome.record_id, dossier.pk, outcome.status_code, outcome.response)


def write_submission_plain(dossier: Dossier, event: DossierEvent, day: date, outcome: Outcome | None) -> None:
    """:func:`write_submission` through the ORM: the number, ``save(force_insert=True)`` of the dossier and the
    event, then the idempotency record's update."""
    dossier.code = format_code(dossier.agency.code, day, next_sequence(dossier.agency.pk, day))
    dossier.save(force_insert=True)
    event.dossier = dossier
    event.seal()
    event.save(force_insert=True)
    if outcome is not None:
        outcome.status_code, outcome.response = outcome.render(dossier)
        store_outcome_plain(outcome.record_id, dossier.pk, outcome.status_code, outcome.response)


# Stands for the code while the response is rendered before the number exists; replaced in the same statement.
CODE_PLACEHOLDER = "\u2063code\u2063"


def insert_submission(dossier: Dossier, event: DossierEvent, day, outcome: Outcome | None) -> None:
    """One statement (PostgreSQL): take the next number of the agency and day, insert the dossier with its code and
    its first event, and complete the idempotency record with the rendered response (its ``code`` filled in). The
    counter row's lock is held from here to the commit only (codes.py explains why this keeps codes gap-free)."""
    d_table, d_columns, d_values = _insert_parts(dossier)
    code_at = d_columns.index(connection.ops.quote_name(Dossier._meta.get_field("code").column))
    e_table, e_columns, e_values = _insert_parts(event)
    d_slots = ["%s"] * len(d_columns)
    d_slots[code_at] = sequence_sql()
    d_values[code_at] = code_prefix(dossier.agency.code, day)
    parts = [counter_cte(),
             f"d AS (INSERT INTO {d_table} ({', '.join(d_columns)}) VALUES ({', '.join(d_slots)}) RETURNING code)",
             f"e AS (INSERT INTO {e_table} ({', '.join(e_columns)}) VALUES ({', '.join(['%s'] * len(e_columns))}))"]
    params: list[Any] = [dossier.agency_id, connection.ops.adapt_datefield_value(day), *d_values, *e_values]
    if outcome is not None:
        i_table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
        parts.append(f"o AS (UPDATE {i_table} SET dossier_id = %s, status_code = %s, "
                     f"response = jsonb_set(%s::jsonb, '{{code}}', to_jsonb((SELECT code FROM d))) WHERE id = %s)")
        params += [dossier.pk, outcome.status_code, json.dumps(outcome.response, cls=DjangoJSONEncoder),
                   outcome.record_id]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT code FROM d", params)
        dossier.code = cursor.fetchone()[0]
    if outcome is not None and outcome.response.get("code") == CODE_PLACEHOLDER:
        outcome.response["code"] = dossier.code
    dossier._state.adding = False
    dossier._state.db = connection.alias
    event._state.adding = False  # its id is not read back: nothing uses it before the commit
    event._state.db = connection.alias


# Plain SQL for the key's two statements: the ORM's statement building cost more than the statements themselves.


def claim_key(owner_id: int, key: str, fingerprint: str) -> int | None:
    """Insert the key's row and return its id, or ``None`` when the key is already taken.

    ``INSERT … ON CONFLICT DO NOTHING``: one statement and no savepoint. A concurrent transaction holding the same
    key makes it wait until that one ends: then it inserts (the other rolled back) or finds the key taken.
    """
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    sql = (f"INSERT INTO {table} (owner_id, key, fingerprint, status_code, response, created_at) "
           f"VALUES (%s, %s, %s, 0, %s, %s) ON CONFLICT (owner_id, key) DO NOTHING RETURNING id")
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [owner_id, key, fingerprint, "{}", now])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def store_outcome(record_id: int, dossier_id: int, status_code: int, response: dict) -> None:
    """Store the response with the key."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    body = json.dumps(response, cls=DjangoJSONEncoder)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET dossier_id = %s, status_code = %s, response = %s WHERE id = %s",
                       [dossier_id, status_code, body, record_id])


def claim_key_plain(owner_id: int, key: str, fingerprint: str) -> int | None:
    """:func:`claim_key` through the ORM: an insert in a savepoint, ``None`` when the unique key refuses it."""
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(owner_id=owner_id, key=key, fingerprint=fingerprint,
                                                      status_code=0, response={})
    except IntegrityError:
        return None
    return record.pk


def store_outcome_plain(record_id: int, dossier_id: int, status_code: int, response: dict) -> None:
    """:func:`store_outcome` through the ORM."""
    IdempotencyRecord.objects.filter(pk=record_id).update(dossier_id=dossier_id, status_code=status_code,
                                                          response=response)
