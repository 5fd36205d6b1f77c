"""What the base template's navigation needs about the user, without a query when the view already knows it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest


def nav(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """``nav_is_officer``: does the user hold any membership (the officer links)? Read when the template asks (a
    callable), from the officer scope a view kept on the request (``request.officer_scope``, dossiers' officer
    pages: a role in an agency is a membership), else with one query as before (issue 3 "Speed": the queue page
    asked the database twice).

    ``nav_may_report``: may the user draw a monthly report (issue 14 point 6: the menu lists only what the user may
    open; "Báo cáo" answered 403 to desk officers). The same rule as the page's, read only when the menu asks."""

    def user():
        u = getattr(request, "user", None)
        return u if u is not None and u.is_authenticated else None

    def is_officer() -> bool:
        if getattr(request, "officer_scope", None):
            return True
        u = user()
        return bool(u is not None and u.memberships.exists())

    def may_report() -> bool:
        from motcua.reports.access import allowed_roots

        u = user()
        if u is None:
            return False
        scope = getattr(request, "officer_scope", None)
        if scope is not None and not u.is_superuser and not any(
                role in ("supervisor", "leader") for roles in scope.values() for role in roles):
            return False  # the officer pages know the roles already: no query for a desk officer or a specialist
        everything, roots, led = allowed_roots(u)
        return bool(everything or roots or led)

    return {"nav_is_officer": is_officer, "nav_may_report": may_report}
