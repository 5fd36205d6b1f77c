"""Reads of PAKN items: the public answers (also used by Open311), officers' queues, the satisfaction figures.

Public reads never select a ``submitter_*`` column: :func:`published_items` returns only
:data:`~motcua.feedback.models.PUBLIC_FIELDS` (through ``.only``), so a template or serializer cannot leak them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connections, router, transaction
from django.db.models import Count, F, Q, QuerySet

from motcua.core.text import terms as fold_terms

from .models import Feedback, PublishedEntry, Rating
from .transitions import State


@dataclass(frozen=True)
class PublicFilters:
    """Filters of the public answers page and of Open311 lists. Every field is optional."""

    q: str = ""
    procedure_code: str = ""
    agency_ids: tuple[int, ...] = ()
    topic: str = ""
    kind: str = ""
    published_from: datetime | None = None
    published_to: datetime | None = None


def search_terms(q: str | None) -> list[str]:
    """Folded search terms (diacritics-insensitive): "Khai sinh" and "khai sinh" give ``["khai", "sinh"]``."""
    return fold_terms(q)[:8]


def _match_terms(qs: QuerySet, words: list[str]) -> QuerySet:
    """Every term must be a word of the folded public text; the last one may be a prefix (search as you type).

    PostgreSQL uses the entries' generated ``search_vector`` (GIN, migration 0003); SQLite matches words in the
    space-separated ``search_text``. Both give the same rows.
    """
    if not words:
        return qs
    table = PublishedEntry._meta.db_table
    vendor = connections[router.db_for_read(PublishedEntry)].vendor
    if vendor == "postgresql":
        return qs.extra(where=[f"{table}.search_vector @@ to_tsquery('simple', %s)"], params=[_tsquery(words)])
    for word in words[:-1]:
        qs = qs.extra(where=[f"(' ' || {table}.search_text || ' ') LIKE %s"], params=[f"% {word} %"])
    return qs.extra(where=[f"(' ' || {table}.search_text || ' ') LIKE %s"], params=[f"% {words[-1]}%"])


def _tsquery(words: list[str]) -> str:
    return " & ".join([*words[:-1], words[-1] + ":*"])


PUBLIC_COLUMNS = ("id", "code", "kind", "topic", "public_title", "public_content", "procedure_id", "procedure_code",
                  "procedure_name", "agency_id", "agency__name", "agency__code", "state", "submitted_at",
                  "answered_at", "published_at", "answer", "rating", "classification")


def _entries(f: PublicFilters) -> QuerySet[PublishedEntry]:
    qs = PublishedEntry.objects.all()
    if f.procedure_code:
        qs = qs.filter(procedure_code=f.procedure_code)
    if f.agency_ids:
        qs = qs.filter(agency_id__in=f.agency_ids)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.published_from:
        qs = qs.filter(published_at__gte=f.published_from)
    if f.published_to:
        qs = qs.filter(published_at__lt=f.published_to)
    return qs.order_by("-published_at", "-feedback_id")


def _public_rows() -> QuerySet[Feedback]:
    return Feedback.objects.filter(published_at__isnull=False).select_related("agency").only(*PUBLIC_COLUMNS)


def published_items(filters: PublicFilters | None = None) -> QuerySet[Feedback]:
    """Published answers, newest first, filtered. Only public columns are loaded (no personal data).

    A plain queryset for any use (joined to the entries); the public page reads through :func:`search_page`, which
    bounds the cost.
    """
    f = filters or PublicFilters()
    qs = _public_rows().filter(published_entry__published_at__isnull=False)
    if f.procedure_code:
        qs = qs.filter(published_entry__procedure_code=f.procedure_code)
    if f.agency_ids:
        qs = qs.filter(published_entry__agency_id__in=f.agency_ids)
    if f.topic:
        qs = qs.filter(published_entry__topic=f.topic)
    if f.kind:
        qs = qs.filter(published_entry__kind=f.kind)
    if f.published_from:
        qs = qs.filter(published_entry__published_at__gte=f.published_from)
    if f.published_to:
        qs = qs.filter(published_entry__published_at__lt=f.published_to)
    return _match_terms(qs, search_terms(f.q)).order_by("-published_at", "-id")


PROBE_ROWS = 2000


def search_page(filters: PublicFilters, number: int, per_page: int = 20) -> Page:
    """One page of published answers for ``filters`` (with or without words), newest first: the ids come from the
    narrow :class:`~motcua.feedback.models.PublishedEntry` rows, then the page's rows are read by id.

    With words on PostgreSQL, two bounded steps, because the planner cannot tell how often words occur together
    (it multiplies their frequencies) and then either walks the date index through a rare phrase or fetches every
    match of a frequent one:

    1. the newest :data:`PROBE_ROWS` entries of the filtered list (date index, in order) are tested against the
       words; when the page is found there (frequent words), that is the answer;
    2. otherwise the words are rare among recent answers: the GIN index gives every match, sorted by date.
    """
    words = search_terms(filters.q)
    number = max(1, number)
    start = (number - 1) * per_page
    alias = router.db_for_read(PublishedEntry)
    entries = _entries(filters)
    if not words or connections[alias].vendor != "postgresql":
        page_ids = list(_match_terms(entries, words).values_list("feedback_id", flat=True)[start:start + per_page + 1])
    else:
        needed = start + per_page + 1
        table = PublishedEntry._meta.db_table
        probe = entries.extra(select={"sv": f"{table}.search_vector"}).values("feedback_id", "sv")[:PROBE_ROWS]
        probe_sql, probe_params = probe.query.sql_with_params()
        with connections[alias].cursor() as cursor:
            cursor.execute(f"WITH recent AS MATERIALIZED ({probe_sql}) SELECT (SELECT count(*) FROM recent), "
                           f"ARRAY(SELECT feedback_id FROM recent WHERE sv @@ to_tsquery('simple', %s) LIMIT %s)",
                           [*probe_params, _tsquery(words), needed])
            scanned, ids = cursor.fetchone()
            if len(ids) < needed and scanned >= PROBE_ROWS:
                # Step 2: rare words. Plain index scans are off for this statement, so the GIN index is used.
                sql, params = (_match_terms(entries, words).values_list("feedback_id")[start:start + per_page + 1]
                               .query.sql_with_params())
                with transaction.atomic(using=alias):
                    cursor.execute("SET LOCAL enable_indexscan = off")
                    cursor.execute(sql, params)
                    page_ids = [row[0] for row in cursor.fetchall()]
            else:
                page_ids = ids[start:start + per_page + 1]
    rows = {item.pk: item for item in _public_rows().filter(pk__in=page_ids)}
    items = [rows[pk] for pk in page_ids if pk in rows]
    return Page(items[:per_page], number, per_page, len(items) > per_page)


@dataclass(frozen=True)
class Page:
    items: list[Feedback]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(qs: QuerySet[Feedback], number: int, per_page: int = 20) -> Page:
    """One page without counting every match (a count over 500,000 rows costs more than the page): fetch one row
    more than the page to know whether there is a next one."""
    number = max(1, number)
    start = (number - 1) * per_page
    rows = list(qs[start:start + per_page + 1])
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)


def published_item(code: str) -> Feedback | None:
    """One published answer by its tracking code, public columns only."""
    return _public_rows().filter(code=code).first()


def item_by_code(code: str) -> Feedback | None:
    return Feedback.objects.select_related("agency", "received_by").filter(code=code).first()


def items_of_submitter(user) -> QuerySet[Feedback]:
    return Feedback.objects.filter(submitter_user=user).select_related("agency").order_by("-submitted_at")


def queue(agency_ids: list[int] | tuple[int, ...], states: list[str] | None = None) -> QuerySet[Feedback]:
    """Officers' queue: open items of these agencies, the earliest answer due first, flagged spam last."""
    qs = Feedback.objects.filter(agency_id__in=agency_ids).select_related("agency")
    qs = qs.filter(state__in=states) if states else qs.exclude(state__in=[State.PUBLISHED, State.REFUSED])
    return qs.order_by("flagged", F("answer_due_at").asc(nulls_last=True), "submitted_at")


