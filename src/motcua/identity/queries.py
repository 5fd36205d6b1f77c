"""Reads of identity: the level of the current session or account, and the level a procedure requires."""

from __future__ import annotations

from django.db.models import Subquery
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, RequiredDocument

from . import rules
from .models import IdentityAccount
from .services import SESSION_LEVEL, SESSION_PROVIDER


def session_level(request: HttpRequest) -> int:
    """The e-identification level of the signed-in session: 1 or 2, or 0 when the session was not e-identified
    (anonymous, or a password sign-in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_LEVEL):
        return int(session[SESSION_LEVEL])
    return 0


def session_provider(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    return str(session.get(SESSION_PROVIDER, "")) if session is not None else ""


def account_level(user) -> int:
    """The level the account was last e-identified at (0 if never): what an API client signed in with a token
    acts with."""
    if user is None or not user.is_authenticated:
        return 0
    return IdentityAccount.objects.filter(user=user).values_list("level", flat=True).first() or 0


def request_level(request) -> int:
    """The level a request acts with: a browser session's own level (a password sign-in has none, even on an account
    once e-identified), else — for an API token, which carries no session — the account's last level."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is not None and user.is_authenticated and session is not None and \
            str(session.get("_auth_user_id", "")) == str(user.pk):
        return session_level(request)
    return account_level(user)


def required_level(version_id: int | None) -> int:
    """The level an online submission of the procedure version requires (:func:`rules.required_level`)."""
    if version_id is None:
        return rules.LEVEL_ONE
    replaceable = RequiredDocument.objects.filter(version_id=version_id, replaceable_by_registry=True).exists()
    return rules.LEVEL_TWO if replaceable else rules.LEVEL_ONE


def required_level_for_code(procedure_code: str) -> int:
    """:func:`required_level` of the procedure's version in force, in one query."""
    current = Procedure.objects.filter(code=procedure_code).values("current_version_id")[:1]
    replaceable = RequiredDocument.objects.filter(version_id=Subquery(current), replaceable_by_registry=True).exists()
    return rules.LEVEL_TWO if replaceable else rules.LEVEL_ONE


def level_refusal(required: int, level: int) -> str:
    """The message refusing a session at ``level`` (0: not e-identified) for a procedure requiring ``required``, or
    "" when allowed. Level 1 procedures stay open to every applicant, as before (anonymous online submission with
    the personal ID typed in); level 2 ones need a level-2 session."""
    if required < rules.LEVEL_TWO or level >= required:
        return ""
    return _("Thủ tục này yêu cầu tài khoản định danh điện tử mức 2 (VNeID mức 2), vì giấy tờ của bạn được thay "
             "bằng dữ liệu từ cơ sở dữ liệu quốc gia. Hãy đăng nhập bằng tài khoản định danh mức 2.")


def submission_refusal(request, procedure_code: str) -> str:
    """For an online submission: the refusal message when the procedure requires a higher e-identification level
    than the request carries (the session's, else the account's), or "". One query for level-1 procedures."""
    required = required_level_for_code(procedure_code)
    if required < rules.LEVEL_TWO:
        return ""
    return level_refusal(required, request_level(request))
