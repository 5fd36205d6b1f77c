"""Issue 12 point 11: every HTML page answers hostile query strings without a server error. The test walks every
URL pattern of the site outside the JSON API (which schemathesis covers), resolved with sample arguments that name
real records, and sends each query parameter the code reads — collected from the source, so a new parameter is
covered without editing this file — with bad dates, huge numbers, non-ASCII and overlong text, as an anonymous
visitor, a citizen, an officer and a supervisor. Bounded: a few requests per pattern and role. (A NUL character is
refused before any view: test_bad_input_is_a_4xx.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.dossiers.tests.api_clients import user
from motcua.dossiers.tests.factories import procedure, submitted
from motcua.feedback.tests.factories import report

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]
SKIPPED_PREFIXES = ("api/", "admin/", "open311/", "static/", "i18n/")  # schemathesis; Django's; tested apart
# Values an attacker sends (issue 12's list and their kin); each request gives every parameter one of them, rotated.
HOSTILE = ["0001-01-01", "9999-12-31", "2026-02-30", "1e40", "9" * 40, "²", "-1", "province:²", "ab\u202e",
           "ᴴ" * 3000, "2026-13", "../../etc/passwd"]
ROUNDS = 3
ALWAYS = ["period", "scope", "from", "to", "start", "end", "page", "q", "offset", "limit", "level", "code",
          "format", "download", "agency", "procedure", "state", "as_of", "due_from", "due_to", "received_from",
          "received_to", "sector", "status", "year", "month", "quarter", "n", "indicator", "part"]


def query_parameters() -> list[str]:
    """Every name the code reads from ``request.GET`` / ``query_params`` (plus the usual filter names)."""
    pattern = re.compile(r"(?:GET|query_params)(?:\.get(?:list)?\(\s*|\[)[\"']([A-Za-z0-9_\[\]]+)[\"']")
    names = set(ALWAYS)
    for source in SRC.rglob("*.py"):
        if "/tests/" not in str(source):
            names.update(pattern.findall(source.read_text(encoding="utf-8")))
    names.discard("next")  # a redirect target: its own checks are tested elsewhere
    return sorted(names)


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _fill(route: str, samples: dict[str, list[str]]) -> list[str]:
    """The route with each argument replaced by each sample for it (regex routes made literal)."""
    names = [m.group("name") or m.group("rname") for m in _PARAM.finditer(route)]
    paths = [route]
    for name in dict.fromkeys(names):
        values = samples.get(name, ["1"])
        paths = [re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", value, path, count=1)
                 for path in paths for value in values]
    cleaned = []
    for path in paths:
        path = path.replace("^", "").replace("$", "").replace("\\.", ".")
        cleaned.append("/" + path)
    return cleaned


@pytest.fixture
def site():
    cache.clear()
    procedure()
    citizen = user("001090012345")
    dossier = submitted(actor=citizen, role="applicant")
    item = report(actor=citizen)
    officer = user("desk-fuzz", ("desk_officer", "H01.TTPVHCC"), ("leader", "H01.TTPVHCC"))
    supervisor = user("supervisor-fuzz", ("supervisor", "H01"))
    samples = {"code": [dossier.code, "1.000001", item.code], "procedure_code": ["1.000001"],
               "document_id": ["1"], "item_id": ["1"], "pk": ["1"], "period": ["2026-10", "²"],
               "action": ["answer"], "form": ["01", "06"], "fmt": ["json"], "path": ["x"]}
    routes = [(route, p) for route, p in _walk(get_resolver().url_patterns) if not route.startswith(SKIPPED_PREFIXES)]
    paths = sorted({path for route, _p in routes for path in _fill(route, samples)})
    yield {"anonymous": None, "citizen": citizen, "officer": officer, "supervisor": supervisor}, paths
    cache.clear()


def _queries(names: list[str]) -> list[str]:
    return [urlencode({name: HOSTILE[(round_ + i) % len(HOSTILE)] for i, name in enumerate(names)})
            for round_ in range(ROUNDS)]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer", "supervisor"])
def test_no_page_answers_hostile_query_strings_with_a_server_error(site, who):
    accounts, paths = site
    client = Client(raise_request_exception=False)
    if accounts[who] is not None:
        client.force_login(accounts[who])
    queries = _queries(query_parameters())
    failures, answered = [], 0
    for path in paths:
        for query in queries:
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {path}?{query[:120]}")
            answered += response.status_code < 300
        cache.clear()  # rate limits would otherwise answer 429 before the view reads anything
    assert failures == []
    assert len(paths) > 60 and answered >= 20  # the walk reached the pages, not only redirects and 404s
