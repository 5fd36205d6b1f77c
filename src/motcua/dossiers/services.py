"""Every write to dossiers: :func:`submit` (and :func:`submit_once` with an idempotency key), :func:`act`,
:func:`add_document` and :func:`rate`.

Each call is one transaction that appends exactly one :class:`~motcua.dossiers.models.DossierEvent`. :func:`act`
locks the dossier row, checks the optimistic version, then the transition table (:mod:`.transitions`), then the
legal rules (:mod:`.rules`), applies the action's effect on the clocks and bumps the version. Uploads and ratings
change the dossier without changing its state: their event has ``from_state == to_state`` and they bump the version
too (the event's ``seq`` is the version after the change).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure, ProcedureVersion, RequiredDocument, VersionStatus
from motcua.core.calendar import WorkingCalendar
from motcua.core.identifiers import enterprise_code_error, personal_id_error
from motcua.core.observability import dossier_submitted
from motcua.units.models import Agency, Membership

from . import action_data, digitisation, documents, lawsets, receipt, rules
from .codes import code_prefix, counter_cte, format_code, next_sequence, receipt_date, sequence_sql
from .models import (
    ApplicantKind,
    ChannelKind,
    Dossier,
    DossierCodeAlias,
    DossierDocument,
    DossierEvent,
    IdempotencyRecord,
    ProcessDefinition,
    Rating,
)
from .notifications import notify_for_event
from .transitions import Action, Role, State, TransitionNotAllowed, next_state

ActionDataInvalid = action_data.ActionDataInvalid

__all__ = [
    "ActionDataInvalid",
    "ActorNotAllowed",
    "DossierNotFound",
    "IdempotencyKeyReused",
    "InvalidSubmission",
    "TransitionNotAllowed",
    "UploadRejected",
    "VersionConflict",
    "act",
    "add_document",
    "assignable",
    "close_unanswered",
    "flag_late_receipts",
    "process_for",
    "rate",
    "submit",
    "submit_once",
]

# The columns submit() reads, and those the dossier's representation shows (procedure code, version name).
SUBMIT_PROCEDURE_FIELDS = ["id", "code", "current_version"]
SUBMIT_VERSION_FIELDS = ["id", "procedure", "number", "status", "name"]
PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")
OFFICER_ROLES = {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR}
ROLE_NAMES = {"desk_officer": "cán bộ một cửa", "specialist": "chuyên viên xử lý", "leader": "lãnh đạo",
              "supervisor": "cán bộ giám sát", "catalog_officer": "cán bộ quản lý TTHC", "applicant": "người nộp hồ sơ",
              "system": "hệ thống"}


class InvalidSubmission(Exception):
    """The submission cannot be accepted; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class DossierNotFound(Exception):
    pass


class VersionConflict(Exception):
    """Someone acted on the dossier since the caller read it; ``current`` is the dossier as it is now."""

    def __init__(self, current: Dossier, expected: int) -> None:
        self.current, self.expected = current, expected
        super().__init__(f"Dossier {current.code} is at version {current.version}, not {expected}.")


class ActorNotAllowed(Exception):
    """The actor does not hold the role it acts in, for this dossier."""


RuleViolation = rules.RuleViolation


def _now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("Give an aware datetime.")
    return at


# Submission -----------------------------------------------------------------------------------------------------


