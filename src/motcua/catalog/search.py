"""Search the catalog: diacritics-insensitive full-text search over current published versions, ranked, filtered,
with "did you mean" names when nothing matches.

Matching. The query is folded (``core.text.fold``: lower case, no diacritics, đ → d) and cut into terms, runs of
``[0-9a-z]``. A version matches when every term is a whole term of its folded name or its other fields
(``search_name`` / ``search_text``, maintained by ``services.upsert_records``), or when the query looks like a code
and the procedure code starts with it.

Ranking:

0. the code, exactly;  1. a code starting with the query;  2. the name, exactly (folded);
3. every term in the name;  4. the terms spread over the other fields (sector, agencies, documents, results,
   legal basis, subjects).

Within a tier: shorter names first (the general procedure before its special cases: "Đăng ký khai sinh", then
"Đăng ký lại khai sinh", then "Đăng ký khai sinh có yếu tố nước ngoài"), then names holding the query as a phrase,
then code order. Without a query, code order.

Design: a per-process in-memory inverted index. The catalog is small (tens of thousands of current versions) and
read far more than written, but common short words match most of it ("cap" matches 12,859 of 20,000 versions): in
SQL the cost of such a query is not the index lookup but reading and rechecking the wide version rows (and, on
PostgreSQL, detoasting the term arrays a GIN ``@>`` rechecks), then counting and sorting every match; measured over
HTTP that gave p50 63 / p95 224 ms on PostgreSQL and p50 46 / p95 97 ms on SQLite. Here the index holds, per current
version, a position in (name length, code) order, its folded name, code and filter values, and per term a sorted
``array('I')`` of the positions holding it (in the name; anywhere). A query intersects the posting lists (Python
sets), splits the matches into the rank tiers, and orders only as much of a tier as the requested page needs: within
a tier the positions are already in (name length, code) order, and the phrase test only reorders names of the same
length. Only the page's rows are read from the database, by id. The same code runs on SQLite and PostgreSQL, so both
give the same results (checked on the 20,000-version benchmark catalog, 272 query and filter sets: the same counts
and pages as the SQL search it replaced, and the same on PostgreSQL as on SQLite). The alternatives weighed, not
built: a term side table or tsvector columns still count and sort every match in SQL, need an implementation per
database, and a side table needs every writer.

Freshness. Triggers (migration 0003) set a random token in the one-row table ``catalog_search_stamp`` on every
write to versions, procedures and sectors (statement-level on PostgreSQL, row-level on SQLite), whoever writes
(the importer, publishing, the admin, a shell). Each search reads that token (one single-row query) and rebuilds
the index when it differs from the one it was built at. A random token rather than a counter, so that a rolled
back write cannot leave behind an index that matches a later, different write. The first search after a write
rebuilds (0.9 s on SQLite, 1.3 s on PostgreSQL at 20,000 versions) and serves its page from the rows just read.
Memory per process at 20,000 versions (tracemalloc): 19.4 MiB kept, about 100 MiB at the peak of a rebuild.
Writing transactions on PostgreSQL queue on the stamp row (fine for a catalog written by few). Filters by agency
or province, which join other tables, are one narrow SQL query for the ids they allow.

Suggestions. When nothing matches, :func:`suggest_names` corrects each term to close words of the names'
vocabulary (difflib) and returns the names that best cover the corrected terms. It works on a second in-memory
index of the distinct folded names, built on first use and rebuilt when the token changes.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import math
import re
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from motcua.core.text import fold

from . import models as m

MAX_TERMS = 12
"""Terms beyond this are ignored: no procedure name needs more to be found, and it bounds the cost of a query."""

LIST_FIELDS = ("id", "number", "name", "levels", "online_level", "status", "procedure__id", "procedure__code",
               "sector__id", "sector__name", "sector__slug")
"""The columns a result list needs: a page reads narrow rows, not the verbatim source record."""

_TERM = re.compile(r"[0-9a-z]+")
_CODE_LIKE = re.compile(r"^\d+(?:\.[0-9A-Za-z]*)*$")
FETCH_CHUNK = 2000
"""Ids per query when reading rows by id (SQLite limits the number of parameters)."""

# -- the change stamp (migration 0003; the SQLite triggers are repaired at first use) ---------------------------

STAMP_TABLE = "catalog_search_stamp"
WATCHED_TABLES = ("catalog_procedureversion", "catalog_procedure", "catalog_sector")
"""Writes to these change what the index holds: names, search columns, filter values, which version is current."""
_OPS = ("insert", "update", "delete")


def _sqlite_triggers() -> dict[str, str]:
    return {
        f"catalog_search_stamp_{table.removeprefix('catalog_')}_{op}": (
            f"CREATE TRIGGER IF NOT EXISTS catalog_search_stamp_{table.removeprefix('catalog_')}_{op} "
            f"AFTER {op.upper()} ON {table} BEGIN UPDATE {STAMP_TABLE} SET token = random() WHERE id = 1; END"
        )
        for table in WATCHED_TABLES for op in _OPS
    }


def index_statements(vendor: str) -> list[str]:
    """SQL that creates the change stamp and its triggers on this database vendor (idempotent)."""
    if vendor == "sqlite":
        return [
            f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id integer PRIMARY KEY, token integer NOT NULL)",
            f"INSERT OR IGNORE INTO {STAMP_TABLE} (id, token) VALUES (1, random())",
            *_sqlite_triggers().values(),
            f"UPDATE {STAMP_TABLE} SET token = random() WHERE id = 1",
        ]
    if vendor == "postgresql":
        statements = [
            f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (id integer PRIMARY KEY, token bigint NOT NULL)",
            f"INSERT INTO {STAMP_TABLE} (id, token) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
            "CREATE OR REPLACE FUNCTION catalog_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {STAMP_TABLE} SET token = floor(random() * 9e15)::bigint WHERE id = 1; RETURN NULL; END $$",
        ]
        for table in WATCHED_TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS catalog_search_touch ON {table}",
                f"CREATE TRIGGER catalog_search_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_touch()",
            ]
        statements.append(f"UPDATE {STAMP_TABLE} SET token = floor(random() * 9e15)::bigint WHERE id = 1")
        return statements
    return []


def drop_index_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [*(f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_triggers()),
                f"DROP TABLE IF EXISTS {STAMP_TABLE}"]
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS catalog_search_touch ON {table}" for table in WATCHED_TABLES),
                "DROP FUNCTION IF EXISTS catalog_search_touch()", f"DROP TABLE IF EXISTS {STAMP_TABLE}"]
    return []


_checked: set[str] = set()


def _key(alias: str) -> str:
    return f"{alias}:{connections[alias].settings_dict.get('NAME')}"


def ensure_index(using: str | None = None) -> None:
    """Recreate the SQLite stamp triggers if they are gone, once per process and database.

    Django rebuilds a SQLite table to alter it (copy, drop, rename), which drops its triggers; a later migration
    on a watched table would silently stop the stamp from following writes, and searches would serve a stale index.
    """
    alias = using or router.db_for_read(m.ProcedureVersion)
    conn = connections[alias]
    key = _key(alias)
    if key in _checked or conn.vendor != "sqlite":
        return
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'catalog_search_stamp_%'")
        present = {row[0] for row in cur.fetchall()}
        if present != set(_sqlite_triggers()):
            for sql in index_statements("sqlite"):
                cur.execute(sql)
    _checked.add(key)


def _stamp(alias: str) -> int | None:
    """The token the triggers set on every write to the watched tables: one single-row query."""
    with connections[alias].cursor() as cur:
        cur.execute(f"SELECT token FROM {STAMP_TABLE} WHERE id = 1")
        row = cur.fetchone()
    return row[0] if row else None


# -- the index ----------------------------------------------------------------------------------------------------

_ROW_FIELDS = ("id", "number", "name", "levels", "online_level", "status", "procedure_id", "procedure__code",
               "sector_id", "sector__name", "sector__slug", "search_name", "search_text")


@dataclass(eq=False)
class _Index:
    """Current versions at one stamp. A position is a version's rank in (folded name length, code) order."""

    token: int | None
    ids: array  # position -> version id
    codes: list[str]  # position -> procedure code
    names: list[str]  # position -> folded name
    length_start: array  # name length n -> first position whose name is at least n long
    terms: dict[str, array]  # term -> sorted positions holding it in the name or the other fields
    name_terms: dict[str, array]  # term -> sorted positions holding it in the name
    code_order: list[str]  # codes, sorted
    code_positions: array  # positions in code order
    levels: list[str]
    online_levels: list[str]
    sectors: list[str]  # sector slug, "" for none
    position_of: dict[int, int] = field(default_factory=dict)  # version id -> position
    _filter_sets: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def length_range(self, n: int) -> tuple[int, int]:
        """Positions of the names exactly ``n`` characters long."""
        last = len(self.length_start) - 1
        return self.length_start[min(n, last)], self.length_start[min(n + 1, last)]

    def filter_set(self, kind: str, value: str) -> frozenset[int]:
        """Positions whose level/online level/sector is ``value`` (cached: few values, each a set of positions)."""
        key = (kind, value)
        found = self._filter_sets.get(key)
        if found is None:
            if kind == "level":  # a comma-separated list of distinct words: no value contains another
                found = frozenset(p for p, v in enumerate(self.levels) if value in v)
            else:
                column = self.online_levels if kind == "online_level" else self.sectors
                found = frozenset(p for p, v in enumerate(column) if v == value)
            self._filter_sets[key] = found
        return found


