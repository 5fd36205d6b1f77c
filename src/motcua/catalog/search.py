"""Search the catalog: diacritics-insensitive full-text search over current published versions, ranked, filtered,
with "did you mean" names when nothing matches.

Matching. The query is folded (``core.text.fold``: lower case, no diacritics, đ → d) and cut into terms, runs of
``[0-9a-z]``. A version matches when every term is a whole term of its folded name or its other fields
(``search_name`` / ``search_text``, maintained by ``services.upsert_records``), or when the query looks like a code
and the procedure code starts with it. The index (migration 0002) splits those columns the same way on both
databases, so a query finds the same versions on SQLite and on PostgreSQL:

- SQLite: an FTS5 table with external content (``catalog_search``), kept in step by triggers on the version table;
- PostgreSQL: stored generated columns ``search_name_terms`` / ``search_terms`` =
  ``regexp_split_to_array(column, '[^0-9a-z]+')`` (not in the Django model) with GIN indexes, queried with ``@>``.

Ranking (all in SQL, so a page costs one query however many versions match):

0. the code, exactly;  1. a code starting with the query;  2. the name, exactly (folded);
3. every term in the name;  4. the terms spread over the other fields (sector, agencies, documents, results,
   legal basis, subjects).

Within a tier: shorter names first (the general procedure before its special cases: "Đăng ký khai sinh", then
"Đăng ký lại khai sinh", then "Đăng ký khai sinh có yếu tố nước ngoài"), then names holding the query as a phrase,
then code order. Without a query, code order.

Suggestions. When nothing matches, :func:`suggest_names` corrects each term to close words of the names'
vocabulary (difflib) and returns the names that best cover the corrected terms. It works on a per-process
in-memory index of the distinct folded names, rebuilt when a cheap fingerprint of the catalog changes.
"""

from __future__ import annotations

import difflib
import itertools
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from motcua.core.text import fold

from . import models as m

MAX_TERMS = 12
"""Terms beyond this are ignored: no procedure name needs more to be found, and it bounds the cost of a query."""

LIST_FIELDS = ("id", "number", "name", "levels", "online_level", "status", "procedure__id", "procedure__code",
               "sector__id", "sector__name", "sector__slug")
"""The columns a result list needs: a page sorts narrow rows, not the verbatim source record."""

_TERM = re.compile(r"[0-9a-z]+")
_CODE_LIKE = re.compile(r"^\d+(?:\.[0-9A-Za-z]*)*$")
_SPLIT = "[^0-9a-z]+"  # PostgreSQL regexp: the complement of _TERM, the same split as FTS5's unicode61 on folded text

# -- the index (used by migration 0002 and repaired at first use) --------------------------------------------

_FTS = "catalog_search"
_VERSION_TABLE = "catalog_procedureversion"
_SQLITE_TRIGGERS = {
    "catalog_search_ai": (
        f"CREATE TRIGGER IF NOT EXISTS catalog_search_ai AFTER INSERT ON {_VERSION_TABLE} BEGIN "
        f"INSERT INTO {_FTS}(rowid, search_name, search_text) VALUES (new.id, new.search_name, new.search_text); "
        "END"
    ),
    "catalog_search_ad": (
        f"CREATE TRIGGER IF NOT EXISTS catalog_search_ad AFTER DELETE ON {_VERSION_TABLE} BEGIN "
        f"INSERT INTO {_FTS}({_FTS}, rowid, search_name, search_text) "
        "VALUES ('delete', old.id, old.search_name, old.search_text); "
        "END"
    ),
    "catalog_search_au": (
        f"CREATE TRIGGER IF NOT EXISTS catalog_search_au AFTER UPDATE OF search_name, search_text "
        f"ON {_VERSION_TABLE} BEGIN "
        f"INSERT INTO {_FTS}({_FTS}, rowid, search_name, search_text) "
        "VALUES ('delete', old.id, old.search_name, old.search_text); "
        f"INSERT INTO {_FTS}(rowid, search_name, search_text) VALUES (new.id, new.search_name, new.search_text); "
        "END"
    ),
}
# Stored generated columns: splitting costs ~50 µs a row, too much to redo when the planner prefers a scan.
_PG_NAME_TERMS = "search_name_terms"
_PG_ALL_TERMS = "search_terms"