def _clean_applicant(applicant: dict, errors: dict[str, str]) -> dict[str, Any]:
    kind = applicant.get("kind")
    out: dict[str, Any] = {"applicant_kind": kind}
    if kind not in ApplicantKind.values:
        errors["applicant.kind"] = "Must be 'citizen' or 'business'."
    personal_id = str(applicant.get("personal_id") or "").strip()
    enterprise_code = str(applicant.get("enterprise_code") or "").strip()
    # The full rules of domain.md §4 (core.identifiers): personal ID — 12 digits, province of birth registration,
    # century/sex digit, birth year not in the future (Decree 137/2015 Art. 7, Circular 59/2021/TT-BCA Art. 7);
    # enterprise code — 10 digits and an optional 3-digit branch suffix (Law on Enterprises 2020 Art. 29).
    if personal_id:
        problem = personal_id_error(personal_id)
        if problem:
            errors["applicant.personal_id"] = problem
    elif kind == ApplicantKind.CITIZEN:
        errors["applicant.personal_id"] = "A citizen needs the 12-digit personal identification number."
    if enterprise_code:
        problem = enterprise_code_error(enterprise_code)
        if problem:
            errors["applicant.enterprise_code"] = problem
    elif kind == ApplicantKind.BUSINESS:
        errors["applicant.enterprise_code"] = "A business needs its 10-digit enterprise code."
    name = str(applicant.get("full_name") or "").strip()
    if not name:
        errors["applicant.full_name"] = "Required."
    phone = str(applicant.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        errors["applicant.phone"] = "Not a phone number."
    email = str(applicant.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant.email"] = "Not an e-mail address."
    out.update(applicant_personal_id=personal_id, applicant_enterprise_code=enterprise_code, applicant_name=name[:255],
               applicant_phone=phone, applicant_email=email, applicant_address=str(applicant.get("address") or ""))
    return out


@functools.cache
def _targets_sql(db: str, vendor: str) -> tuple[str, tuple[str, ...]]:
    """The statement of :func:`_submission_targets` and the agency's fields, built once per database (the quoting of
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


def _submission_targets(procedure_code: str, agency_code: str, channel: str
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


def _insert(obj: Dossier | DossierEvent) -> None:
    """``obj.save(force_insert=True)`` as one plain ``INSERT … RETURNING id``: the same column values (``pre_save``
    fills the auto timestamps, ``get_db_prep_save`` adapts them), without the ORM's statement building, which cost
    more than the statement itself on the submission path. No signal receivers exist for these models."""
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


def submit(procedure_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict, actor=None,
           at: datetime | None = None, *, role: str | None = None, channel_by_law: bool = False) -> Dossier:
    """Register a dossier: validate, give it its code (Decree 118/2025 Art. 28), state ``submitted``, first event.

    ``role`` defaults to the applicant online and to the desk officer at the desk or for post. ``channel_by_law``:
    the channel is set by a rule above the catalog record and is not checked against the version's channels (a
    linked group of Decree 63/2024 is submitted online although the national portal lists its linked procedure
    2.000986 in person only; :mod:`.groups`).
    """
    return _submit(procedure_code, agency_code, channel, applicant, form_data, actor, at, role=role,
                   channel_by_law=channel_by_law)


@dataclass
class _Outcome:
    """The idempotency record to complete in the submission's last statement (:func:`submit_once`)."""

    record_id: int
    render: Callable[[Dossier], tuple[int, dict]]
    status_code: int = 0
    response: dict = field(default_factory=dict)


# Stands for the code while the response is rendered before the number exists; replaced in the same statement.
_CODE_PLACEHOLDER = "\u2063code\u2063"


@functools.lru_cache(maxsize=64)
def _office_calendar(hours) -> WorkingCalendar:
    return WorkingCalendar(hours=hours)


def _hours_calendar(agency: Agency | None) -> WorkingCalendar:
    """The statutory calendar with the agency's office hours, built once per process and without a query (the
    submission path keeps its one statement): the 8-working-hour receipt deadline set at submission ignores the
    days an administrator entered; `motcua dossiers flag-late-receipts` recomputes it with them."""
    return _office_calendar(agency.office_hours() if agency is not None else WorkingCalendar().hours)


def _submit(procedure_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict, actor=None,
            at: datetime | None = None, *, role: str | None = None, outcome: _Outcome | None = None,
            channel_by_law: bool = False) -> Dossier:
    at = _now(at)
    errors: dict[str, str] = {}
    procedure, version, channel_offered, agency, dossier_id = _submission_targets(procedure_code, agency_code,
                                                                                  str(channel))
    if procedure is None:
        errors["procedure"] = f"No procedure {procedure_code!r}."
    elif version is None or version.status != VersionStatus.PUBLISHED:
        errors["procedure"] = f"Procedure {procedure_code} has no published version in force."
    if channel not in ChannelKind.values:
        errors["channel"] = "Must be one of in_person, online, postal."
    elif version is not None and not channel_offered and not channel_by_law:
        offered = sorted(set(Channel.objects.filter(version=version).values_list("kind", flat=True)))
        errors["channel"] = f"Procedure {procedure_code} is not offered {channel}; offered: {', '.join(offered)}."
    if agency is None:
        errors["agency"] = f"No agency {agency_code!r}."
    fields = _clean_applicant(applicant if isinstance(applicant, dict) else {}, errors)
    if not isinstance(form_data, dict):
        errors["form_data"] = "Must be an object."
    role = role or (Role.APPLICANT if channel == ChannelKind.ONLINE else Role.DESK_OFFICER)
    if role not in {str(r) for r in Role}:
        errors["role"] = f"Unknown role {role!r}."
    if errors:
        raise InvalidSubmission(errors)
    target = next_state(State.NEW, Action.SUBMIT, role)

    day = receipt_date(at)
    # No savepoint inside a caller's transaction (submit_once): nothing here is retried on failure, the whole
    # transaction rolls back and gives the number back.
    with transaction.atomic(savepoint=False):
        dossier = Dossier(pk=dossier_id, code=_CODE_PLACEHOLDER, procedure=procedure, procedure_version=version,
                          agency=agency, channel=channel, form_data=form_data, submitted_at=at, version=1,
                          applicant_user=actor if role == Role.APPLICANT else None,
                          receipt_due_at=receipt.receipt_due(_hours_calendar(agency), at, channel), **fields)
        dossier.set_state(target)
        event = DossierEvent(dossier=dossier, seq=1, actor=actor, role=role, at=at, action=Action.SUBMIT,
                             from_state=State.NEW, to_state=target, data={"channel": channel})
        if dossier_id is not None:
            # PostgreSQL: everything is built first; the number is taken by the last statement (codes.py).
            event.seal()
            if outcome is not None:
                outcome.status_code, outcome.response = outcome.render(dossier)
            _insert_submission(dossier, event, day, outcome)
        else:
            # SQLite (one writer at a time): the number, then the rows.
            dossier.code = format_code(agency.code, day, next_sequence(agency.pk, day))
            _insert(dossier)
            event.dossier = dossier  # its id exists now
            event.seal()
            _insert(event)
            if outcome is not None:
                outcome.status_code, outcome.response = outcome.render(dossier)
                _store_outcome(outcome.record_id, dossier.pk, outcome.status_code, outcome.response)
        notify_for_event(event)  # queued in this transaction, sent after commit (architecture.md, data flow 2)
        dossier_submitted(channel)  # motcua_dossiers_submitted_total, counted after the commit
    return dossier


def _insert_submission(dossier: Dossier, event: DossierEvent, day, outcome: _Outcome | None) -> None:
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
    if outcome is not None and outcome.response.get("code") == _CODE_PLACEHOLDER:
        outcome.response["code"] = dossier.code
    dossier._state.adding = False
    dossier._state.db = connection.alias
    event._state.adding = False  # its id is not read back: nothing uses it before the commit
    event._state.db = connection.alias


# Process definitions --------------------------------------------------------------------------------------------


def process_for(procedure: Procedure, calendar: WorkingCalendar | None = None) -> tuple[rules.StepSpec, ...]:
    """The procedure's internal steps, or the default receive → appraise → approve → return.

    A budget in working days is that many full office days of ``calendar`` (8 hours with the default hours).
    """
    definition = ProcessDefinition.objects.filter(procedure=procedure).prefetch_related("steps__unit").first()
    if definition is None or not definition.steps.all():
        return rules.DEFAULT_STEPS
    hours = (calendar or WorkingCalendar()).hours
    office_day = sum((datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
                      for start, end in hours.periods), timedelta(0))
    specs = []
    for step in definition.steps.all():
        amount = float(step.budget_amount)
        budget = timedelta(hours=amount) if step.budget_unit == "working_hours" else office_day * amount
        specs.append(rules.StepSpec(step.key, step.name, step.role, budget=budget,
                                    unit=step.unit.code if step.unit else ""))
    return tuple(specs)


# Actions --------------------------------------------------------------------------------------------------------


@dataclass
class Context:
    dossier: Dossier
    action: str
    source: str
    target: str
    actor: Any
    role: str
    at: datetime
    reason: str
    data: dict
    calendar: WorkingCalendar
    event_data: dict = field(default_factory=dict)
    step: str = ""


def _agency_root(agency_id: int) -> int:
    seen = set()
    current = agency_id
    while current not in seen:
        seen.add(current)
        parent = Agency.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        if parent is None:
            return current
        current = parent
    return current


def _check_actor(dossier: Dossier, actor, role: str, action: str = "") -> None:
    """Officers act in a role they hold in the receiving agency's tree (its ministry or province); the applicant
    only on their own dossier; the system without a user. Finer routing to units is the queues' concern."""
    if role == Role.SYSTEM:
        if actor is not None:
            raise ActorNotAllowed("System actions have no user.")
        _check_automatic_decision(dossier, action)
        return
    if role == Role.APPLICANT:
        if dossier.applicant_user_id is not None and (actor is None or actor.pk != dossier.applicant_user_id):
            raise ActorNotAllowed("Only the applicant acts as the applicant.")
        if dossier.applicant_user_id is None and actor is not None and not _is_applicant_person(dossier, actor):
            # A desk-entered dossier has no account: "no owner yet" is not ownership (issue 12 point 2). Only the
            # person whose verified personal ID (e-identification) is the applicant's acts as the applicant.
            raise ActorNotAllowed("Only the applicant acts as the applicant.")
        return
    if actor is None:
        raise ActorNotAllowed(f"A {role} action needs the officer who takes it.")
    agencies = list(Membership.objects.filter(user=actor, role=role).values_list("agency_id", flat=True))
    if dossier.agency_id in agencies:
        return
    root = _agency_root(dossier.agency_id)
    if any(_agency_root(a) == root for a in agencies):
        return
    raise ActorNotAllowed(f"{actor} is not a {role} of {dossier.agency.code} or its parent bodies.")


AUTOMATIC_ACTIONS = frozenset({Action.RECEIVE, Action.ASSIGN, Action.APPROVE})


def _check_automatic_decision(dossier: Dossier, action: str) -> None:
    """Decree 224/2026 Art. 16(4)(a): the system receives, takes and decides a dossier without an officer only when
    it opened that dossier itself for an automatic decision (a proactive level-4 trigger whose law allows it): a
    dossier a person or a desk submitted, or a linked group's, is decided by its officers."""
    if action not in AUTOMATIC_ACTIONS:
        return
    opened_by_system = DossierEvent.objects.filter(dossier=dossier, action=Action.SUBMIT, role=Role.SYSTEM).exists()
    if not opened_by_system or dossier.group_code or dossier.group_parent_code or dossier.applicant_user_id:
        raise ActorNotAllowed("The system decides only a dossier it opened for an automatic decision "
                              "(Decree 224/2026 Art. 16(4)).")


def _is_applicant_person(dossier: Dossier, actor) -> bool:
    """``actor``'s verified personal ID (its e-identification link) is the dossier's applicant's."""
    from motcua.exchange.queries import personal_id_of

    own = personal_id_of(actor)
    return bool(own) and own == dossier.applicant_personal_id


def _require_reason(ctx: Context) -> None:
    if not ctx.reason.strip():
        raise rules.RuleViolation("reason_required", f"'{ctx.action}' needs the reasons, in writing.")


def _parse_instant(value, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None or timezone.is_naive(moment):
        raise rules.RuleViolation("bad_datetime", f"data.{name} must be an ISO 8601 date-time with a time zone.")
    return moment


def _missing_items(ctx: Context) -> list[str]:
    missing = ctx.data.get("missing")
    if not isinstance(missing, list) or not missing or not all(isinstance(i, str) and i.strip() for i in missing):
        raise rules.RuleViolation("supplement_missing_items",
                                  "List every missing document at once (data.missing: a non-empty list of texts).")
    return [i.strip() for i in missing]


def _start_legal_clock(ctx: Context, start: datetime) -> None:
    d = ctx.dossier
    # Decree 118/2025 Art. 17(3), 18(2): the rule of the start is the law of the receipt date and the limit's own
    # setting; a linked-group child counts after 15:00 from the next working day (Decree 63/2024 Art. 7, as replaced
    # by Decree 301/2026 Art. 5 from 1/9/2026; the death group's members as configured [open]).
    setting = True if d.group_parent_code else d.time_limit_cutoff_moves_start
    due = rules.legal_due(ctx.calendar, start, d.time_limit_amount, d.time_limit_unit,
                          received_at=d.received_at or start, cutoff_setting=setting)
    d.clock_started_at, d.due_at, d.deadline_flag = start, due.due_at, due.flag
    ctx.event_data["due_at"] = due.due_at
    if due.flag:
        ctx.event_data["deadline_flag"] = due.flag


def _answer_receipt(ctx: Context) -> None:
    """The desk's first answer to an online dossier (receipt, request to complete, refusal) is due within 8 working
    hours of its arrival (Decree 118/2025 Art. 17(2)(c)): the event records whether it was late (``receipt_late``,
    the fact oversight counts) and the dossier keeps the flag."""
    d = ctx.dossier
    if ctx.source != State.SUBMITTED or d.receipt_due_at is None:
        return
    late = receipt.receipt_missed(d.receipt_due_at, ctx.at)
    d.receipt_late = d.receipt_late or late
    ctx.event_data.update(receipt_due_at=d.receipt_due_at, receipt_late=d.receipt_late)


def _process_settings(procedure_id: int) -> tuple[bool, int | None]:
    from .queries import process_settings

    return process_settings(procedure_id)


def _body(agency: Agency) -> receipt.Body:
    root = Agency.objects.filter(pk=_agency_root(agency.pk)).values_list("code", flat=True).first() or agency.code
    return receipt.Body(agency.code, agency.kind, agency.level, root)


def _choose_competent(ctx: Context) -> Agency | None:
    """The competent authority chosen on receipt (Decree 118/2025 Art. 20: by the procedure and the applicant's
    address, or the applicant's choice: ``data.competent_agency``); ``None`` when it is the receiving agency."""
    code = str(ctx.data.get("competent_agency") or "").strip()
    d = ctx.dossier
    if not code:
        code = _competent_from_address(d) or ""
    if not code or code == d.agency.code:
        return None
    competent = Agency.objects.filter(code=code).first()
    if competent is None:
        raise rules.RuleViolation("competent_agency_unknown", f"Không có cơ quan mã {code}.")
    if not receipt.may_receive(_body(d.agency), _body(competent), ctx.at,
                               nationwide_listed=bool(ctx.data.get("nationwide_listed"))):
        raise rules.RuleViolation(
            "outside_receipt_scope",
            f"{d.agency.name} không được tiếp nhận hồ sơ thuộc thẩm quyền của {competent.name} (Điều 14 Nghị định "
            f"118/2025/NĐ-CP): chỉ Trung tâm Phục vụ hành chính công cấp tỉnh, cấp xã tiếp nhận không phụ thuộc địa "
            f"giới hành chính trong phạm vi tỉnh; Bộ phận Một cửa của bộ tiếp nhận thủ tục của bộ mình.")
    return competent


def _seat(agency: Agency) -> receipt.Seat:
    unit = agency.unit
    if unit is None:
        return receipt.Seat(agency.code, agency.level)
    if unit.province_id is not None:
        return receipt.Seat(agency.code, agency.level, unit.province.name, unit.name)
    return receipt.Seat(agency.code, agency.level, unit.name)


def _competent_from_address(d: Dossier) -> str | None:
    """Nobody named the competent authority (Decree 118/2025 Art. 14(2), 20(1)(a)): a provincial or commune service
    centre that is not itself listed for the procedure chooses it by the procedure's level and the applicant's
    address (the prefilled residence data or the address on the dossier). ``None`` when the desk is competent
    itself, the procedure lists nobody, or the address names no single seat: the dossier then stays with the
    receiving desk as before, and the desk may name the authority (``data.competent_agency``)."""
    if d.agency.kind not in receipt.RECEIVING_CENTRES:
        return None
    version = d.procedure.current_version or d.procedure_version
    from .places import competent_bodies

    listed = competent_bodies(version)
    if not listed or any(a.pk == d.agency_id for a in listed):
        return None
    levels = version.level_list
    seats = [_seat(a) for a in listed]
    if "commune" in levels:
        root = _body(d.agency).root  # the province's committee: its communes' codes start with its code
        communes = Agency.objects.filter(kind="commune_committee", code__startswith=f"{root}.").select_related(
            "unit__province")
        seats += [_seat(a) for a in communes]
    residence = (d.form_data or {}).get("residence") or {}
    address = d.applicant_address or (residence.get("permanent_address") if isinstance(residence, dict) else "")
    return receipt.competent_by_address(levels, str(address or ""), seats)


def _recode(ctx: Context, identifier_agency: Agency) -> None:
    """Give the dossier the code carrying ``identifier_agency``'s identifier (Decree 118/2025 Art. 28(2)(a)); the
    code it had stays valid for lookup (:class:`DossierCodeAlias`)."""
    d = ctx.dossier
    day = receipt_date(ctx.at)
    old = d.code
    DossierCodeAlias.objects.create(code=old, dossier=d, replaced_at=ctx.at)
    d.code = format_code(identifier_agency.code, day, next_sequence(identifier_agency.pk, day))
    ctx.event_data.update(previous_code=old, code=d.code)


def _receive(ctx: Context) -> None:
    d = ctx.dossier
    _answer_receipt(ctx)
    version = d.procedure.current_version or d.procedure_version
    d.procedure_version = version  # the version valid when received
    d.received_at = ctx.at
    competent = None if d.group_parent_code else _choose_competent(ctx)
    if d.group_parent_code:
        # A linked-group child (groups.py): the group's own limit (Decree 63/2024), set at submission, counts from
        # the submission with the cut-off; the desk's receipt does not restart it.
        _start_legal_clock(ctx, d.submitted_at)
    else:
        channel = Channel.objects.filter(version=version, kind=d.channel).order_by("position").first()
        d.time_limit_amount = channel.time_limit_amount if channel else None
        d.time_limit_unit = channel.time_limit_unit if channel else ""
        d.time_limit_cutoff_moves_start = channel.cutoff_moves_start if channel else None
        start = ctx.at
        if competent is not None:
            # Art. 20(1)(a): the electronic file goes at once; the paper file within 1 working day.
            d.competent_agency = competent
            if d.channel != ChannelKind.ONLINE:
                d.paper_transfer_due_at = receipt.paper_transfer_due(ctx.calendar, ctx.at)
                ctx.event_data["paper_transfer_due_at"] = d.paper_transfer_due_at
            competent_at = _parse_instant(ctx.data.get("competent_received_at"), "competent_received_at")
            start = receipt.limit_start(ctx.at, competent_at, across_boundary=True)
            ctx.event_data["competent_agency"] = competent.code
            if receipt.code_identifier(ctx.at, d.agency.code, competent.code, linked_group=False,
                                       channel=d.channel, portal="") == competent.code:
                _recode(ctx, competent)
        _start_legal_clock(ctx, start)
        entered = None
        if not d.group_code:  # a linked group's parent is refused by groups.py with its own rule
            entered = receipt.check_return_date(ctx.at, d.deadline_flag,
                                                _parse_instant(ctx.data.get("return_due_at"), "return_due_at"),
                                                d.time_limit_amount)
        if entered is not None:
            # The desk entered the return date of a time limit without a unit (Art. 17(3): on the receipt slip).
            d.due_at, d.deadline_flag = entered, ""
            ctx.event_data.update(due_at=entered, return_due_entered=True)
            ctx.event_data.pop("deadline_flag", None)
        settled_at_once, _days = _process_settings(d.procedure_id)
        if not receipt.needs_receipt_slip(settled_at_once, bool(ctx.data.get("receipt_slip_requested"))):
            ctx.event_data["receipt_slip"] = False  # Art. 17(4): settled and returned at once
    d.index_due_at = d.due_at
    d.steps = rules.plan_steps(process_for(d.procedure, ctx.calendar), ctx.at, d.due_at, ctx.calendar)
    d.current_step = 1 if d.steps and d.steps[0]["key"] == "receive" else 0
    d.step_started_at = rules.clock_start(ctx.calendar, ctx.at)
    ctx.step = d.steps[0]["key"] if d.current_step else ""
    d.missing_items = []


def _request_supplement(ctx: Context) -> None:
    d = ctx.dossier
    missing = _missing_items(ctx)
    if ctx.target == State.SUPPLEMENT_REQUESTED:
        # Decree 118/2025 Art. 19(5) (domain.md §3): notice within 3 working days of receipt; the clock stops.
        rules.check_supplement_request(ctx.calendar, ctx.at, d.received_at, missing)
        # Art. 16(3), 17(2)(a), 19(5): one request listing everything; a further one only as a leader's override.
        if receipt.check_second_supplement(d.received_at, d.supplement_count, ctx.role,
                                           str(ctx.data.get("override_reason") or "")):
            ctx.event_data.update(override=True, override_reason=str(ctx.data["override_reason"]).strip())
        d.supplement_count += 1
        d.waiting_since = ctx.at
        # Art. 19(5): closed after 15 days (or the sector law's period) without the complete dossier.
        _settled, sector_days = _process_settings(d.procedure_id)
        d.supplement_closes_at = receipt.closes_at(ctx.at, receipt.closing_days(d.received_at, sector_days))
        # Decree 63/2024 Art. 7 as replaced by Decree 301/2026 Art. 5 (birth group submitted from 1/9/2026): a member
        # of the linked group stops at the end of the 7th working day after an unanswered request.
        group_stop = (rules.group_supplement_stop_deadline(ctx.calendar, d.group_code, d.submitted_at, ctx.at)
                      if d.group_parent_code else None)
        if group_stop is not None:
            d.supplement_closes_at = group_stop
            ctx.event_data["group_stop"] = True
        if d.supplement_closes_at:
            ctx.event_data["closes_at"] = d.supplement_closes_at
    else:
        _answer_receipt(ctx)
    d.missing_items = missing
    ctx.event_data["missing"] = missing


def _submit_supplement(ctx: Context) -> None:
    d = ctx.dossier
    if ctx.source == State.SUPPLEMENT_REQUESTED:
        wait = rules.waited(ctx.calendar, d.waiting_since, ctx.at)
        d.supplement_wait_seconds += int(wait.total_seconds())
        # Index clock: the wait is subtracted (the due time moves later by it) [practice].
        d.index_due_at = rules.extend(ctx.calendar, d.index_due_at, wait)
        # Decree 118/2025 Art. 19(5): the time limit restarts from zero when the complete dossier comes back.
        entered_span = None
        if d.time_limit_unit in ("", "unknown") and d.due_at and d.clock_started_at:
            # A return date the desk entered for a time limit without a unit: the same working time again.
            entered_span = ctx.calendar.working_time_between(d.clock_started_at, d.due_at)
        _start_legal_clock(ctx, ctx.at)
        if entered_span is not None and d.due_at is None:
            d.due_at, d.deadline_flag = rules.add_working_time(ctx.calendar, ctx.at, entered_span), ""
            ctx.event_data["due_at"] = d.due_at
            ctx.event_data.pop("deadline_flag", None)
        d.supplement_closes_at = None
        d.steps = rules.replan_from(d.steps, d.current_step, ctx.at, ctx.calendar)
        d.step_started_at = rules.clock_start(ctx.calendar, ctx.at)
        d.waiting_since = None
        ctx.event_data["waited_seconds"] = int(wait.total_seconds())
    d.missing_items = []


def assignable(dossier: Dossier):
    """Who may be assigned the dossier's current step (Decree 118/2025 Art. 19(1)-(3): the head assigns a handler
    of the unit): active officers holding the step's role (specialist when the step names none) in the receiving
    agency, or in the step's unit when the process names one. Never a citizen, another agency's officer or the
    administrator as such (issue 12 point 9)."""
    step = dossier.steps[dossier.current_step] if dossier.current_step < len(dossier.steps or []) else {}
    role = step.get("role") if step.get("role") in (Role.SPECIALIST, Role.LEADER, Role.DESK_OFFICER) else None
    agencies = Q(memberships__agency_id=dossier.agency_id)
    if step.get("unit"):
        agencies |= Q(memberships__agency__code=step["unit"])
    return (get_user_model().objects.filter(is_active=True).filter(
        agencies, memberships__role=role or Role.SPECIALIST).distinct())


def _assign(ctx: Context) -> None:
    assignee = str(ctx.data.get("assignee") or "").strip()
    if ctx.role == Role.SYSTEM and not assignee:
        return  # an automatic decision (Decree 224/2026 Art. 16(4)): handled by the system, no officer in charge
    if not assignee:
        raise rules.RuleViolation("assignee_unknown", "Give the handler to assign (data.assignee: user name).")
    user = assignable(ctx.dossier).filter(username=assignee).first()
    if user is None:
        raise ActionDataInvalid({"data.assignee": [_(
            "Chỉ giao được cho cán bộ của cơ quan giải quyết giữ vai trò của bước này: %(name)s không phải.")
            % {"name": assignee}]})
    ctx.dossier.assigned_to = user
    # The event names the officer by user name: an officer reference, checked above to be the agency's staff.
    ctx.event_data["assignee"] = user.get_username()


def _check_step_holder(dossier: Dossier, actor, role: str) -> None:
    """Only the officer in charge closes a step (Decree 118/2025 Art. 19(1)-(3): the handler
    assigned by the head appraises and submits; the process-control slip names who handled each step):
    the dossier's assignee, or — before any assignment — an officer holding the step's role (in the step's unit
    when the process names one). A leader of the receiving agency's tree may close any step (_check_actor has
    already checked that the actor holds the role there). Anyone else → :class:`ActorNotAllowed` (403)."""
    if role == Role.LEADER or dossier.current_step >= len(dossier.steps):
        return  # no step left: the effect refuses with its own rule
    d, step = dossier, dossier.steps[dossier.current_step]
    name = step.get("name") or step.get("key") or ""
    if step.get("role") and step["role"] != role:
        raise ActorNotAllowed(_("Bước “%(step)s” do %(role)s xử lý, không phải %(acting)s.") % {
            "step": name, "role": ROLE_NAMES.get(step["role"], step["role"]),
            "acting": ROLE_NAMES.get(role, role)})
    if d.assigned_to_id is not None:
        if actor.pk != d.assigned_to_id:
            raise ActorNotAllowed(_("Hồ sơ đã được giao cho cán bộ khác: chỉ người được giao xử lý hoặc lãnh đạo "
                                    "đơn vị mới được hoàn thành bước “%(step)s”.") % {"step": name})
        return
    unit = step.get("unit")
    if unit and not Membership.objects.filter(user=actor, role=role, agency__code=unit).exists():
        raise ActorNotAllowed(_("Bước “%(step)s” thuộc đơn vị %(unit)s: chỉ %(role)s của đơn vị đó hoặc lãnh đạo "
                                "mới được hoàn thành.") % {"step": name, "unit": unit,
                                                            "role": ROLE_NAMES.get(role, role)})


def _complete_step(ctx: Context) -> None:
    d = ctx.dossier
    if d.current_step >= len(d.steps):
        raise rules.RuleViolation("no_step_left", "Every step of the process is already complete.")
    ctx.step = d.steps[d.current_step]["key"]
    d.current_step += 1
    d.step_started_at = ctx.at


def _consult(ctx: Context) -> None:
    d = ctx.dossier
    unit = str(ctx.data.get("unit") or "").strip()
    if not unit:
        raise rules.RuleViolation("consultation_unit_missing", "Name the unit consulted (data.unit).")
    due = _parse_instant(ctx.data.get("due_at"), "due_at")
    if due is None:
        days = ctx.data.get("working_days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise rules.RuleViolation("consultation_deadline_missing",
                                      "A consultation carries its own deadline: data.due_at or data.working_days.")
        due = ctx.calendar.due(ctx.at, days, "working_days")
    if due <= ctx.at:
        raise rules.RuleViolation("consultation_deadline_past", "The consultation deadline must be in the future.")
    d.consultation_unit, d.consultation_due_at = unit, due
    ctx.event_data.update(unit=unit, due_at=due)


def _answer_consultation(ctx: Context) -> None:
    d = ctx.dossier
    ctx.event_data.update(unit=d.consultation_unit, late=bool(d.consultation_due_at and ctx.at > d.consultation_due_at))
    d.consultation_unit, d.consultation_due_at = "", None


def _approve(ctx: Context) -> None:
    d = ctx.dossier
    keys = [s["key"] for s in d.steps]
    if "approve" in keys:
        d.current_step = max(d.current_step, keys.index("approve") + 1)
        ctx.step = "approve"
    d.step_started_at = ctx.at
    d.finished_at = ctx.at


def _refuse(ctx: Context) -> None:
    _require_reason(ctx)
    _answer_receipt(ctx)
    ctx.dossier.finished_at = ctx.at


def _request_payment(ctx: Context) -> None:
    amount = ctx.data.get("amount_vnd")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise rules.RuleViolation("bad_amount", "data.amount_vnd must be a whole number of VND.")
    ctx.dossier.waiting_since = ctx.at


def _confirm_payment(ctx: Context) -> None:
    d = ctx.dossier
    # Waiting for the applicant's payment does not run the clock: both due times (and the steps' due times) move
    # later by the working time spent waiting.
    wait = rules.waited(ctx.calendar, d.waiting_since, ctx.at)
    d.payment_wait_seconds += int(wait.total_seconds())
    d.due_at = rules.extend(ctx.calendar, d.due_at, wait)
    d.index_due_at = rules.extend(ctx.calendar, d.index_due_at, wait)
    steps = []
    for index, step in enumerate(d.steps):
        step = dict(step)
        if index >= d.current_step and step.get("due_at"):
            step["due_at"] = rules.extend(ctx.calendar, datetime.fromisoformat(step["due_at"]), wait).isoformat()
        steps.append(step)
    d.steps = steps
    d.step_started_at = rules.extend(ctx.calendar, d.step_started_at, wait)
    d.waiting_since = None
    ctx.event_data.update(waited_seconds=int(wait.total_seconds()), due_at=d.due_at)


def _issue_result(ctx: Context) -> None:
    keys = [s["key"] for s in ctx.dossier.steps]
    if "return" in keys:
        ctx.dossier.current_step = max(ctx.dossier.current_step, keys.index("return"))
    ctx.dossier.step_started_at = ctx.at


def _return_result(ctx: Context) -> None:
    d = ctx.dossier
    d.returned_at = ctx.at
    d.current_step = len(d.steps)
    ctx.step = "return" if any(s["key"] == "return" for s in d.steps) else ""


def _withdraw(ctx: Context) -> None:
    # Decree 118/2025 Art. 21(1)-(2): the applicant asks to stop until the decision (the transition table allows it
    # only before approval or refusal).
    ctx.dossier.finished_at = ctx.at
    ctx.dossier.waiting_since = None
    ctx.dossier.supplement_closes_at = None


def _transfer_paper(ctx: Context) -> None:
    """Decree 118/2025 Art. 20(1)(a): the paper file reaches the competent authority within 1 working day of
    receipt; the desk records the hand-over (``late`` in the event when past the deadline)."""
    d = ctx.dossier
    if d.paper_transfer_due_at is None or d.paper_transferred_at is not None:
        raise rules.RuleViolation("no_paper_transfer_pending",
                                  "Hồ sơ không có hồ sơ giấy phải chuyển đến cơ quan có thẩm quyền khác.")
    d.paper_transferred_at = ctx.at
    ctx.event_data.update(competent_agency=d.competent_agency.code if d.competent_agency else "",
                          due_at=d.paper_transfer_due_at, late=ctx.at > d.paper_transfer_due_at)


def _record_competent_receipt(ctx: Context) -> None:
    """Decree 118/2025 Art. 17(3) as amended by Decree 309/2026 Art. 8(3) (dossiers received from 5/8/2026): the time
    limit of a dossier received regardless of administrative boundary runs from the competent authority's receipt.
    The competent authority records it (``data.competent_received_at``, default now) once, before appraisal moves
    on; the due time is recomputed from it (:func:`.receipt.limit_start`)."""
    d = ctx.dossier
    if d.competent_agency_id is None or d.received_at is None:
        raise rules.RuleViolation("no_competent_receipt_pending", "Hồ sơ không được tiếp nhận không phụ thuộc địa "
                                  "giới hành chính cho cơ quan có thẩm quyền khác.")
    if not lawsets.rules_for(d.received_at).limit_starts_at_competent_receipt:
        raise rules.RuleViolation("competent_receipt_not_applicable", "Hồ sơ tiếp nhận trước ngày 05/8/2026: thời hạn "
                                  "giải quyết tính từ khi Bộ phận Một cửa tiếp nhận (khoản 3 Điều 17 Nghị định "
                                  "118/2025/NĐ-CP trước khi được sửa đổi bởi Nghị định 309/2026/NĐ-CP).")
    if d.events.filter(action=Action.RECORD_COMPETENT_RECEIPT).exists():
        raise rules.RuleViolation("competent_receipt_already_recorded",
                                  "Thời điểm cơ quan có thẩm quyền tiếp nhận hồ sơ đã được ghi nhận.")
    at = _parse_instant(ctx.data.get("competent_received_at"), "competent_received_at") or ctx.at
    if at < d.received_at or at > ctx.at:
        raise rules.RuleViolation("competent_receipt_out_of_range", "Thời điểm cơ quan có thẩm quyền tiếp nhận phải "
                                  "sau khi Bộ phận Một cửa tiếp nhận và không muộn hơn thời điểm ghi nhận.")
    start = receipt.limit_start(d.received_at, at, across_boundary=True)
    _start_legal_clock(ctx, start)
    d.index_due_at = d.due_at
    ctx.event_data.update(competent_agency=d.competent_agency.code, competent_received_at=at)


def _amend(ctx: Context) -> None:
    """Decree 118/2025 Art. 21(2): an online applicant amends the dossier's content until the decision. The new
    content replaces the old; the event keeps both (versioned by ``amendment``), so the officer sees every change."""
    d = ctx.dossier
    if d.channel != ChannelKind.ONLINE:
        raise rules.RuleViolation("amend_online_only", "Chỉ hồ sơ nộp trực tuyến được điều chỉnh nội dung qua "
                                  "Cổng (khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP); hồ sơ nộp trực tiếp, qua bưu "
                                  "chính chỉ được yêu cầu dừng.")
    new = ctx.data.get("form_data")
    if not isinstance(new, dict) or not new:
        raise rules.RuleViolation("amend_form_data_missing", "Gửi nội dung hồ sơ đã điều chỉnh (data.form_data).")
    previous = dict(d.form_data or {})
    changed = sorted(k for k in set(previous) | set(new) if previous.get(k) != new.get(k))
    if not changed:
        raise rules.RuleViolation("amend_nothing_changed", "Nội dung điều chỉnh không khác nội dung hiện tại.")
    d.form_data = new
    d.amendment_count += 1
    ctx.event_data.update(amendment=d.amendment_count, previous=previous, form_data=new, changed=changed)


def _stop(ctx: Context) -> None:
    _require_reason(ctx)
    d = ctx.dossier
    if (ctx.role == Role.SYSTEM and ctx.source == State.SUPPLEMENT_REQUESTED and d.supplement_closes_at
            and ctx.at >= d.supplement_closes_at):
        # Decree 118/2025 Art. 19(5): closed after the unanswered notice (close_unanswered); said in the notice.
        ctx.event_data.update(closed_unanswered_notice=True, notice_at=d.waiting_since)
    d.supplement_closes_at = None
    ctx.dossier.finished_at = ctx.at
    ctx.dossier.waiting_since = None


def _apologise(ctx: Context) -> None:
    d = ctx.dossier
    _require_reason(ctx)
    new_due = _parse_instant(ctx.data.get("new_due_at"), "new_due_at")
    rules.check_apology(ctx.calendar, ctx.at, d.due_at, new_due, d.apology_count)
    d.due_at_before_apology, d.due_at = d.due_at, new_due
    d.apology_count += 1
    ctx.event_data.update(previous_due_at=d.due_at_before_apology, new_due_at=new_due)


EFFECTS: dict[str, Callable[[Context], None]] = {
    Action.RECEIVE: _receive,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUBMIT_SUPPLEMENT: _submit_supplement,
    Action.REFUSE: _refuse,
    Action.ASSIGN: _assign,
    Action.COMPLETE_STEP: _complete_step,
    Action.CONSULT: _consult,
    Action.ANSWER_CONSULTATION: _answer_consultation,
    Action.APPROVE: _approve,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.CONFIRM_PAYMENT: _confirm_payment,
    Action.ISSUE_RESULT: _issue_result,
    Action.RETURN_RESULT: _return_result,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
    Action.APOLOGISE: _apologise,
    Action.AMEND: _amend,
    Action.TRANSFER_PAPER: _transfer_paper,
    Action.RECORD_COMPETENT_RECEIPT: _record_competent_receipt,
}


def act(dossier_code: str, action: str, *, actor, role: str, expected_version: int, at: datetime | None = None,
        reason: str = "", data: dict | None = None, calendar: WorkingCalendar | None = None) -> Dossier:
    """Take ``action`` on a dossier in one transaction and append exactly one event.

    Raises :class:`DossierNotFound`, :class:`VersionConflict` (``expected_version`` is not the current version),
    :class:`TransitionNotAllowed` (with the allowed actions), :class:`ActorNotAllowed`, or
    :class:`~motcua.dossiers.rules.RuleViolation`; nothing is written then. ``calendar`` defaults to the receiving
    agency's (``WorkingCalendar.from_db``).
    """
    at = _now(at)
    data = action_data.check(str(action), data)  # declared keys and types only (issue 12 point 5): 400, not stored
    with transaction.atomic():
        dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("agency", "procedure")
                   .filter(code=dossier_code).first())
        if dossier is None:
            raise DossierNotFound(dossier_code)
        if expected_version != dossier.version:
            raise VersionConflict(dossier, expected_version)
        source = dossier.state
        target = next_state(source, action, role)
        _check_actor(dossier, actor, role, str(action))
        if action == Action.COMPLETE_STEP:
            _check_step_holder(dossier, actor, role)
        ctx = Context(dossier=dossier, action=str(action), source=source, target=target, actor=actor, role=str(role),
                      at=at, reason=reason or "", data=data,
                      calendar=calendar or WorkingCalendar.from_db(dossier.agency))
        EFFECTS[Action(action)](ctx)
        dossier.set_state(target)
        dossier.version += 1
        dossier.save()
        event_data = {**{k: v for k, v in data.items() if k not in ctx.event_data}, **ctx.event_data}
        event = _append_event(dossier, actor=actor, role=role, at=at, action=str(action), from_state=source,
                              to_state=target, step=ctx.step, reason=reason or "", data=event_data)
        notify_for_event(event)
    return dossier


# Idempotent submission ------------------------------------------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The idempotency key was already used with a different request body."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"The Idempotency-Key {key!r} was already used with a different request body.")


@dataclass(frozen=True)
class IdempotentOutcome:
    record: IdempotencyRecord
    replayed: bool


def request_fingerprint(body: Any) -> str:
    """SHA-256 of the request body in canonical JSON (sorted keys): the same body in another key order matches."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_once(key: str, owner, fingerprint: str, render: Callable[[Dossier], tuple[int, dict]],
                **submit_kwargs: Any) -> IdempotentOutcome:
    """:func:`submit` at most once per ``(owner, key)``: the first call submits and stores ``render(dossier)``
    (status code and response body) with the key; a retry with the same ``fingerprint`` gets the stored record back
    (``replayed``); another fingerprint raises :class:`IdempotencyKeyReused`.

    The key row is inserted first, in the submission's transaction: a concurrent retry blocks on the unique key until
    the first commits (then replays) or rolls back (then submits itself). A refused submission stores nothing, so
    the key can be used again with a corrected body.
    """
    with transaction.atomic():
        record_id = _claim_key(owner.pk, key, fingerprint)
        if record_id is None:
            record = IdempotencyRecord.objects.get(owner=owner, key=key)
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused(key)
            return IdempotentOutcome(record, replayed=True)
        outcome = _Outcome(record_id, render)
        dossier = _submit(**submit_kwargs, outcome=outcome)
        status_code, response = outcome.status_code, outcome.response
    record = IdempotencyRecord(pk=record_id, owner=owner, key=key, fingerprint=fingerprint, dossier=dossier,
                               status_code=status_code, response=response)
    return IdempotentOutcome(record, replayed=False)


# Plain SQL for the key's two statements: the ORM's statement building cost more than the statements themselves.


def _claim_key(owner_id: int, key: str, fingerprint: str) -> int | None:
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


def _store_outcome(record_id: int, dossier_id: int, status_code: int, response: dict) -> None:
    """Store the response with the key."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    body = json.dumps(response, cls=DjangoJSONEncoder)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET dossier_id = %s, status_code = %s, response = %s WHERE id = %s",
                       [dossier_id, status_code, body, record_id])