_indexes: dict[str, _Index] = {}
_index_lock = threading.Lock()


def _current_versions(alias: str) -> QuerySet[m.ProcedureVersion]:
    return m.ProcedureVersion.objects.using(alias).filter(_current(alias, connections[alias].vendor))


def _build(alias: str, token: int | None) -> tuple[_Index, dict[int, tuple]]:
    """Read every current version once; also return the list columns by position for the first page."""
    # Versions share most of their text (a province's localised copy repeats the national procedure's, the code
    # aside): the terms of each distinct text are collected once, and its versions added to them in one go. The
    # rows are streamed so that only the distinct texts are held, not every version's.
    rows: list[tuple] = []
    by_text: dict[str, list[int]] = defaultdict(list)  # text without its first word -> row numbers
    heads: list[str] = []  # the text's first word: the code
    qs = _current_versions(alias).order_by().values_list(*_ROW_FIELDS)
    for i, r in enumerate(qs.iterator(chunk_size=FETCH_CHUNK)):
        rows.append(r[:12])
        head, _, rest = r[12].partition(" ")
        heads.append(head)
        by_text[rest].append(i)
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i][11]), rows[i][7]))
    rows = [rows[i] for i in order]
    heads = [heads[i] for i in order]
    position = array("I", bytes(4 * len(order)))
    for p, i in enumerate(order):
        position[i] = p

    intern: dict[str, str] = {}
    terms: dict[str, list[int]] = defaultdict(list)
    name_terms: dict[str, list[int]] = defaultdict(list)
    own_terms: list[set[str]] = []  # per position: terms of its name and of its code
    ids, codes, names, levels, online_levels, sectors, length_start = array("I"), [], [], [], [], [], array("I")
    for p, r in enumerate(rows):
        folded = r[11]
        ids.append(r[0])
        codes.append(r[7])
        names.append(folded)
        levels.append(intern.setdefault(r[3], r[3]))
        online_levels.append(intern.setdefault(r[4], r[4]))
        sectors.append(intern.setdefault(r[10] or "", r[10] or ""))
        while len(length_start) <= len(folded):
            length_start.append(p)
        in_name = set(_TERM.findall(folded))
        for t in in_name:
            name_terms[t].append(p)
        own_terms.append(in_name.union(_TERM.findall(heads[p])))
    for rest, numbers in by_text.items():
        shared = set(_TERM.findall(rest))
        positions = [position[i] for i in numbers]
        for t in shared:
            terms[t] += positions
        for p in positions:
            for t in own_terms[p].difference(shared):
                terms[t].append(p)
    length_start.append(len(rows))
    length_start.append(len(rows))
    by_code = sorted(range(len(rows)), key=codes.__getitem__)
    index = _Index(
        token=token, ids=ids, codes=codes, names=names, length_start=length_start,
        terms={t: array("I", sorted(terms.pop(t))) for t in list(terms)},  # pop: one list and its copy at a time
        name_terms={t: array("I", ps) for t, ps in name_terms.items()},
        code_order=[codes[p] for p in by_code], code_positions=array("I", by_code),
        levels=levels, online_levels=online_levels, sectors=sectors,
        position_of={vid: p for p, vid in enumerate(ids)},
    )
    return index, {p: r[:11] for p, r in enumerate(rows)}


