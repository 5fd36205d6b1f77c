"""Rate limits for PAKN writes (issue 5 point 7), per client address and per account: the scopes and their
figures; the counting is ``motcua.core.ratelimit`` (shared ``default`` cache, trusted-proxy client address).

``MOTCUA_PAKN_<SCOPE>_LIMIT`` hits in ``MOTCUA_PAKN_<SCOPE>_WINDOW_SECONDS`` (declared in :mod:`motcua.core.config`).
Scopes and defaults: ``submit`` 5 an hour, ``rate`` 30 an hour, ``lookup`` 10 in 10 minutes.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from motcua.core.ratelimit import Limit


def limits(scope: str) -> tuple[int, int]:
    """(hits, window in seconds) of ``scope``."""
    return {
        "submit": (settings.MOTCUA_PAKN_SUBMIT_LIMIT, settings.MOTCUA_PAKN_SUBMIT_WINDOW_SECONDS),
        "rate": (settings.MOTCUA_PAKN_RATE_LIMIT, settings.MOTCUA_PAKN_RATE_WINDOW_SECONDS),
        "lookup": (settings.MOTCUA_PAKN_LOOKUP_LIMIT, settings.MOTCUA_PAKN_LOOKUP_WINDOW_SECONDS),
    }[scope]


def _limit(scope: str) -> Limit:
    return Limit(f"pakn-{scope}", *limits(scope))


def exceeded(scope: str, request: HttpRequest) -> bool:
    """Whether the address or the account has used up its allowance (does not count a hit)."""
    return _limit(scope).exceeded(request)


def hit(scope: str, request: HttpRequest) -> None:
    """Count one write for the address and the account."""
    _limit(scope).hit(request)


def retry_after(scope: str) -> int:
    return limits(scope)[1]
