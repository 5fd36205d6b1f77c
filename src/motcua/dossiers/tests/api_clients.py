"""Helpers for tests of the dossiers API: users with a bearer token, and an API client that sends it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.units.models import Agency, Membership


def user(username: str, *roles: tuple[str, str]):
    """A user holding ``(role, agency code)`` memberships."""
    account, _ = get_user_model().objects.get_or_create(username=username)
    for role, agency in roles:
        Membership.objects.get_or_create(user=account, agency=Agency.objects.get(code=agency), role=role)
    return account


def client_for(account) -> APIClient:
    """An API client that authenticates as ``account`` with ``Authorization: Bearer <token>``."""
    token, _ = Token.objects.get_or_create(user=account)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client