def _index(alias: str) -> tuple[_Index, dict[int, tuple] | None]:
    """The index at the database's current stamp, and the rows it was built from when this call built it."""
    ensure_index(alias)
    token = _stamp(alias)
    key = _key(alias)
    index = _indexes.get(key)
    if index is not None and index.token == token:
        return index, None
    with _index_lock:
        index = _indexes.get(key)
        if index is not None and index.token == token:
            return index, None
        index, rows = _build(alias, token)
        _indexes[key] = index
    return index, rows


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


class RankedVersions(Sequence):
    """Search results in rank order: a lazy sequence of ``ProcedureVersion`` (procedure and sector joined, only
    the list columns loaded) for Django's paginator. ``count()`` costs nothing; a slice reads its rows by id."""

    def __init__(self, alias: str, index: _Index | None, tiers: list[list[int]], phrase: str,
                 rows: dict[int, tuple] | None = None):
        self._alias = alias
        self._index = index
        self._tiers = [t for t in tiers if t]
        self._phrase = phrase
        self._rows = rows
        self._count = sum(len(t) for t in self._tiers)

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def exists(self) -> bool:
        return self._count > 0

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"<RankedVersions: {self._count} versions>"

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._count)
            if step != 1:
                return self._fetch(self.positions(start, stop))[::step]
            return self._fetch(self.positions(start, stop))
        if key < 0:
            key += self._count
        if not 0 <= key < self._count:
            raise IndexError("search result index out of range")
        return self._fetch(self.positions(key, key + 1))[0]

    def __iter__(self) -> Iterator[m.ProcedureVersion]:
        for start in range(0, self._count, FETCH_CHUNK):
            yield from self[start:start + FETCH_CHUNK]

    def ids(self) -> list[int]:
        """Every version id, in rank order."""
        return [self._index.ids[p] for p in self.positions(0, self._count)] if self._index else []

    def positions(self, start: int, stop: int) -> list[int]:
        """Index positions of ranks ``start`` to ``stop`` (exclusive)."""
        out: list[int] = []
        offset = 0
        for tier in self._tiers:
            if stop <= offset:
                break
            if start < offset + len(tier):
                out += self._tier_slice(tier, max(start - offset, 0), min(stop - offset, len(tier)))
            offset += len(tier)
        return out

    def _tier_slice(self, tier: list[int], a: int, b: int) -> list[int]:
        """Ranks ``a`` to ``b`` of a tier: its positions are in (name length, code) order; among names of the
        same length, those holding the phrase come first. Only the length groups overlapping a..b are looked at."""
        index, phrase = self._index, self._phrase
        if not phrase:
            return tier[a:b]
        names = index.names
        out: list[int] = []
        i = bisect.bisect_left(tier, index.length_range(len(names[tier[a]]))[0])  # start of a's length group
        while i < b:
            end = bisect.bisect_left(tier, index.length_range(len(names[tier[i]]))[1], i)
            group = tier[i:end]
            with_phrase = [p for p in group if phrase in names[p]]
            if with_phrase and len(with_phrase) < len(group):
                group = with_phrase + [p for p in group if phrase not in names[p]]
            lo, hi = max(a - i, 0), min(b - i, len(group))
            out += group[lo:hi]
            i = end
        return out

    def _fetch(self, positions: list[int]) -> list[m.ProcedureVersion]:
        if not positions:
            return []
        if self._rows is not None:
            return [_version_from_row(self._alias, self._rows[p]) for p in positions]
        ids = [self._index.ids[p] for p in positions]
        found: dict[int, m.ProcedureVersion] = {}
        for i in range(0, len(ids), FETCH_CHUNK):
            qs = (m.ProcedureVersion.objects.using(self._alias).filter(pk__in=ids[i:i + FETCH_CHUNK])
                  .select_related("procedure", "sector").only(*LIST_FIELDS).order_by())
            found.update((v.pk, v) for v in qs)
        return [found[i] for i in ids if i in found]  # a version deleted since the index was read is left out