PAKN_KEYS = ("all", "handled", "handled_on_time", "overdue", "disliked", "liked", "recomplained", "refused")


def pakn_counts(start: datetime, end: datetime, agency_ids=None) -> dict[int, dict[str, int]]:
    """Counts for the service index's satisfaction group (Decision 766/QĐ-TTg group 6, domain.md §7), per agency:
    the one place PAKN is counted (``pakn_figures`` sums it; the oversight facts store it per period).

    The population is the items accepted for handling (not refused) by the agency handling the item now (after any
    forwarding) and **received in** ``[start, end)``:

    - ``all``: the population;
    - ``handled``: answered (the leader approved the answer) by ``end``;
    - ``handled_on_time``: answered by ``end`` and no later than the answer due time;
    - ``overdue``: answered late, or not answered by ``end`` although the answer was due before ``end``;
    - ``disliked`` / ``liked``: the submitter's rating of the published answer;
    - ``recomplained``: the submitter complained again about the answer;
    - ``refused``: items not accepted in the period (outside the population, for information).

    Indicator "PAKN handled on time" = handled_on_time ÷ handled; "satisfaction with PAKN handling" =
    (all − disliked − recomplained − overdue) ÷ all. ``agency_ids=None`` means every agency.
    """
    qs = Feedback.objects.filter(received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    accepted = ~Q(state=State.REFUSED)
    answered = Q(answered_at__isnull=False, answered_at__lt=end)
    on_time = answered & (Q(answer_due_at__isnull=True) | Q(answered_at__lte=F("answer_due_at")))
    late = answered & Q(answer_due_at__isnull=False, answered_at__gt=F("answer_due_at"))
    open_overdue = ~answered & Q(answer_due_at__isnull=False, answer_due_at__lt=end)
    rows = qs.order_by().values("agency_id").annotate(
        all=Count("id", filter=accepted),
        handled=Count("id", filter=accepted & answered),
        handled_on_time=Count("id", filter=accepted & on_time),
        overdue=Count("id", filter=accepted & (late | open_overdue)),
        disliked=Count("id", filter=accepted & Q(rating=Rating.DISLIKE)),
        liked=Count("id", filter=accepted & Q(rating=Rating.LIKE)),
        recomplained=Count("id", filter=accepted & Q(recomplained_at__isnull=False)),
        refused=Count("id", filter=Q(state=State.REFUSED)),
    )
    return {r["agency_id"]: {k: int(r[k] or 0) for k in PAKN_KEYS} for r in rows}


def pakn_figures(agency_ids, start: datetime, end: datetime) -> dict[str, int]:
    """The counts of :func:`pakn_counts` summed over ``agency_ids`` (``None``: every agency)."""
    total = dict.fromkeys(PAKN_KEYS, 0)
    for counts in pakn_counts(start, end, agency_ids).values():
        for key in PAKN_KEYS:
            total[key] += counts[key]
    return total


def overdue_count(now: datetime) -> int:
    """Open PAKN items past their answer (or publication) due time (``motcua_overdue{kind="feedback"}``)."""
    from .transitions import OPEN_STATES

    return Feedback.objects.filter(state__in=[str(s) for s in OPEN_STATES]).filter(
        Q(answer_due_at__lt=now) | Q(state="awaiting_publication", publish_due_at__lt=now)).count()