# Changes that keep the state: documents and the rating -----------------------------------------------------------


class UploadRejected(Exception):
    """The file cannot be added. ``rule``: empty_file, file_too_large, type_not_allowed, rejected_by_scanner,
    upload_not_allowed_in_state, unknown_required_document, storage_full (the document store has no room left)."""

    def __init__(self, rule: str, message: str, **details: Any) -> None:
        self.rule, self.details = rule, details
        super().__init__(message)


def _lock(dossier_code: str, expected_version: int | None) -> Dossier:
    dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("agency")
               .filter(code=dossier_code).first())
    if dossier is None:
        raise DossierNotFound(dossier_code)
    if expected_version is not None and expected_version != dossier.version:
        raise VersionConflict(dossier, expected_version)
    return dossier


def _record_change(dossier: Dossier, *, action: str, actor, role: str, at: datetime, data: dict,
                   fields: list[str]) -> None:
    """Bump the version and append the event of a change that keeps the state."""
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])
    _append_event(dossier, actor=actor, role=role, at=at, action=action, from_state=dossier.state,
                  to_state=dossier.state, data=data)


def _append_event(dossier: Dossier, **values: Any) -> DossierEvent:
    """Insert the event numbered ``dossier.version``, linked to the previous event's hash (the per-dossier chain that
    `motcua audit verify` checks). The dossier row is locked by the caller, so no other event can come in between."""
    previous = (DossierEvent.objects.filter(dossier_id=dossier.pk, seq=dossier.version - 1)
                .values_list("hash", flat=True).first())
    event = DossierEvent(dossier=dossier, seq=dossier.version, **values)
    event.seal(previous or "")
    event.save()
    return event