def index_statements(vendor: str) -> list[str]:
    """SQL that creates the search index on this database vendor (idempotent)."""
    if vendor == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {_FTS} USING fts5(search_name, search_text, "
            f"content='{_VERSION_TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            *_SQLITE_TRIGGERS.values(),
            f"INSERT INTO {_FTS}({_FTS}) VALUES ('rebuild')",
        ]
    if vendor == "postgresql":
        return [
            f"ALTER TABLE {_VERSION_TABLE} ADD COLUMN IF NOT EXISTS {_PG_NAME_TERMS} text[] GENERATED ALWAYS AS "
            f"(regexp_split_to_array(search_name, '{_SPLIT}')) STORED",
            f"ALTER TABLE {_VERSION_TABLE} ADD COLUMN IF NOT EXISTS {_PG_ALL_TERMS} text[] GENERATED ALWAYS AS "
            f"(regexp_split_to_array(search_name || ' ' || search_text, '{_SPLIT}')) STORED",
            f"CREATE INDEX IF NOT EXISTS catalog_pv_name_terms ON {_VERSION_TABLE} USING gin ({_PG_NAME_TERMS})",
            f"CREATE INDEX IF NOT EXISTS catalog_pv_all_terms ON {_VERSION_TABLE} USING gin ({_PG_ALL_TERMS})",
            "CREATE INDEX IF NOT EXISTS catalog_procedure_code_prefix ON catalog_procedure (code varchar_pattern_ops)",
        ]
    return []


def drop_index_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [*(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS), f"DROP TABLE IF EXISTS {_FTS}"]
    if vendor == "postgresql":
        return ["DROP INDEX IF EXISTS catalog_pv_name_terms", "DROP INDEX IF EXISTS catalog_pv_all_terms",
                "DROP INDEX IF EXISTS catalog_procedure_code_prefix",
                f"ALTER TABLE {_VERSION_TABLE} DROP COLUMN IF EXISTS {_PG_NAME_TERMS}",
                f"ALTER TABLE {_VERSION_TABLE} DROP COLUMN IF EXISTS {_PG_ALL_TERMS}"]
    return []


_checked: set[str] = set()


def ensure_index(using: str | None = None) -> None:
    """Recreate the SQLite triggers if they are gone, once per process and database.

    Django rebuilds a SQLite table to alter it (copy, drop, rename), which drops its triggers; a later migration
    on ProcedureVersion would silently stop the index from following writes. This puts them back and rebuilds.
    """
    alias = using or router.db_for_read(m.ProcedureVersion)
    conn = connections[alias]
    key = f"{alias}:{conn.settings_dict.get('NAME')}"
    if key in _checked or conn.vendor != "sqlite":
        return
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'catalog_search_%'")
        present = {row[0] for row in cur.fetchall()}
        if present != set(_SQLITE_TRIGGERS):
            for sql in index_statements("sqlite"):
                cur.execute(sql)
    _checked.add(key)


# -- query ----------------------------------------------------------------------------------------------------


def query_terms(q: str | None) -> list[str]:
    """The folded terms of a query, as the index splits text: ``"Đăng ký khai-sinh"`` → ``dang, ky, khai, sinh``."""
    seen: dict[str, None] = {}
    for t in _TERM.findall(fold(q)):
        seen.setdefault(t, None)
    return list(seen)[:MAX_TERMS]


