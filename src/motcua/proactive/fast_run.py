"""The speed tricks of the trigger job (issue 16, "Speed"), each beside the plain path it must equal.

A profile of ``bench/proactive.py`` (``--profile``) showed where a run's time goes besides the access log's own
append: preparing the cases one (event, person) at a time, filtering by thousands of values through the ORM's
``IN (%s, %s, …)`` (one placeholder per value: Django and the driver spend longer building and sending the statement
than the database spends answering it), and, on SQLite, preparing each case's row through the fields'
``get_db_prep_save``. Each trick has a plain twin here; ``tests/test_the_fast_path_gives_the_plain_result.py`` runs
both on the same input and compares every field. Nothing here weakens the access log (every data use is still one
entry with the trigger, purpose and legal basis) or the watermark (the caller still moves it in the same
transaction).

- :func:`prepare_cases` ↔ :func:`prepare_cases_plain`: per batch, the trigger's constants once, the event's part
  (the child's data, the reason, what is missing) once for both parents, each person read from the registry once
  (every use still logged), the case built by the model's positional constructor (as ``Model.from_db`` does).
- :func:`among` ↔ :func:`among_plain`: the values of an ``__in`` filter as one array parameter (PostgreSQL:
  ``unnest(%s::text[])``; SQLite: ``json_each(%s)``).
- :func:`insert_cases` ↔ :func:`insert_cases_plain`: COPY on PostgreSQL, one ``executemany`` of ready values on
  SQLite, against the ORM's ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from motcua.exchange import registries
from motcua.exchange import rules as exchange_rules
from motcua.exchange.errors import ExchangeError
from motcua.exchange.models import Outcome
from motcua.exchange.registries.base import CallContext
from motcua.exchange.services import LogRecord

from . import rules
from .models import CaseState, ProactiveCase, Trigger

Wanted = tuple[int, str, date, dict, str]  # (change id, subject, occurred on, payload, person)

SEX = {"female": "Nữ", "male": "Nam"}
POPULATION_READ = ["full_name", "permanent_residence"]


# -- preparing the cases ------------------------------------------------------------------------------------------


def prepare_cases_plain(trigger: Trigger, wanted: list[Wanted], now: datetime
                        ) -> tuple[list[ProactiveCase], list[LogRecord]]:
    """One (event, person) at a time, as :func:`motcua.proactive.services._prepare_case` says it."""
    from .services import _prepare_case

    cases, records = [], []
    for change_id, subject, occurred_on, payload, person in wanted:
        case, reads = _prepare_case(trigger, change_id, subject, occurred_on, payload, person, now)
        cases.append(case)
        records.extend(reads)
    return cases, records


_FIELDS = [f.attname for f in ProactiveCase._meta.concrete_fields]


def prepare_cases(trigger: Trigger, wanted: list[Wanted], now: datetime) -> tuple[list[ProactiveCase],
                                                                                  list[LogRecord]]:
    """The same cases and access-log records as :func:`prepare_cases_plain`, in the same order."""
    from .services import _jsonable, agency_of, purpose_of

    registry, kind, label = rules.SOURCES[trigger.source]
    spec = registries.SPECS.get(registry)
    source_label = spec.label if spec else label
    population = registries.SPECS["population"]
    purpose, agency = purpose_of(trigger), agency_of(trigger)
    actor, actor_name = f"proactive:{trigger.code}", f"Tín hiệu {trigger.code}"
    procedure = (trigger.procedure_codes or [""])[0]
    system = exchange_rules.SYSTEM
    level = trigger.level
    state = {1: CaseState.REMINDED, 4: CaseState.AUTO_DONE}.get(level, CaseState.PREPARED)
    respond_by = rules.respond_by(timezone.localdate(now), trigger.respond_days) if level == 4 else None
    context = CallContext(agency=agency, actor=actor, role=system, purpose=purpose)
    plugin = registries.get("population") if level >= 2 else None

    def record(registry_name: str, subject: str, attributes: list[str], outcome: str = Outcome.ALLOWED,
               reason: str = "") -> LogRecord:
        return LogRecord(registry=registry_name, subject=subject, attributes=attributes, role=system,
                         purpose=purpose, outcome=outcome, reason=reason, agency_code=agency, actor_username=actor,
                         actor_name=actor_name, procedure_code=procedure, at=timezone.now())

    read: dict[str, tuple[dict | None, str]] = {}  # person → (values or None, the error) — read once per batch

    def population_of(person: str) -> dict | None:
        if person not in read:
            try:
                read[person] = (plugin.lookup(person, POPULATION_READ, context), "")
            except ExchangeError as error:
                read[person] = (None, str(error))
        return read[person][0]

    days: dict[date, str] = {}
    event: dict[int, tuple] = {}  # change id → what every recipient of the event shares
    cases, records = [], []
    for change_id, subject, occurred_on, payload, person in wanted:
        shown_on = days.get(occurred_on) or days.setdefault(occurred_on, occurred_on.strftime("%d/%m/%Y"))
        if change_id not in event:
            form: dict[str, Any] = {}
            extra: list[dict] = []
            if level >= 2 and trigger.source == rules.BIRTH:
                sex = payload.get("sex") or ""
                child = {"full_name": payload.get("child_name") or "", "birth_date": occurred_on.isoformat(),
                         "sex": sex, "place_of_birth": payload.get("place_of_birth") or "", "personal_id": subject}
                form["child"] = child
                shown = (("Họ và tên của trẻ", child["full_name"]), ("Ngày sinh của trẻ", shown_on),
                         ("Giới tính", SEX.get(sex, sex)), ("Nơi sinh", child["place_of_birth"]),
                         ("Số định danh cá nhân của trẻ", subject))
                extra = [{"label": lab, "value": value, "source": source_label, "registry": registry}
                         for lab, value in shown if value]
            elif level >= 2 and trigger.source == rules.DEATH:
                form["deceased"] = {"personal_id": subject, "full_name": payload.get("deceased_name") or "",
                                    "date_of_death": occurred_on.isoformat()}
            event[change_id] = (form, extra, rules.reason(trigger.source, occurred_on, payload),
                                rules.still_needed(trigger.source, form) if level in (2, 3) else [])
        form, extra, reason, missing = event[change_id]
        records.append(record(registry, person, [kind]))  # the change itself is data about the person
        data_used = [{"label": label, "value": shown_on, "source": source_label, "registry": registry}]
        applicant: dict[str, Any] = {"kind": "citizen", "personal_id": person}
        if level >= 2:
            values = population_of(person)
            if values is None:
                records.append(record("population", person, POPULATION_READ, Outcome.UNAVAILABLE, read[person][1]))
            else:
                records.append(record("population", person, POPULATION_READ))  # every use logged
                applicant.update(full_name=values["full_name"], address=values["permanent_residence"])
                data_used += [{"label": population.attributes.get(a, a), "value": _jsonable(values[a]),
                               "source": population.label, "registry": "population"} for a in values]
            data_used += [dict(row) for row in extra]
        values_in_order = (None, trigger.pk, person, subject, change_id, occurred_on, level, state, reason, data_used,
                           _copy(form), applicant, list(missing), "", None, None, "", now, respond_by, None)
        case = ProactiveCase(*values_in_order)
        cached(case, trigger)  # as the plain path's ProactiveCase(trigger=trigger): no query to reach it
        cases.append(case)
    return cases, records


cached = ProactiveCase.trigger.field.set_cached_value


def _copy(form: dict) -> dict:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in form.items()}


assert _FIELDS == ["id", "trigger_id", "personal_id", "subject", "change_id", "event_on", "level", "state", "reason",
                   "data_used", "form_data", "applicant", "missing", "dossier_code", "before", "after", "note",
                   "created_at", "respond_by", "decided_at"], _FIELDS  # prepare_cases builds rows in this order


# -- filtering by many values -------------------------------------------------------------------------------------


def among_plain(values: Iterable[Any]) -> list:
    """For ``<field>__in=``: the values, one placeholder each (the ORM's way)."""
    return list(values)


def among(values: Iterable[Any], cast: str = "text") -> RawSQL | list:
    """For ``<field>__in=``: the values as one array parameter — ``cast`` is the column's type on PostgreSQL
    (``text``, ``bigint``). Small sets keep the ORM's placeholders."""
    values = list(values)
    if len(values) < 100:
        return values
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{cast}[])", [values])
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    return values


