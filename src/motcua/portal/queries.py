"""Reads behind the portal pages: home figures, sectors with counts, filter choices and catalog search.

``search`` is the one place the pages ask for ranked results: it calls ``motcua.catalog.search.search_procedures``
(ranking, filters, "did you mean"). Should that module be missing from an install, a plain folded-text filter over
the search columns that ``catalog.services`` keeps stands in, so the pages still work.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from motcua.catalog import models as m
from motcua.catalog.queries import current_versions
from motcua.core.text import terms, vn_sort_key

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class HomeFigures:
    procedures: int
    online_full: int
    online_partial: int


def home_figures() -> HomeFigures:
    """How many procedures are published, and how many are offered online fully or partly."""
    counts = dict(current_versions().order_by().values_list("online_level").annotate(n=Count("id")))
    return HomeFigures(
        procedures=sum(counts.values()),
        online_full=counts.get(m.OnlineLevel.FULL, 0),
        online_partial=counts.get(m.OnlineLevel.PARTIAL, 0),
    )


def sectors_with_counts() -> list[tuple[m.Sector, int]]:
    """Sectors that have at least one published procedure, by name, with that number."""
    counts = dict(
        current_versions().filter(sector__isnull=False).order_by().values_list("sector").annotate(n=Count("id"))
    )
    # Vietnamese dictionary order: "Đường bộ" after "Du lịch", not after "Việc làm" (issue 14 point 4).
    return sorted(((s, counts[s.pk]) for s in m.Sector.objects.filter(pk__in=counts)),
                  key=lambda row: vn_sort_key(row[0].name))


def sector_choices() -> list[tuple[str, str]]:
    return [(s.slug, s.name) for s, _n in sectors_with_counts()]


@dataclass(frozen=True)
class Filters:
    """Narrowing of a search, as validated from the request. Empty strings mean "any"."""

    level: str = ""  # Level value
    sector: str = ""  # Sector slug
    online_level: str = ""  # OnlineLevel value
    agency: str = ""  # units.Agency code

    def any(self) -> bool:
        return bool(self.level or self.sector or self.online_level or self.agency)


@dataclass
class SearchOutcome:
    """Matching current versions in rank order (a lazy, sliceable sequence for the paginator), with suggestions
    (names worth searching for instead) computed only when asked."""

    versions: Sequence[m.ProcedureVersion]
    _suggest: Callable[[], list[str]] = field(default=lambda: [], repr=False)
    weak: Sequence[m.ProcedureVersion] = ()
    """Matches below the relevance floor (the words only in documents, legal basis…), shown apart."""

    def suggestions(self) -> list[str]:
        return self._suggest()


def agency_choices() -> list[tuple[str, str]]:
    """Agencies (by ``units.Agency`` code) that published procedures name in any role, by name."""
    from motcua.units.models import Agency

    agencies = Agency.objects.filter(
        procedure_roles__version__in=current_versions()).distinct().values_list("code", "name")
    return sorted(agencies, key=lambda a: (vn_sort_key(a[1]), a[0]))


# -- search -----------------------------------------------------------------------------------------------------


def search(q: str, filters: Filters) -> SearchOutcome:
    """Published procedures matching ``q`` (any accents, any case) within ``filters``, best first."""
    try:
        from motcua.catalog import search as catalog_search
    except ImportError:  # an install without the catalog's search module
        return _fallback_search(q, filters)
    found = catalog_search.search_procedures(q, catalog_search.SearchFilters(
        level=filters.level or None,
        sector=filters.sector or None,
        online_level=filters.online_level or None,
        agency=filters.agency or None,
    ))
    return SearchOutcome(versions=found.relevant, _suggest=lambda: found.suggestions(MAX_SUGGESTIONS),
                         weak=found.weak)


def _fallback_search(q: str, filters: Filters) -> SearchOutcome:
    qs = current_versions().select_related("procedure", "sector")
    if filters.level:
        qs = qs.filter(levels__contains=filters.level)  # level values are not substrings of one another
    if filters.sector:
        qs = qs.filter(sector__slug=filters.sector)
    if filters.online_level:
        qs = qs.filter(online_level=filters.online_level)
    if filters.agency:
        qs = qs.filter(Exists(m.VersionAgency.objects.filter(version=OuterRef("pk"), agency__code=filters.agency)))
    words = terms(q)
    if not words:
        return SearchOutcome(versions=qs)
    for word in words:
        qs = qs.filter(Q(search_name__contains=word) | Q(search_text__contains=word))
    phrase = " ".join(words)

    def rank(v: m.ProcedureVersion) -> tuple[int, int, str]:
        tier = 0 if v.procedure.code == q.strip() else 1 if v.search_name.startswith(phrase) else 2
        return tier, len(v.search_name), v.procedure.code

    versions = sorted(qs, key=rank)
    return SearchOutcome(versions=versions, _suggest=lambda: [] if versions else _close_names(words))


def _close_names(words: list[str]) -> list[str]:
    """Names sharing most (spelling-corrected) words with the query."""
    names = list(current_versions().values_list("search_name", "name"))
    vocabulary = sorted({w for folded, _ in names for w in folded.split()})
    wanted = set(words)
    for w in words:
        wanted.update(difflib.get_close_matches(w, vocabulary, n=2, cutoff=0.75))
    scored = sorted((-len(wanted & set(folded.split())), len(name), name) for folded, name in names)
    return [name for hits, _n, name in scored if hits < 0][:MAX_SUGGESTIONS]