def _inspect_upload(upload) -> tuple[documents.FileType, int, str]:
    """Size, type from the bytes and SHA-256 of an uploaded file (rewound afterwards)."""
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise UploadRejected("empty_file", "The file is empty.")
    limit = documents.max_bytes()
    if size > limit:
        raise UploadRejected("file_too_large", f"The file has {size} bytes; the limit is {limit}.", limit=limit)
    upload.seek(0)
    head = upload.read(documents.SNIFF_BYTES)
    file_type = documents.sniff(head)
    allowed = documents.allowed_types()
    if file_type is None or file_type.key not in allowed:
        found = file_type.key if file_type else "unknown"
        raise UploadRejected("type_not_allowed",
                             f"The file's content is {found}; accepted: {', '.join(allowed)}.", allowed=list(allowed))
    digest = hashlib.sha256(head)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return file_type, size, digest.hexdigest()


def add_document(dossier_code: str, upload, *, actor, role: str, required_document: int | None = None,
                 name: str = "", expected_version: int | None = None, at: datetime | None = None,
                 digital_data: dict | None = None) -> DossierDocument:
    """Store an uploaded file as a document of the dossier (issue 3 point 8) and append an ``upload_document`` event.

    ``upload`` is a Django ``File`` (``UploadedFile``). Checked before anything is stored: size and type limits
    (:mod:`.documents`), the content type from the bytes, the scan hook. Then, with the dossier locked: the version
    (when ``expected_version`` is given), the actor's role, that ``role`` may add documents in the current state,
    and that ``required_document`` is a component of the dossier's procedure version. Raises
    :class:`UploadRejected`, :class:`DossierNotFound`, :class:`VersionConflict`, :class:`ActorNotAllowed`.
    """
    at = _now(at)
    file_type, size, sha256 = _inspect_upload(upload)
    filename = documents.name_for_type(getattr(upload, "name", ""), file_type)  # extension = sniffed type
    try:
        documents.scanner()(upload, name=filename, content_type=file_type.mime, size=size)
    except Exception as error:  # any failure of the hook rejects the file
        raise UploadRejected("rejected_by_scanner", f"The file was rejected by the scan: {error}") from error
    finally:
        upload.seek(0)
    stored = None
    try:
        with transaction.atomic():
            dossier = _lock(dossier_code, expected_version)
            _check_actor(dossier, actor, role)
            if not documents.may_upload(dossier.state, role):
                raise UploadRejected("upload_not_allowed_in_state",
                                     f"A {role} cannot add documents to a dossier in state '{dossier.state}'.")
            component = None
            if required_document is not None:
                component = RequiredDocument.objects.filter(pk=required_document,
                                                            version_id=dossier.procedure_version_id).first()
                if component is None:
                    raise UploadRejected("unknown_required_document",
                                         f"{required_document} is not a component of this dossier's procedure.")
            display = str(name or "").strip()[:500] or (component.name[:500] if component else filename)
            document = DossierDocument(dossier=dossier, required_document=component, name=display,
                                       filename=filename, content_type=file_type.mime, size=size, sha256=sha256,
                                       uploaded_by=actor, uploaded_role=role, uploaded_at=at)
            _store_file(document, documents.stored_name(file_type), upload)
            stored = document.file.name
            document.save(force_insert=True)
            # Decree 118/2025 Art. 17(1)(c), 19(2), 22(4): officers' scans and results are signed and described.
            digitised = digitisation.digitise(document, dossier, actor=actor, role=role, at=at, given=digital_data)
            _record_change(dossier, action=documents.UPLOAD_ACTION, actor=actor, role=role, at=at, fields=[],
                           data={"document": document.pk, "name": display, "filename": filename,
                                 "content_type": file_type.mime, "size": size, "sha256": sha256,
                                 "required_document": component.pk if component else None, **digitised})
    except BaseException:
        if stored:
            DossierDocument._meta.get_field("file").storage.delete(stored)
            if document.signed_file:
                DossierDocument._meta.get_field("signed_file").storage.delete(document.signed_file.name)
        raise
    return document


STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT)


def _store_file(document: DossierDocument, name: str, upload) -> None:
    """Write the upload to the document store. A write that fails part-way (the disk full) leaves no partial file:
    Django's file storage does not remove what it wrote, so the generated name is removed here. A full store is an
    :class:`UploadRejected` (``storage_full``) the caller turns into a clear message; other failures propagate."""
    try:
        document.file.save(name, upload, save=False)
    except OSError as error:
        storage = document.file.storage
        partial = document.file.field.generate_filename(document, name)
        with contextlib.suppress(OSError):
            if storage.exists(partial):
                storage.delete(partial)
        if error.errno in STORAGE_FULL:
            raise UploadRejected("storage_full", "The document store is full: the file was not stored.") from error
        raise


def rate(dossier_code: str, satisfied: bool, *, actor, at: datetime | None = None, role: str = Role.APPLICANT,
         data: dict | None = None) -> Dossier:
    """The applicant rates the handling, satisfied or not (issue 3 point 7; Decision 766/QĐ-TTg group 6), once the
    result is returned and only once. Appends a ``rate`` event that keeps the state. A desk officer of the agency may
    record the applicant's paper evaluation (``role=desk_officer``; Decree 118/2025 Art. 31(1)(a)); ``data`` adds
    to the event's data (e.g. the channel).

    ``actor`` is the applicant's user; when the dossier has none (entered at the desk), the caller must have checked
    the applicant otherwise (e.g. by the ID number). Raises :class:`~motcua.dossiers.rules.RuleViolation`
    (``rating_before_return``, ``already_rated``), :class:`DossierNotFound`, :class:`ActorNotAllowed`.
    """
    at = _now(at)
    with transaction.atomic():
        dossier = _lock(dossier_code, None)
        if role not in (Role.APPLICANT, Role.DESK_OFFICER):
            raise ActorNotAllowed("Only the applicant rates, or the desk records the applicant's paper rating.")
        _check_actor(dossier, actor, role)
        if dossier.state != State.RETURNED:
            raise rules.RuleViolation("rating_before_return", "The handling can be rated once the result is returned.")
        if dossier.rating:
            raise rules.RuleViolation("already_rated", "The handling of this dossier has already been rated.")
        dossier.rating = Rating.SATISFIED if satisfied else Rating.NOT_SATISFIED
        dossier.rated_at = at
        _record_change(dossier, action="rate", actor=actor, role=role, at=at,
                       fields=["rating", "rated_at"], data={**(data or {}), "rating": dossier.rating})
    return dossier


