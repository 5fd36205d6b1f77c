"""Reads about dossiers used by more than one caller: lookup, timeline, allowed actions, deadline flags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, F, Func, Q, QuerySet

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.text import fold
from motcua.core.ttlcache import MISSING, TTLCache
from motcua.units.models import Agency, Membership

from . import rules
from .documents import UPLOAD_ACTION
from .models import Dossier, DossierDocument, DossierEvent
from .transitions import Role, State, allowed_actions, is_terminal

# Working calendars per agency, per process (issue 3 "Speed": a calendar built per request starts with cold
# per-year indexes, the largest part of a queue page's deadline badges). A per-process cache that cannot be wrong:
# the key holds a stamp of the calendar exceptions (their count, highest id, and the shared edit counter that every
# exception saved or deleted through the ORM moves on in the shared cache, signals in apps.py) and the agency's office
# hours, so any change applies on every server at the next request. Entries expire after
# MOTCUA_CALENDAR_CACHE_SECONDS (default 60) only to bound memory.
_calendars: dict[tuple, tuple[float, WorkingCalendar]] = {}


def exceptions_stamp() -> tuple[int, int, int]:
    from django.db.models import Count, Max

    from motcua.core.models import CalendarException

    stamp = CalendarException.objects.aggregate(n=Count("id"), top=Max("id"))
    return stamp["n"], stamp["top"] or 0, _calendar_edits()


_CALENDAR_EDITS_KEY = "calendar-exceptions:edits"


def _calendar_edits() -> int:
    """How many calendar exceptions were saved or deleted through the ORM (the shared cache; 0 when evicted)."""
    from django.core.cache import cache

    return cache.get(_CALENDAR_EDITS_KEY, 0)


def calendar_for(agency: Agency | None, stamp: tuple[int, int] | None = None) -> WorkingCalendar:
    """``WorkingCalendar.from_db(agency)``, cached per process (see above). Give ``stamp``
    (:func:`exceptions_stamp`) when asking for several agencies in one request."""
    import time

    from django.conf import settings

    ttl = settings.MOTCUA_CALENDAR_CACHE_SECONDS
    if ttl <= 0:
        return WorkingCalendar.from_db(agency)
    stamp = stamp or exceptions_stamp()
    key = (agency.pk, agency.office_hours(), stamp) if agency is not None else (None, None, stamp)
    now = time.monotonic()
    entry = _calendars.get(key)
    if entry is None or entry[0] <= now:
        if len(_calendars) > 5000:
            _calendars.clear()
        entry = _calendars[key] = (now + ttl, WorkingCalendar.from_db(agency))
    return entry[1]


def clear_calendar_cache(**_ignored) -> None:
    """A calendar exception changed: every server's next stamp differs (shared edit counter), this process's
    calendars are dropped (signal receiver, apps.py)."""
    import time

    from django.core.cache import cache

    try:
        cache.incr(_CALENDAR_EDITS_KEY)
    except ValueError:  # no counter yet (or evicted): start one no earlier stamp carries
        cache.set(_CALENDAR_EDITS_KEY, int(time.time() * 1000), timeout=None)
    _calendars.clear()
    _stamp.clear()  # the queue's recent_exceptions_stamp (below)
    _process_settings.clear()


def _process_settings_seconds() -> float:
    from django.conf import settings

    return settings.MOTCUA_CALENDAR_CACHE_SECONDS


def _process_senders() -> tuple[type, ...]:
    from .models import ProcessDefinition

    return (ProcessDefinition,)


# Procedure id → (settled at once, closing days): read at each receipt and supplement request (and by the history
# generator for each simulated one), changed rarely; a saved or deleted process definition clears it in this process.
_process_settings = TTLCache("process-settings", _process_settings_seconds, _process_senders)


def process_settings(procedure_id: int) -> tuple[bool, int | None]:
    """(Decree 118/2025 Art. 17(4) "settled and returned at once", the sector law's closing period of Art. 19(5))
    from the procedure's process definition; (False, None) without one."""
    from .models import ProcessDefinition

    cached = _process_settings.get(procedure_id)
    if cached is not MISSING:
        return cached
    row = (ProcessDefinition.objects.filter(procedure_id=procedure_id)
           .values_list("settled_at_once", "closing_days_after_unanswered_notice").first())
    value = (bool(row[0]), row[1]) if row else (False, None)
    _process_settings.put(procedure_id, value)
    return value


def person_name(user) -> str:
    """A person as Vietnamese write them: family name first (``Trần Văn Minh``), else the username.

    Django's ``get_full_name`` puts the given name first (``first_name last_name``); the demo accounts and the
    identity import store the family name in ``last_name`` and the middle and given names in ``first_name``.
    """
    if user is None:
        return ""
    name = " ".join(part for part in ((user.last_name or "").strip(), (user.first_name or "").strip()) if part)
    return name or user.get_username()


def published_procedure(code: str):
    """The procedure with ``code`` and its current version, when that version is published (nothing else is
    submitted or entered); ``(None, None)`` otherwise."""
    from motcua.catalog.models import Procedure, VersionStatus

    procedure = Procedure.objects.select_related("current_version").filter(code=code).first() if code else None
    version = procedure.current_version if procedure else None
    if version is None or version.status != VersionStatus.PUBLISHED:
        return None, None
    return procedure, version


def required_documents(version) -> list:
    """The documents the procedure version requires, in the catalog's order."""
    from motcua.catalog.models import RequiredDocument

    return list(RequiredDocument.objects.filter(version=version).order_by("position"))


def channels(version, *, with_fees: bool = False) -> list:
    """The procedure version's channels (in person, online, postal) in the catalog's order, with their fees."""
    from motcua.catalog.models import Channel

    rows = Channel.objects.filter(version=version).order_by("position")
    return list(rows.prefetch_related("fees") if with_fees else rows)


def agency_exists(code: str) -> bool:
    return Agency.objects.filter(code=code).exists()


def agencies(ids: Iterable[int]) -> list[Agency]:
    """The agencies with these ids in code order, with their parent and administrative unit."""
    return list(Agency.objects.filter(pk__in=list(ids)).select_related("parent", "unit").order_by("code"))


def agencies_under(code: str, among: Iterable[int]) -> list[int]:
    """Those of the agency ids ``among`` whose code is ``code`` or starts with it (``H01`` = the province)."""
    in_scope = set(among)
    matching = Agency.objects.filter(Q(code=code) | Q(code__startswith=f"{code}.")).values_list("pk", flat=True)
    return [pk for pk in matching if pk in in_scope]


def person_names(usernames: Iterable[str]) -> dict[str, str]:
    """Full names (Vietnamese order) by username; unknown usernames are left out."""
    from django.contrib.auth import get_user_model

    usernames = set(usernames)
    if not usernames:
        return {}
    return {u.get_username(): person_name(u) for u in get_user_model().objects.filter(username__in=usernames)}


def specialists(agency: Agency) -> list[tuple[str, str]]:
    """(username, full name) of the agency's specialists, by username: whom a leader may assign a dossier."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(memberships__agency=agency, memberships__role="specialist")
    return [(u.get_username(), person_name(u)) for u in users.distinct().order_by("username")]


def dossier_by_code(code: str, among: QuerySet[Dossier] | None = None) -> Dossier | None:
    """The dossier with ``code``, or with ``code`` as an earlier code (given the competent authority's identifier on
    receipt, Decree 118/2025 Art. 28(2)(a): old codes stay valid for lookup), among the dossiers the caller may see
    (``Dossier.objects.visible_to(…)``; all of them by default)."""
    among = (Dossier.objects.all() if among is None else among).select_related("agency", "procedure",
                                                                              "procedure_version")
    found = among.filter(code=code).first()
    if found is None:
        found = among.filter(code_aliases__code=code).first()
    return found


def timeline(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events in order."""
    return list(DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq"))


def documents(dossier: Dossier) -> list[DossierDocument]:
    """The dossier's documents in upload order, with the account that uploaded each."""
    return list(DossierDocument.objects.filter(dossier=dossier).select_related("uploaded_by")
                .order_by("uploaded_at", "pk"))


def document(dossier: Dossier, document_id: int) -> DossierDocument | None:
    """One document of the dossier, or None (a document of another dossier is not found)."""
    return DossierDocument.objects.filter(dossier=dossier, pk=document_id).first()


# The states in which an officer's upload is the electronic result rather than a paper of the dossier.
RESULT_UPLOAD_STATES = (State.APPROVED, State.RESULT_ISSUED)


def result_document_ids(dossier: Dossier) -> set[int]:
    """The electronic result (Decree 45/2020/NĐ-CP; Decree 118/2025 Art. 22(1), (4)): the files an officer attached
    once the result was approved, read from the upload events. The officer's page marks them; the applicant's pages
    show them once the result is issued (issue 15 point 3: the one rule of both sides)."""
    events = DossierEvent.objects.filter(dossier=dossier, action=UPLOAD_ACTION, from_state__in=RESULT_UPLOAD_STATES)
    return {event.data["document"] for event in events.only("role", "data")
            if event.role != Role.APPLICANT and isinstance(event.data, dict) and event.data.get("document")}


def actions_for(dossier: Dossier, role: str) -> list[str]:
    """The actions ``role`` may take on the dossier now (table only; rules are checked when acting; amending is for
    online dossiers only, Decree 118/2025 Art. 21(2))."""
    actions = allowed_actions(dossier.state, role)
    if dossier.channel != "online":
        actions = [a for a in actions if a != "amend"]
    return actions


@dataclass(frozen=True)
class DeadlineView:
    overdue: bool
    at_risk: bool
    index_on_time: bool | None


def deadline_view(dossier: Dossier, now: datetime, calendar: WorkingCalendar | None = None) -> DeadlineView:
    """Overdue / at risk / index verdict of one dossier at ``now``."""
    calendar = calendar or calendar_for(dossier.agency)
    finished = dossier.finished_at
    overdue = finished is None and rules.is_overdue(now, dossier.due_at)
    at_risk = False
    # The working time spent on the step is counted only when it can matter: an open dossier with a due time not yet
    # passed, not waiting (is_at_risk is False otherwise; most rows of a busy queue are overdue or not received).
    if finished is None and dossier.waiting_since is None and dossier.due_at is not None and not overdue:
        spent = rules.waited(calendar, dossier.step_started_at, now)
        at_risk = rules.is_at_risk(now, dossier.due_at,
                                   rules.remaining_budgets(dossier.steps, dossier.current_step, spent), calendar)
    verdict = rules.index_on_time(finished, dossier.index_due_at, dossier.supplement_count, now=now)
    return DeadlineView(overdue=overdue, at_risk=at_risk, index_on_time=verdict)


# Officer queues (issue 3 point 6) --------------------------------------------------------------------------------

_VIETNAMESE_LETTERS = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
_FOLD_FROM = _VIETNAMESE_LETTERS + _VIETNAMESE_LETTERS.upper()
_FOLD_TO = "".join(fold(ch) for ch in _FOLD_FROM)
assert len(_FOLD_FROM) == len(_FOLD_TO)
_DIGITS_ID = re.compile(r"^\d{10}(-\d{3})?$|^\d{12}$")


class Folded(Func):
    """The column folded like :func:`motcua.core.text.fold` (lower case, no diacritics, đ → d), in SQL.

    PostgreSQL: ``translate`` over the Vietnamese letters of both cases (independent of the database's locale), then
    ``lower`` for ASCII. SQLite has no ``translate``: the Python function is registered on the connection.
    """

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = f"LOWER(TRANSLATE(%(expressions)s, '{_FOLD_FROM}', '{_FOLD_TO}'))"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("motcua_fold", 1, fold, deterministic=True)
        return self.as_sql(compiler, connection, function="motcua_fold", **extra_context)


# Shared caches of the officer pages (issue 3 "Speed": the queue's first page ran nine queries, four of them
# the same answer for every page of the same officer). Like the API token cache (core/auth.py) and for the same
# reasons (core.ttlcache, Django's default cache): a change through the ORM applies on every server at once (a
# membership, an agency or a user saved or deleted; a calendar exception, through clear_calendar_cache), a bulk
# write within MOTCUA_QUEUE_CACHE_SECONDS (default 5, core/config.py; 0 turns the caches off).
def queue_cache_seconds() -> float:
    """``MOTCUA_QUEUE_CACHE_SECONDS``."""
    from django.conf import settings

    return settings.MOTCUA_QUEUE_CACHE_SECONDS


def _queue_senders() -> tuple[type, ...]:
    from django.contrib.auth import get_user_model

    return (Membership, Agency, get_user_model())


_agency_lists = TTLCache("queue-agencies", queue_cache_seconds, _queue_senders)  # agency ids → (id, code, name)
# The calendar-exceptions stamp; cleared with the calendars (clear_calendar_cache, on CalendarException changes).
_stamp = TTLCache("exceptions-stamp", queue_cache_seconds)


def clear_queue_caches(**_ignored) -> None:
    """Forget the officer scopes, agency lists and exceptions stamp of this process (tests and tools)."""
    from .access import clear_scope_cache

    clear_scope_cache()
    _agency_lists.clear()
    _stamp.clear()


def recent_exceptions_stamp() -> tuple[int, int, int]:
    """:func:`exceptions_stamp`, read at most once per ``MOTCUA_QUEUE_CACHE_SECONDS`` in this process; an exception
    saved or deleted here clears it at once (clear_calendar_cache)."""
    stamp = _stamp.get(None)
    if stamp is MISSING:
        stamp = exceptions_stamp()
        _stamp.put(None, stamp)
    return stamp


def agencies_by_code(agency_ids: Iterable[int]) -> tuple[tuple[int, str, str], ...]:
    """``(id, code, name)`` of the given agencies in code order, cached per process briefly (the queue's agency
    filter: the same list on every page of the same officer)."""
    ids = tuple(sorted(agency_ids))
    rows = _agency_lists.get(ids)
    if rows is MISSING:
        rows = tuple(Agency.objects.filter(pk__in=ids).order_by("code").values_list("pk", "code", "name"))
        _agency_lists.put(ids, rows)
    return rows


def queue_states(role: str) -> list[str]:
    """The states a role's queue shows: those in which it can act (transitions.allowed_actions). A supervisor acts
    nowhere and reads every open dossier."""
    open_states = [str(s) for s in State if s is not State.NEW and not is_terminal(s)]
    if role == "supervisor":
        return open_states
    return [s for s in open_states if allowed_actions(s, role)]


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    procedure: str = ""
    channel: str = ""
    due_from: date | None = None
    due_to: date | None = None
    q: str = ""
    # "receipt": by the online receipt deadline (Decree 118/2025 Art. 17(2)(c)), dossiers without one last.
    sort: str = ""


def officer_queue(agency_ids: Iterable[int], role: str, filters: QueueFilters = QueueFilters()) -> QuerySet[Dossier]:
    """The dossiers of ``agency_ids`` that ``role`` can act on, soonest due first (no due time last), then by code.

    Index-friendly: ``agency IN (…) AND state IN (…) ORDER BY due_at, code`` follows the (agency, state, due_at)
    index; the search picks one indexed column by the shape of the text (personal ID / enterprise code: equality;
    dossier code: prefix). Only the applicant-name search scans the queue's rows (see the report for the folded-name
    column that would index it).
    """
    states = queue_states(role)
    if filters.state:
        states = [s for s in states if s == filters.state]
    qs = Dossier.objects.filter(agency_id__in=list(agency_ids), state__in=states)
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.due_from:
        qs = qs.filter(due_at__gte=datetime.combine(filters.due_from, time.min, tzinfo=TZ))
    if filters.due_to:
        qs = qs.filter(due_at__lt=datetime.combine(filters.due_to + timedelta(days=1), time.min, tzinfo=TZ))
    q = " ".join((filters.q or "").split())
    if q:
        qs = qs.alias(applicant_name_folded=Folded("applicant_name")).filter(search_filter(q))
    if filters.sort == "receipt":
        return (qs.select_related("agency", "procedure_version", "assigned_to")
                .order_by(F("receipt_due_at").asc(nulls_last=True), F("due_at").asc(nulls_last=True), "code"))
    return (qs.select_related("agency", "procedure_version", "assigned_to")
            .order_by(F("due_at").asc(nulls_last=True), "code"))


# The queue's columns: what the row shows and what the deadline badges read (deadline_view). The procedure version's
# name and the agency's office hours come as annotations (QUEUE_JOINED) rather than as two more model instances per
# row (issue 3 "Speed": building them was a tenth of the page).
QUEUE_ONLY = ("code", "agency", "applicant_name", "state", "status_code", "due_at", "finished_at",
              "step_started_at", "waiting_since", "steps", "current_step", "index_due_at", "supplement_count",
              "consultation_unit", "consultation_due_at", "receipt_due_at", "receipt_late")
AGENCY_HOURS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end", "cutoff")
QUEUE_JOINED = {"procedure_name": F("procedure_version__name"),
                **{f"agency_{name}": F(f"agency__{name}") for name in AGENCY_HOURS}}


def queue_page_rows(page: QuerySet[Dossier], order_by: Iterable) -> list[Dossier]:
    """The rows of one page of :func:`officer_queue`, with the queue's columns only. The page's rows are chosen
    first (the queue index, no join) and only those are joined to their agency and procedure version: joined before
    the limit, PostgreSQL hashed the whole procedure-version table on every page."""
    return list(Dossier.objects.filter(pk__in=page.values("pk")).only(*QUEUE_ONLY).annotate(**QUEUE_JOINED)
                .order_by(*order_by))


def with_personal_id(dossiers: Iterable[Dossier], personal_id: str) -> QuerySet[Dossier]:
    """Those of ``dossiers`` whose applicant has this personal ID, with their agency (an access-log entry each)."""
    return Dossier.objects.filter(pk__in=[d.pk for d in dossiers],
                                  applicant_personal_id=personal_id).select_related("agency")


def search_filter(q: str) -> Q:
    """Search by dossier code (prefix, any case), applicant personal ID or enterprise code (exact), or applicant name
    (folded: "nguyen van an" finds "Nguyễn Văn An"). The queryset must carry the ``applicant_name_folded`` alias
    (:func:`officer_queue` adds it)."""
    if _DIGITS_ID.match(q):
        return Q(applicant_personal_id=q) | Q(applicant_enterprise_code=q)
    return Q(code__startswith=q.upper()) | Q(applicant_name_folded__contains=fold(q))


@dataclass(frozen=True)
class StepControl:
    """One row of the process-control slip (form 05): a step, who handled it, when it was received and handed over,
    its due time and whether it was (or is) on time."""

    position: int
    key: str
    name: str
    role: str
    unit: str
    handler: str
    received_at: datetime | None
    handed_over_at: datetime | None
    due_at: datetime | None
    status: str  # early | on_time | late | in_progress | overdue | pending


def _step_closing_actions(key: str) -> set[str]:
    return {"receive": {"receive"}, "approve": {"approve", "complete_step"},
            "return": {"return_result", "complete_step"}}.get(key, {"complete_step"})


def process_control(dossier: Dossier, events: list[DossierEvent] | None = None,
                    now: datetime | None = None) -> list[StepControl]:
    """Each step of the dossier's process snapshot with the hand-over times read from its events (Circular
    03/2025/TT-VPCP process-control slip: each hand-over with its time). A step is received when the previous one
    is handed over (the first at receipt); it is handed over by the event that records its key."""
    events = timeline(dossier) if events is None else events
    closed: dict[str, DossierEvent] = {}
    for event in events:
        if event.step and event.step not in closed and event.action in _step_closing_actions(event.step):
            closed[event.step] = event
    receipt = next((e for e in events if e.action == "receive"), None)
    rows: list[StepControl] = []
    previous_end = receipt.at if receipt else None
    for index, step in enumerate(dossier.steps or []):
        end_event = closed.get(step["key"])
        due = datetime.fromisoformat(step["due_at"]) if step.get("due_at") else None
        reached = end_event is not None or (index == dossier.current_step and receipt is not None)
        started = (dossier.submitted_at if step["key"] == "receive" else previous_end) if reached else None
        handler = ""
        if end_event is not None and end_event.actor is not None:
            handler = person_name(end_event.actor)
        elif index == dossier.current_step and step.get("role") == "specialist" and dossier.assigned_to_id:
            handler = person_name(dossier.assigned_to)
        if end_event is not None:
            if due is None or end_event.at <= due:
                status = "early" if due is not None and end_event.at.astimezone(TZ).date() < due.astimezone(
                    TZ).date() else "on_time"
            else:
                status = "late"
        elif index == dossier.current_step and dossier.finished_at is None and receipt is not None:
            status = "overdue" if now is not None and rules.is_overdue(now, due) else "in_progress"
        else:
            status = "pending"
        rows.append(StepControl(position=index + 1, key=step["key"], name=step.get("name", step["key"]),
                                role=step.get("role", ""), unit=step.get("unit", ""), handler=handler,
                                received_at=started,
                                handed_over_at=end_event.at if end_event else None, due_at=due, status=status))
        if end_event is not None:
            previous_end = end_event.at
    return rows


def tracking_register(agency_ids: Iterable[int], start: date, end: date) -> QuerySet[Dossier]:
    """The tracking register (form 06): the dossiers received by ``agency_ids`` between two dates (inclusive, local
    time), in receipt order."""
    return (Dossier.objects.filter(agency_id__in=list(agency_ids),
                                   received_at__gte=datetime.combine(start, time.min, tzinfo=TZ),
                                   received_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=TZ))
            .select_related("agency", "procedure_version").order_by("received_at", "code"))


def time_limit_corrections(limit: int | None = None) -> list[dict]:
    """The procedures in force whose time limit a receipt cannot read (no unit, the catalog's ``unknown`` unit, or no
    amount): receipt refuses them until the desk enters the return date (Decree 118/2025 Art. 17(3); issue 11
    point 4), so the catalog officer corrects them. One row per channel, by procedure code."""
    from motcua.catalog.models import Channel

    unreadable = Q(time_limit_unit="") | Q(time_limit_unit="unknown") | (
        Q(time_limit_amount__isnull=True) & ~Q(time_limit_unit="same_day"))
    rows = (Channel.objects.filter(unreadable, version__procedure__current_version=F("version"))
            .order_by("version__procedure__code", "position")
            .values("version__procedure__code", "version__name", "kind", "time_limit_amount", "time_limit_unit",
                    "time_limit_text"))
    if limit is not None:
        rows = rows[:limit]
    return [{"procedure_code": r["version__procedure__code"], "name": r["version__name"], "channel": r["kind"],
             "amount": r["time_limit_amount"], "unit": r["time_limit_unit"], "text": r["time_limit_text"]}
            for r in rows]


def overdue_count(now: datetime) -> int:
    """Open dossiers past their legal due time (the ``motcua_overdue{kind="dossier"}`` metric)."""
    open_states = [s.value for s in State if not is_terminal(s)]
    return Dossier.objects.filter(state__in=open_states, due_at__lt=now).count()


# "Hồ sơ của tôi" (issue 14 point 3) ---------------------------------------------------------------------------------

# What the applicant is asked to do next, by state: (text, the citizen page's path after /ho-so/<code>/, or "").
NEXT_STEP: dict[str, tuple[str, str]] = {
    "submitted": ("Chờ cơ quan tiếp nhận: quý vị chưa cần làm gì.", ""),
    "receipt_supplement_requested": ("Bổ sung hồ sơ theo yêu cầu của cơ quan tiếp nhận.", "bo-sung/"),
    "supplement_requested": ("Bổ sung hồ sơ theo yêu cầu của cơ quan giải quyết.", "bo-sung/"),
    "payment_requested": ("Nộp phí, lệ phí theo thông báo của cơ quan.", ""),
    "received": ("Cơ quan đang giải quyết: quý vị chưa cần làm gì.", ""),
    "processing": ("Cơ quan đang giải quyết: quý vị chưa cần làm gì.", ""),
    "consulting": ("Cơ quan đang lấy ý kiến: quý vị chưa cần làm gì.", ""),
    "approved": ("Đã duyệt kết quả, chờ trả kết quả.", ""),
    "result_issued": ("Nhận kết quả.", ""),
    "returned": ("Đã trả kết quả: quý vị có thể đánh giá việc giải quyết.", "danh-gia/"),
    "not_received": ("Hồ sơ không được tiếp nhận: xem lý do.", ""),
    "refused": ("Hồ sơ bị từ chối giải quyết: xem lý do.", ""),
    "withdrawn": ("Đã rút hồ sơ.", ""),
    "stopped": ("Hồ sơ đã dừng xử lý.", ""),
}


@dataclass(frozen=True)
class MyDossier:
    code: str
    procedure_name: str
    agency_name: str
    status: str
    submitted_at: datetime
    due_at: datetime | None
    next_step: str
    next_path: str
    action_needed: bool


def my_dossiers(user, limit: int = 100) -> list[MyDossier]:
    """The dossiers whose applicant is ``user``, newest first, each with its national status, due date and what the
    applicant is asked to do next."""
    from .transitions import STATUS_CODES

    rows = (Dossier.objects.filter(applicant_user=user)
            .select_related("procedure_version", "agency").order_by("-submitted_at")[:limit])
    out = []
    for d in rows:
        text, suffix = NEXT_STEP.get(d.state, ("", ""))
        out.append(MyDossier(
            d.code, d.procedure_version.name, d.agency.name, STATUS_CODES[d.status_code].name, d.submitted_at,
            d.due_at, text, f"/ho-so/{d.code}/{suffix}",
            d.state in {"receipt_supplement_requested", "supplement_requested", "payment_requested",
                        "result_issued"}))
    return out
