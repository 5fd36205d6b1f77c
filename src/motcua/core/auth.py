"""API authentication: ``Authorization: Bearer <token>`` (``motcua auth token USERNAME`` prints a token)."""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with the standard ``Bearer`` scheme (RFC 6750)."""

    keyword = "Bearer"