AUTOMATIC_ANSWERS = ("confirm", "refuse", "correction")


def record_automatic_answer(dossier_code: str, answer: str, *, note: str = "", at: datetime | None = None) -> Dossier:
    """Decree 224/2026 Art. 16(4)(b): the person's answer to an automatic decision (confirm, refuse, ask for a
    correction) is kept on the dossier's trail; the state stays (the result was returned; a refusal's restoring of
    the data is the registry's). Only on a dossier the system opened for an automatic decision."""
    if answer not in AUTOMATIC_ANSWERS:
        raise rules.RuleViolation("bad_answer", "The answer is confirm, refuse or correction.")
    at = _now(at)
    with transaction.atomic():
        dossier = _lock(dossier_code, None)
        _check_automatic_decision(dossier, Action.APPROVE)
        _record_change(dossier, action=f"automatic_{answer}", actor=None, role=Role.SYSTEM, at=at, fields=[],
                       data={"answer": answer, "note": note[:500]})
    return dossier


# Scheduled: closing after an unanswered notice; receipts past their 8 working hours --------------------------------


CLOSING_REASON = ("Đóng hồ sơ: quá thời hạn hoàn thiện hồ sơ kể từ khi thông báo yêu cầu bổ sung mà tổ chức, cá "
                  "nhân chưa bổ sung đầy đủ (khoản 5 Điều 19 Nghị định 118/2025/NĐ-CP).")