def _version_from_row(alias: str, row: tuple) -> m.ProcedureVersion:
    """The version a page query would load (``LIST_FIELDS``), from the row the index was just built from."""
    vid, number, name, levels, online_level, status, procedure_id, code, sector_id, sector_name, slug = row
    v = _from_db(m.ProcedureVersion, alias, {
        "id": vid, "number": number, "name": name, "levels": levels, "online_level": online_level,
        "status": status, "procedure_id": procedure_id, "sector_id": sector_id})
    v.procedure = _from_db(m.Procedure, alias, {"id": procedure_id, "code": code})
    v.sector = _from_db(m.Sector, alias, {"id": sector_id, "name": sector_name, "slug": slug}) if sector_id else None
    return v


def _from_db(model, alias: str, values: dict):
    """An instance as a query with ``.only(*values)`` would load it (``from_db`` wants the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[n] for n in names])


@dataclass
class SearchResult:
    """What a search returns: ``versions`` to paginate (a lazy sequence in rank order, see
    :class:`RankedVersions`), the terms used, and :meth:`suggestions` for when it is empty."""

    q: str
    terms: list[str]
    versions: RankedVersions
    _suggestions: list[str] | None = field(default=None, repr=False)
    _using: str | None = field(default=None, repr=False)
    relevant: RankedVersions | None = None
    """The matches above the relevance floor (``versions`` without ``weak``); ``versions`` when not split."""
    weak: RankedVersions | None = None
    """Matches below the floor: the query's words only in other fields (shown apart); empty when not split."""

    def __post_init__(self) -> None:
        if self.relevant is None:
            self.relevant = self.versions
        if self.weak is None:
            self.weak = RankedVersions(self._using or "default", None, [], "")

    def suggestions(self, limit: int = 5) -> list[str]:
        """Close names when a query found nothing (computed on first call; empty without a query)."""
        if self._suggestions is None:
            self._suggestions = suggest_names(self.q, limit, using=self._using) if self.q.strip() else []
        return self._suggestions


