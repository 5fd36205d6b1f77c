"""Portal pages: the catalog home, search results with filters, and the procedure page.

Views parse the request, call ``portal.queries`` / ``catalog.queries`` and render; they hold no business rules.
Error handlers answer problem+json under /api/ and an HTML page elsewhere.
"""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.catalog import models as m
from motcua.catalog.queries import current_version
from motcua.core.problems import json_problem

from . import queries

PER_PAGE = 20


class SearchForm(forms.Form):
    """The query and filters of the results page, all optional; an invalid value names its filter."""

    q = forms.CharField(label=_("Search procedures"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    online_level = forms.ChoiceField(label=_("Online service"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("All"))]
        self.fields["sector"].choices = anything + queries.sector_choices()
        self.fields["level"].choices = anything + list(m.Level.choices)
        self.fields["online_level"].choices = anything + list(m.OnlineLevel.choices)
        self.fields["agency"].choices = anything + queries.agency_choices()

    def filter_fields(self) -> list[forms.BoundField]:
        names = ["sector", "level", "online_level"]
        if len(self.fields["agency"].choices) > 1 or "agency" in self.errors:
            names.append("agency")  # agencies appear once procedures are linked to known agencies
        return [self[name] for name in names]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {
        "form": SearchForm(),
        "sectors": queries.sectors_with_counts(),
        "figures": queries.home_figures(),
    })

WEAK_SHOWN = 20
"""Matches below the relevance floor listed apart under the results (the rest are counted)."""


def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data  # only the valid fields: an invalid filter is reported and ignored
    invalid = [
        {"label": form.fields[name].label, "value": request.GET.get(name, "")[:80]} for name in form.errors
    ]
    q = data.get("q", "") or ""
    filters = queries.Filters(
        level=data.get("level", ""),
        sector=data.get("sector", ""),
        online_level=data.get("online_level", ""),
        agency=data.get("agency", ""),
    )
    outcome = queries.search(q, filters)
    page = Paginator(outcome.versions, PER_PAGE).get_page(request.GET.get("page"))
    total = page.paginator.count
    suggestions: list[str] = []
    without_filters = 0
    # Issue 14 point 12: matches below the relevance floor come apart, after the last page of the results.
    weak_count = len(outcome.weak)
    weak = list(outcome.weak[:WEAK_SHOWN]) if weak_count and not page.has_next() else []
    if not total and not weak_count and q:
        suggestions = outcome.suggestions()
        if filters.any():
            without_filters = Paginator(queries.search(q, queries.Filters()).versions, PER_PAGE).count

    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "portal/results.html", {
        "form": form,
        "q": q,
        "invalid": invalid,
        "total": total,
        "page": page,
        "suggestions": suggestions,
        "weak": weak,
        "weak_count": weak_count,
        "weak_more": weak_count - len(weak),
        "without_filters": without_filters,
        "query_without_page": params.urlencode(),
        "active_filters": filters.any(),
    })


def demo_sign_in_enabled() -> bool:
    """The demo accounts' hint shows only outside production (production refuses demo data and sign-ins)."""
    return settings.ENVIRONMENT != "production"


def identity_providers() -> list:
    """The e-identification providers offered on the sign-in page (``motcua.identity.providers``): OpenID Connect
    when configured, the demo provider outside production."""
    from motcua.identity.providers import registry

    return registry.enabled()


CHECK_LABELS = {
    "complete": _("Mandatory components a–g"),
    "published_on_time": _("Publication decision on time"),
    "uploaded_on_time": _("Uploaded to the national database on time"),
}


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    version = current_version(code)
    if version is None:
        raise Http404(code)
    documents = list(version.documents.all())
    document_groups = [(case, list(docs)) for case, docs in groupby(documents, key=lambda d: d.case)]
    roles = dict(m.AgencyRole.choices)
    by_role: dict[str, list[m.VersionAgency]] = {}
    for agency in version.agencies.all():
        by_role.setdefault(agency.role, []).append(agency)
    order = list(roles)
    agencies = [(roles.get(role, role), by_role[role])
                for role in sorted(by_role, key=lambda r: order.index(r) if r in order else len(order))]
    return render(request, "portal/procedure.html", {
        "v": version,
        "agencies": agencies,
        "document_groups": document_groups,
        "has_cases": any(case for case, _docs in document_groups),
        "page_url": request.build_absolute_uri(),
        "can_submit_online": any(c.kind == m.ChannelKind.ONLINE for c in version.channels.all()),
        "checks": [{"label": CHECK_LABELS.get(c["name"], c["name"]), "ok": c["ok"], "detail": c["detail"]}
                   for c in (version.publication_checks or {}).get("checks", [])],
    })


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(404, "Not found", "No resource at this address.")
    return render(request, "portal/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in the site's layout, in Vietnamese (issue 14 point 6). A refusal written for people (a Vietnamese
    sentence raised with ``PermissionDenied``) is shown; anything else gets the generic sentence."""
    if request.path.startswith("/api/"):
        return json_problem(403, "Forbidden", "You may not access this resource.")
    reason = str(exception or "").strip()
    return render(request, "portal/403.html", {"reason": reason if _is_vietnamese(reason) else ""}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The CSRF refusal as a page of the site: the form was open too long or cookies are off."""
    return render(request, "portal/403.html", {"csrf": True}, status=403)


def _is_vietnamese(text: str) -> bool:
    """A sentence meant for users is Vietnamese: it holds a letter with a Vietnamese diacritic (English internals
    hold none)."""
    return any("\u00c0" <= ch <= "\u01b0" or "\u1ea0" <= ch <= "\u1ef9" for ch in text)


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers ask for it on every site; answered from the static file, cached for a day."""
    from django.contrib.staticfiles import finders

    path = finders.find("portal/favicon.ico")
    with open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(500, "Internal error", "The server could not complete the request.")
    return render(request, "portal/500.html", status=500)


# "Hồ sơ của tôi" (issue 14 point 3) ---------------------------------------------------------------------------------

MY_LIMIT = 100
"""Dossiers and PAKN items listed on "Hồ sơ của tôi" (newest first)."""


def my_dossiers(request: HttpRequest) -> HttpResponse:
    """``/ho-so/cua-toi/``: the signed-in citizen's dossiers (status, due date, what is asked of them next) and PAKN
    items, in one place. Only their own: the rows are those whose applicant (or submitter) is the signed-in user."""
    from django.contrib.auth.views import redirect_to_login

    from motcua.dossiers.queries import my_dossiers as dossiers_of
    from motcua.feedback.queries import items_of_submitter
    from motcua.feedback.transitions import STATE_LABELS

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    items = list(items_of_submitter(request.user)[:MY_LIMIT])
    for item in items:
        item.state_label = STATE_LABELS.get(item.state, item.state)
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers_of(request.user, MY_LIMIT),
                                                       "items": items})