GROUP_CLOSING_REASON = ("Dừng giải quyết hồ sơ liên thông: quá 07 ngày làm việc kể từ khi thông báo yêu cầu bổ sung "
                        "mà tổ chức, cá nhân chưa bổ sung đầy đủ (Điều 7 Nghị định 63/2024/NĐ-CP được thay thế bởi "
                        "Điều 5 Nghị định 301/2026/NĐ-CP).")


def close_unanswered(at: datetime | None = None) -> list[str]:
    """Close every dossier whose supplement notice is unanswered past its period (Decree 118/2025 Art. 19(5): 15
    days, or the sector law's): a system ``stop`` with the reason, which notifies the applicant. Idempotent (a
    closed dossier is no longer waiting); a dossier changed concurrently is left for the next run. Returns the
    codes closed. ``motcua dossiers close-expired`` runs it."""
    at = _now(at)
    closed = []
    due = (Dossier.objects.filter(state=State.SUPPLEMENT_REQUESTED, supplement_closes_at__lte=at)
           .order_by("supplement_closes_at", "code").values_list("code", "version", "group_parent_code",
                                                                 "group_code", "submitted_at"))
    for code, version, parent_code, group_code, submitted_at in due:
        # A linked birth group's member (Decree 301/2026, from 1/9/2026) stops after 7 working days; its own reason.
        in_group = (bool(parent_code) and group_code == lawsets.BIRTH_GROUP
                    and lawsets.linked_group_rules_for(submitted_at).supplement_completion_working_days is not None)
        try:
            act(code, Action.STOP, actor=None, role=Role.SYSTEM, expected_version=version, at=at,
                reason=GROUP_CLOSING_REASON if in_group else CLOSING_REASON)
        except (VersionConflict, TransitionNotAllowed):
            continue
        closed.append(code)
        if in_group:
            closed += _stop_group_siblings(code, parent_code, at)
    return closed