def search_procedures(q: str | None = "", filters: SearchFilters | None = None, *,
                      using: str | None = None) -> SearchResult:
    """Current published versions matching ``q`` and ``filters``, best first (see the module docstring).

    The returned ``versions`` is lazy and paginates with Django's paginator: the count is known without a query,
    a page is one query for its rows. Use ``versions_with_components`` on a page when the components are needed.
    """
    q = q or ""
    filters = filters or SearchFilters()
    alias = using or router.db_for_read(m.ProcedureVersion)
    terms = query_terms(q)
    code = code_query(q)
    if q.strip() and not terms and not code:
        return SearchResult(q, terms, RankedVersions(alias, None, [], ""), _using=alias)

    index, rows = _index(alias)
    allowed = _allowed(alias, index, filters)
    if not q.strip():
        order = [p for p in index.code_positions if allowed is None or p in allowed]
        return SearchResult(q, terms, _by_rank(alias, index, [order], "", rows), _using=alias)

    phrase = " ".join(terms)
    if code:  # a code is matched on codes only, not on the words "1" and "000080" in texts
        lo = bisect.bisect_left(index.code_order, code)
        hi = bisect.bisect_left(index.code_order, code + "\uffff", lo)
        exact = [p for p in index.code_positions[lo:hi] if index.codes[p] == code]
        prefix = sorted(p for p in index.code_positions[lo:hi] if index.codes[p] != code)
        tiers = [exact, prefix]
    else:
        matched = _all_of(index.terms, terms)
        if allowed is not None:
            matched &= allowed
        in_name = _all_of(index.name_terms, terms) & matched
        folded = _plain(fold(q))
        exact = sorted(p for p in in_name if _plain(index.names[p]) == folded)
        rest = in_name.difference(exact)
        as_phrase = sorted(p for p in rest if _holds(index.names[p], phrase))
        related, weak = _related(index, terms, matched - in_name)
        tiers = [exact, as_phrase, sorted(rest.difference(as_phrase)), *related]
        return SearchResult(q, terms, _by_rank(alias, index, [*tiers, weak], phrase, rows), _using=alias,
                            relevant=_by_rank(alias, index, tiers, phrase, rows),
                            weak=_by_rank(alias, index, [weak], phrase, rows))
    if code and allowed is not None:
        tiers = [[p for p in t if p in allowed] for t in tiers]
    return SearchResult(q, terms, _by_rank(alias, index, tiers, phrase, rows), _using=alias)


# -- relevance floor (issue 14 point 12) -------------------------------------------------------------------------

RELEVANCE_FLOOR = 0.5
"""Share of the query's weight a name must hold for a match found only in other fields to count as relevant."""

_LEADING = ("thu tuc ",)