def code_query(q: str | None) -> str:
    """The query as a (partial) procedure code, upper-cased like stored codes (``1.000948.H38``), or ``""``."""
    q = (q or "").strip()
    return q.upper() if _CODE_LIKE.match(q) else ""


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search. Every field is optional; ``None`` means no filter."""

    level: str | None = None
    """A ``Level`` value: versions carried out at that level."""
    sector: str | None = None
    """A ``Sector.slug``."""
    agency: str | None = None
    """A ``units.Agency.code``: versions naming that agency in any role."""
    province: int | None = None
    """A province's statistical code: its localised copies, and the national procedures carried out at province
    or commune level that it has not localised."""
    online_level: str | None = None
    """An ``OnlineLevel`` value."""


@dataclass
class SearchResult:
    """What a search returns: ``versions`` to paginate (a lazy QuerySet in rank order, procedure and sector
    joined), the terms used, and :meth:`suggestions` for when it is empty."""

    q: str
    terms: list[str]
    versions: QuerySet[m.ProcedureVersion]
    _suggestions: list[str] | None = field(default=None, repr=False)

    def suggestions(self, limit: int = 5) -> list[str]:
        """Close names when a query found nothing (computed on first call; empty without a query)."""
        if self._suggestions is None:
            self._suggestions = suggest_names(self.q, limit) if self.q.strip() else []
        return self._suggestions


def _match_ids(vendor: str, terms: list[str], *, name_only: bool) -> RawSQL:
    """A subquery of the ids of versions holding every term (in the name, or in the name and other fields)."""
    if vendor == "postgresql":
        column = _PG_NAME_TERMS if name_only else _PG_ALL_TERMS
        return RawSQL(f"SELECT id FROM {_VERSION_TABLE} WHERE {column} @> %s::text[]", (terms,))
    if vendor == "sqlite":
        expr = " ".join(f'"{t}"' for t in terms)  # terms are [0-9a-z]+: nothing to escape
        if name_only:
            expr = f"search_name : ({expr})"
        return RawSQL(f"SELECT rowid FROM {_FTS} WHERE {_FTS} MATCH %s", (expr,))
    raise NotImplementedError(f"catalog search does not support the {vendor} database")


def search_procedures(q: str | None = "", filters: SearchFilters | None = None, *,
                      using: str | None = None) -> SearchResult:
    """Current published versions matching ``q`` and ``filters``, best first (see the module docstring).

    The returned ``versions`` QuerySet is lazy and paginates with Django's or DRF's paginators (one query for the
    count, one for the page). Use ``versions_with_components`` on a page when the components are needed.
    """
    q = q or ""
    filters = filters or SearchFilters()
    alias = using or router.db_for_read(m.ProcedureVersion)
    vendor = connections[alias].vendor
    qs = (m.ProcedureVersion.objects.using(alias)
          .filter(_current(alias, vendor))
          .select_related("procedure", "sector")
          .only(*LIST_FIELDS))
    qs = _apply_filters(qs, filters)

    terms = query_terms(q)
    code = code_query(q)
    if not q.strip():
        return SearchResult(q, terms, qs.order_by("procedure__code"))
    if not terms and not code:
        return SearchResult(q, terms, qs.none())

    ensure_index(alias)
    match = Q()
    rank = []
    if code:
        # A range is a prefix test SQLite can answer from the unique index on code (codes are ASCII).
        match |= (Q(procedure__code__gte=code, procedure__code__lt=code + "\uffff") if vendor == "sqlite"
                  else Q(procedure__code__startswith=code))
        rank += [When(procedure__code=code, then=Value(0)), When(procedure__code__startswith=code, then=Value(1))]
    folded = fold(q)
    rank.append(When(search_name=folded, then=Value(2)))
    if terms and not code:  # a code is matched on codes only, not on the words "1" and "000080" in texts
        match |= Q(pk__in=_match_ids(vendor, terms, name_only=False))
        rank.append(When(pk__in=_match_ids(vendor, terms, name_only=True), then=Value(3)))
    phrase = " ".join(terms)
    qs = (qs.filter(match)
          .annotate(rank=Case(*rank, default=Value(4), output_field=IntegerField()),
                    name_length=Length("search_name"),
                    phrase=Case(When(search_name__contains=phrase, then=Value(True)), default=Value(False),
                                output_field=BooleanField()) if phrase else Value(False))
          .order_by("rank", "name_length", "-phrase", "procedure__code"))
    return SearchResult(q, terms, qs)


def _current(alias: str, vendor: str) -> Q:
    if vendor == "postgresql":
        # "id IN (current ids)" rather than a join on both procedure_id and current_version_id: PostgreSQL
        # estimates that join at one row and then plans nested loops over every version.
        return Q(pk__in=m.Procedure.objects.using(alias).filter(current_version__isnull=False)
                 .values("current_version_id"))
    return Q(procedure__current_version=F("pk"))


def _apply_filters(qs: QuerySet[m.ProcedureVersion], f: SearchFilters) -> QuerySet[m.ProcedureVersion]:
    if f.level:
        qs = qs.filter(levels__contains=f.level)  # level values are distinct words: no value contains another
    if f.sector:
        qs = qs.filter(sector__slug=f.sector)
    if f.online_level:
        qs = qs.filter(online_level=f.online_level)
    if f.agency:
        qs = qs.filter(Exists(m.VersionAgency.objects.filter(version_id=OuterRef("pk"), agency__code=f.agency)))
    if f.province is not None:
        suffix = f".H{f.province:02d}"
        localised = Q(procedure__province__code=f.province, procedure__province__level="province") | Q(
            procedure__code__endswith=suffix)
        has_own_copy = Exists(m.Procedure.objects.filter(national_id=OuterRef("procedure_id"),
                                                         current_version__isnull=False)
                              .filter(Q(province__code=f.province, province__level="province")
                                      | Q(code__endswith=suffix)))
        national = (Q(procedure__province__isnull=True) & ~Q(procedure__code__contains=".H")
                    & (Q(levels__contains=m.Level.PROVINCE) | Q(levels__contains=m.Level.COMMUNE))
                    & ~has_own_copy)
        qs = qs.filter(localised | national)
    return qs


# -- suggestions ----------------------------------------------------------------------------------------------


@dataclass
class _NameIndex:
    fingerprint: tuple
    names: list[str]  # display names, one per distinct folded name
    lengths: list[int]
    positions: list[dict[str, int]]  # per name: word -> first position
    postings: dict[str, list[int]]  # word -> indexes into names
    by_length: dict[int, list[str]]  # vocabulary by word length, for close-word lookups


_name_index: dict[str, _NameIndex] = {}
_name_lock = threading.Lock()


def _fingerprint(alias: str) -> tuple:
    """Changes whenever a version is written or a procedure's current version changes; two aggregate queries."""
    versions = m.ProcedureVersion.objects.using(alias).aggregate(n=Count("id"), t=Max("updated_at"))
    current = m.Procedure.objects.using(alias).aggregate(s=Sum("current_version_id"), n=Count("current_version_id"))
    return versions["n"], versions["t"], current["s"], current["n"]


