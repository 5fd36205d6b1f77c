"""Reads of identity: the level of the current session or account, and the level a procedure requires."""

from __future__ import annotations

from django.db import connection
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


def submission_check(request, procedure_code: str) -> tuple[int, str]:
    """For an online submission: the level the request acts with and the refusal message ("" when allowed), in one
    query (whether the procedure's version in force has a document registry data replaces, and the account's level;
    a browser session's own level needs no query)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    in_session = (user is not None and user.is_authenticated and session is not None
                  and str(session.get("_auth_user_id", "")) == str(user.pk))
    # One plain statement (it runs on every online submission: the ORM's query building cost more than the query).
    needs_two, account_level = _needs_two_and_account_level(
        procedure_code, user.pk if user is not None and user.is_authenticated and not in_session else None)
    level = session_level(request) if in_session else int(account_level or 0)
    required = rules.LEVEL_TWO if needs_two else rules.LEVEL_ONE
    return level, level_refusal(required, level)


def _needs_two_and_account_level(procedure_code: str, user_id: int | None) -> tuple[bool, int]:
    """Whether the procedure's version in force has a document registry data replaces, and the account's level."""
    qn = connection.ops.quote_name
    procedure, document = qn(Procedure._meta.db_table), qn(RequiredDocument._meta.db_table)
    account = qn(IdentityAccount._meta.db_table)
    sql = (f"SELECT EXISTS (SELECT 1 FROM {document} d JOIN {procedure} p ON d.version_id = p.current_version_id "
           f"WHERE p.code = %s AND d.replaceable_by_registry), "
           f"(SELECT a.level FROM {account} a WHERE a.user_id = %s)")
    with connection.cursor() as cursor:
        cursor.execute(sql, [procedure_code, user_id])
        needs_two, level = cursor.fetchone()
    return bool(needs_two), int(level or 0)


def submission_refusal(request, procedure_code: str) -> str:
    """:func:`submission_check`'s refusal message alone."""
    return submission_check(request, procedure_code)[1]