def _plain(folded_name: str) -> str:
    """A folded name as words only, without the portal's habitual "Thủ tục" before the name itself."""
    text = " ".join(_TERM.findall(folded_name))
    for lead in _LEADING:
        if text.startswith(lead):
            return text[len(lead):]
    return text


def _holds(folded_name: str, phrase: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {' '.join(_TERM.findall(folded_name))} "


def _related(index: _Index, terms: list[str], candidates: set[int]) -> tuple[list[list[int]], list[int]]:
    """Matches whose name lacks some query term, split by how much of the query their name carries.

    Vietnamese words are mostly two syllables, so the query is weighed by its pairs of adjacent terms ("ket hon",
    not "ket" and "hon" apart; one term on its own), each weighted by how rare it is among names (inverse document
    frequency: "dang ky" is in hundreds of names, "khai sinh" in a few). A match whose name holds at least
    ``RELEVANCE_FLOOR`` of that weight is related (in tiers, best share first); the rest only mention the terms
    somewhere in their documents, legal basis or results ("Tàu biển quá cảnh" for "đăng ký khai sinh") and are
    returned apart, in name order."""
    if not candidates:
        return [], []
    units = [f"{a} {b}" for a, b in itertools.pairwise(terms)] or list(terms)
    units = list(dict.fromkeys(units))
    words = {p: f" {' '.join(_TERM.findall(index.names[p]))} " for p in candidates}
    total = len(index)
    weights = {}
    for unit in units:
        if " " in unit:
            frequency = sum(1 for name in index.names if unit in name)  # a superset of the whole-word matches
        else:
            frequency = len(index.name_terms.get(unit, ()))
        weights[unit] = math.log((total + 1) / (frequency + 1)) + 1e-6
    whole = sum(weights.values())
    buckets: dict[float, list[int]] = defaultdict(list)
    weak: list[int] = []
    for p in candidates:
        share = sum(w for unit, w in weights.items() if f" {unit} " in words[p]) / whole
        if share >= RELEVANCE_FLOOR:
            buckets[round(share, 3)].append(p)
        else:
            weak.append(p)
    return [sorted(buckets[k]) for k in sorted(buckets, reverse=True)], sorted(weak)


def _by_rank(alias: str, index: _Index, tiers: list[list[int]], phrase: str,
             rows: dict[int, tuple] | None) -> RankedVersions:
    return RankedVersions(alias, index, tiers, phrase, rows)


def _all_of(postings: dict[str, array], terms: list[str]) -> set[int]:
    """Positions holding every term: the posting lists intersected, shortest first."""
    lists = [postings.get(t) for t in terms]
    if not lists or any(ps is None for ps in lists):
        return set()
    lists.sort(key=len)
    found = set(lists[0])
    for ps in lists[1:]:
        if not found:
            break
        found.intersection_update(ps)
    return found


def _allowed(alias: str, index: _Index, f: SearchFilters) -> set[int] | frozenset[int] | None:
    """Positions the filters allow, ``None`` when there is no filter."""
    sets: list[frozenset[int] | set[int]] = []
    if f.level:
        sets.append(index.filter_set("level", f.level))
    if f.online_level:
        sets.append(index.filter_set("online_level", f.online_level))
    if f.sector:
        sets.append(index.filter_set("sector", f.sector))
    if f.agency or f.province is not None:  # joins other tables: one narrow query for the ids they allow
        qs = _apply_filters(_current_versions(alias), SearchFilters(agency=f.agency, province=f.province))
        position_of = index.position_of
        sets.append({position_of[i] for i in qs.order_by().values_list("id", flat=True) if i in position_of})
    if not sets:
        return None
    sets.sort(key=len)
    allowed = set(sets[0])
    for s in sets[1:]:
        allowed &= s
    return allowed


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
    fingerprint: int | None  # the stamp it was built at
    names: list[str]  # display names, one per distinct folded name
    lengths: list[int]
    positions: list[dict[str, int]]  # per name: word -> first position
    postings: dict[str, list[int]]  # word -> indexes into names
    by_length: dict[int, list[str]]  # vocabulary by word length, for close-word lookups


_name_index: dict[str, _NameIndex] = {}  # by alias and database name
_name_lock = threading.Lock()


def _names(alias: str) -> _NameIndex:
    ensure_index(alias)
    fp = _stamp(alias)
    key = _key(alias)
    index = _name_index.get(key)
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
        _name_index[key] = index
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