def _names(alias: str) -> _NameIndex:
    fp = _fingerprint(alias)
    index = _name_index.get(alias)
    if index is not None and index.fingerprint == fp:
        return index
    with _name_lock:
        rows = (m.ProcedureVersion.objects.using(alias).filter(procedure__current_version=F("pk"))
                .order_by("search_name", "procedure__code").values_list("search_name", "name"))
        names, lengths, positions = [], [], []
        postings: dict[str, list[int]] = defaultdict(list)
        last = None
        for folded, name in rows.iterator(chunk_size=2000):
            if folded == last or not folded:
                continue
            last = folded
            words = _TERM.findall(folded)
            pos: dict[str, int] = {}
            for i, w in enumerate(words):
                pos.setdefault(w, i)
            idx = len(names)
            for w in pos:
                postings[w].append(idx)
            names.append(name)
            lengths.append(len(folded))
            positions.append(pos)
        by_length: dict[int, list[str]] = defaultdict(list)
        for w in postings:
            by_length[len(w)].append(w)
        index = _NameIndex(fp, names, lengths, positions, dict(postings), dict(by_length))
        _name_index[alias] = index
    return index


def _close_words(term: str, index: _NameIndex) -> dict[str, float]:
    """The term itself when the names use it, else up to three close words with their similarity."""
    if term in index.postings:
        return {term: 1.0}
    pool = [w for n in range(max(1, len(term) - 2), len(term) + 3) for w in index.by_length.get(n, ())]
    matcher = difflib.SequenceMatcher(b=term, autojunk=False)
    scored = []
    for w in pool:
        matcher.set_seq1(w)
        if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7:
            r = matcher.ratio()
            if r >= 0.7:
                scored.append((r, w))
    scored.sort(reverse=True)
    return {w: r for r, w in scored[:3]}


def suggest_names(q: str, limit: int = 5, *, using: str | None = None) -> list[str]:
    """Names of current procedures close to ``q``: each term corrected to close words of the names' vocabulary,
    names ranked by how well they cover the corrected terms (then terms in order, then shorter names)."""
    terms = query_terms(q)
    if not terms:
        return []
    index = _names(using or router.db_for_read(m.ProcedureVersion))
    best: list[dict[int, tuple[float, str]]] = []
    for t in terms:
        per_name: dict[int, tuple[float, str]] = {}
        for word, sim in _close_words(t, index).items():
            for idx in index.postings[word]:
                if per_name.get(idx, (0.0, ""))[0] < sim:
                    per_name[idx] = (sim, word)
        best.append(per_name)
    totals: dict[int, float] = defaultdict(float)
    for per_name in best:
        for idx, (sim, _word) in per_name.items():
            totals[idx] += sim
    needed = max(1.0, 0.6 * len(terms))
    candidates = [idx for idx, total in totals.items() if total >= needed]

    def in_order(idx: int) -> int:
        pos = [index.positions[idx].get(b[idx][1]) for b in best if idx in b]
        return int(all(a < b for a, b in itertools.pairwise(pos)))

    candidates.sort(key=lambda idx: (-round(totals[idx], 3), -in_order(idx), index.lengths[idx], index.names[idx]))
    return [index.names[idx] for idx in candidates[:limit]]
