"""The steering menu lists only the pages the user may open (issue 14 point 6: "Tổng hợp" and "Theo cơ quan"
answered 403 to Council members)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .rules import Actor

READERS = {Actor.STANDING, Actor.LEADER}


def steering_nav(request: HttpRequest) -> dict[str, Callable[[], dict[str, bool]]]:
    """``steering_nav``: which of the steering menu's role-bound pages the user may open, read when the steering
    layout asks (the same role sets as ``views._require`` for each page)."""

    def flags() -> dict[str, bool]:
        from .services import actor_roles

        roles = actor_roles(getattr(request, "user", None))
        return {"reports": bool(roles & {Actor.MEMBER, *READERS}), "figures": bool(roles & READERS),
                "overview": bool(roles & READERS)}

    return {"steering_nav": flags}