def _stop_group_siblings(code: str, parent_code: str, at: datetime) -> list[str]:
    """Decree 301/2026 Art. 5 stops the processing of the linked group, not one member: the other members open on
    this deployment and in a state a stop may leave are stopped with the same reason (a member still waiting for
    its desk's receipt, or owned by another deployment, is left to its desk)."""
    stopped = []
    siblings = (Dossier.objects.filter(group_parent_code=parent_code).exclude(code=code)
                .exclude(state__in=[State.STOPPED, State.REFUSED, State.WITHDRAWN, State.RESULT_ISSUED,
                                    State.RETURNED, State.NOT_RECEIVED])
                .order_by("code").values_list("code", "version"))
    for sibling, version in siblings:
        try:
            act(sibling, Action.STOP, actor=None, role=Role.SYSTEM, expected_version=version, at=at,
                reason=GROUP_CLOSING_REASON)
        except (VersionConflict, TransitionNotAllowed):
            continue
        stopped.append(sibling)
    return stopped


def flag_late_receipts(at: datetime | None = None) -> list[str]:
    """Flag the online dossiers still waiting for the desk past their 8 working hours (Decree 118/2025
    Art. 17(2)(c)): their receipt deadline is recomputed with the agency's full calendar (the one set at
    submission ignores the days an administrator entered), and ``receipt_late`` set when it has passed. Changes
    no state and appends no event (the desk's answer records ``receipt_late`` in its event). Idempotent. Returns the
    codes flagged now."""
    from .queries import calendar_for

    at = _now(at)
    flagged = []
    waiting = (Dossier.objects.filter(state=State.SUBMITTED, channel=ChannelKind.ONLINE, receipt_late=False,
                                      receipt_due_at__isnull=False, receipt_due_at__lt=at + timedelta(days=7))
               .select_related("agency"))
    for dossier in waiting.iterator():
        due = receipt.receipt_due(calendar_for(dossier.agency), dossier.submitted_at, dossier.channel)
        late = receipt.receipt_missed(due, at)
        if due != dossier.receipt_due_at or late:
            Dossier.objects.filter(pk=dossier.pk, state=State.SUBMITTED).update(receipt_due_at=due, receipt_late=late)
        if late:
            flagged.append(dossier.code)
    return flagged


# Issue 12 point 15: bulk reads of applicants' personal data go into the hash-chained access log (exchange), where the
# citizen sees them on "who looked at my data" and ``motcua audit verify`` checks them — not only the application log.
PERSONAL_DATA_READ = "ho-so"  # the access log's "registry" column for reads of a dossier's applicant data
PERSONAL_DATA_FIELDS = ["personal_id", "phone"]


def record_personal_data_read(actor, dossiers: Iterable[Dossier], *, role: str, purpose: str) -> int:
    """Append one access-log entry per applicant whose personal ID and phone ``actor`` has just read in full (a page of
    a list, a register); the actor's own dossiers are not recorded. Returns how many entries were written."""
    from motcua.catalog.models import Procedure
    from motcua.exchange.queries import personal_id_of
    from motcua.exchange.services import LogRecord, append_log

    own = personal_id_of(actor)
    dossiers = [d for d in dossiers if d.applicant_personal_id and d.applicant_personal_id != own]
    codes = dict(Procedure.objects.filter(pk__in={d.procedure_id for d in dossiers}).values_list("pk", "code"))
    records = [LogRecord(registry=PERSONAL_DATA_READ, subject=d.applicant_personal_id,
                         attributes=list(PERSONAL_DATA_FIELDS), role=role, purpose=purpose, outcome="allowed",
                         agency_code=d.agency.code, actor_username=actor.get_username(),
                         actor_name=actor.get_full_name() if hasattr(actor, "get_full_name") else "",
                         dossier_code=d.code, procedure_code=codes.get(d.procedure_id, ""))
               for d in dossiers]
    if records:
        append_log(records)
    return len(records)
