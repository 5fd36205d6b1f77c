"""Demo accounts are refused in production (issue 12 point 4).

An account is a demo account when it carries the marker ``motcua demo load`` sets: membership of the group
:data:`DEMO_GROUP` (no permissions; a marker only). Its name proves nothing either way: a real officer may be called
``demo-…`` and a demo account renamed. Databases that had demo data before the marker existed are marked by the
migration ``core.0003_mark_demo_accounts`` (accounts with a demo name whose password is still the demo password).

With ``MOTCUA_ENV=production`` a marked account cannot sign in (the web sign-in and the admin: the authentication
backend refuses it, and an existing session no longer resolves to it) and its API tokens do not authenticate. Every
refusal says how to remove the accounts: ``motcua demo remove-accounts``. The demo password itself never signs in
in production, marker or not.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

DEMO_GROUP = "motcua-demo-accounts"
DEMO_PASSWORD = "motcua-demo"  # the demo password (motcua.demo.services re-exports it)
REMOVE_COMMAND = "motcua demo remove-accounts"
REFUSED_MESSAGE = (f"Tài khoản demo không được dùng khi MOTCUA_ENV=production. Quản trị viên gỡ các tài khoản demo "
                   f"bằng lệnh `{REMOVE_COMMAND}`.")


def in_production() -> bool:
    return settings.ENVIRONMENT == "production"


def mark(users: Iterable) -> None:
    """Mark ``users`` as demo accounts (``motcua demo load`` and the steering demo call it; idempotent)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    group.user_set.add(*[u for u in users if u is not None])


def is_demo_account(user) -> bool:
    """``user`` carries the demo marker (one query)."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return user.groups.filter(name=DEMO_GROUP).exists()


def refused(user) -> bool:
    """In production, a demo account is refused everywhere."""
    return in_production() and is_demo_account(user)


def username_refused(username: str) -> bool:
    """In production, ``username`` names a demo account (the sign-in forms say why they refuse)."""
    if not in_production() or not username:
        return False
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, groups__name=DEMO_GROUP).exists()
