"""What the base template's navigation needs about the user, without a query when the view already knows it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest


def nav(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """``nav_is_officer``: does the user hold any membership (the officer links)? Read when the template asks (a
    callable), from the officer scope a view kept on the request (``request.officer_scope``, dossiers' officer
    pages: a role in an agency is a membership), else with one query as before (issue 3 "Speed": the queue page
    asked the database twice)."""

    def is_officer() -> bool:
        if getattr(request, "officer_scope", None):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.memberships.exists())

    return {"nav_is_officer": is_officer}