# -- writing the cases --------------------------------------------------------------------------------------------


def insert_cases_plain(cases: list[ProactiveCase]) -> None:
    ProactiveCase.objects.bulk_create(cases)


def insert_cases(cases: list[ProactiveCase]) -> None:
    """Write a batch of cases: COPY on PostgreSQL, one executemany of ready values on SQLite (the ORM's bulk insert
    spends more time building the statement than the database spends storing the rows)."""
    if not cases:
        return
    fields = [f for f in ProactiveCase._meta.concrete_fields if not f.primary_key]
    table, cols = ProactiveCase._meta.db_table, ", ".join(f.column for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":

        def value(name, case):
            raw = getattr(case, name)
            return json.dumps(raw, ensure_ascii=False) if name in json_fields and raw is not None else raw

        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for case in cases:
                copy.write_row([value(n, case) for n in names])
        return
    if connection.vendor != "sqlite":
        insert_cases_plain(cases)
        return
    # SQLite: what the fields' get_db_prep_save gives — JSON text, ISO dates, ISO datetimes in UTC without offset.
    dates = {f.attname for f in fields if f.get_internal_type() == "DateField"}
    stamps = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}

    def prep(name: str, raw: Any) -> Any:
        if raw is None:
            return None
        if name in json_fields:
            return json.dumps(raw)
        if name in stamps:
            return connection.ops.adapt_datetimefield_value(raw)
        if name in dates:
            return raw.isoformat()
        return raw

    rows = [[prep(n, getattr(c, n)) for n in names] for c in cases]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})", rows)
