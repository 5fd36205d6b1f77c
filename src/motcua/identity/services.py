"""Every write of identity: :func:`sign_in` (a citizen e-identified by a provider) and :func:`demo_sign_in`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.clientip import UNKNOWN, client_ip
from motcua.core.identifiers import personal_id_error

from . import config
from .models import IdentityAccount, Level, SignIn

SESSION_LEVEL = "motcua_identity_level"
SESSION_PROVIDER = "motcua_identity_provider"
MODEL_BACKEND = "motcua.core.sessions.CachedModelBackend"  # settings.AUTHENTICATION_BACKENDS


# Who must learn the person behind an account when a provider vouches for a personal ID. Identity sits below the
# packages that read a citizen's data by that link (the exchange's person links: prefill, documents replaced by
# registry data), so they register here in their ``AppConfig.ready()`` instead of identity importing them.
PersonIdentified = Callable[..., None]  # hook(user, personal_id, *, source)
_person_identified: list[PersonIdentified] = []


def register_person_identified(hook: PersonIdentified) -> None:
    """Call ``hook(user, personal_id, source=provider)`` in the sign-in's transaction whenever a provider vouches for
    a personal ID (registered once, however often ``ready()`` runs)."""
    if hook not in _person_identified:
        _person_identified.append(hook)


class IdentityRefused(Exception):
    """The sign-in cannot proceed; ``field`` names the input at fault (or "")."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Identified:
    """What a provider vouches for."""

    provider: str
    level: int
    subject: str = ""
    personal_id: str = ""
    full_name: str = ""
    email: str = ""
    demo: bool = False


def _client_ip(request: HttpRequest | None) -> str:
    address = client_ip(request)
    return "" if address == UNKNOWN else address[:45]


def record_identity(user, who: Identified, request: HttpRequest | None = None) -> IdentityAccount:
    """Store how ``user`` was identified (the account's current level) and append a :class:`SignIn`."""
    if who.level not in Level.values:
        raise IdentityRefused(f"Unknown e-identification level {who.level!r}.", "level")
    now = timezone.now()
    with transaction.atomic():
        account, _created = IdentityAccount.objects.update_or_create(
            user=user, defaults={"provider": who.provider, "subject": who.subject, "level": who.level,
                                 "personal_id": who.personal_id, "verified_at": now})
        SignIn.objects.create(user=user, provider=who.provider, level=who.level, at=now, ip=_client_ip(request),
                              demo=who.demo)
    return account


def user_for(who: Identified):
    """The account of the identified person: the one already linked to the provider's subject, else the one whose
    user name is the personal ID (citizens sign in with it, as on VNeID), else a new account. Officers' accounts are
    never taken over by a citizen identity."""
    User = get_user_model()
    if who.subject:
        linked = IdentityAccount.objects.filter(provider=who.provider, subject=who.subject).select_related("user")
        account = linked.first()
        if account is not None:
            return account.user
    username = who.personal_id or f"{who.provider}-{who.subject}"[:150]
    user = User.objects.filter(username=username).first()
    if user is not None and (user.is_staff or user.is_superuser or user.memberships.exists()):
        raise IdentityRefused("This identity belongs to a staff account, which signs in with its own credentials.")
    if user is None:
        family, _sep, given = (who.full_name or "").strip().rpartition(" ")
        user = User.objects.create_user(username=username, email=who.email or "", first_name=given[:150],
                                        last_name=family[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def sign_in(request: HttpRequest, who: Identified):
    """Sign the identified person in: find or create the account, record the identification, log the session in,
    and keep the level on the session (a later sign-in at another level replaces it)."""
    with transaction.atomic():
        user = user_for(who)
        if not user.is_active:
            raise IdentityRefused("This account is disabled.")
        record_identity(user, who, request)
        if who.personal_id:
            for hook in _person_identified:  # the exchange's person link (register_person_identified)
                hook(user, who.personal_id, source=who.provider)
    auth.login(request, user, backend=MODEL_BACKEND)
    request.session[SESSION_LEVEL] = who.level
    request.session[SESSION_PROVIDER] = who.provider
    return user


def demo_sign_in(request: HttpRequest, personal_id: str, level: int, full_name: str = ""):
    """The demo provider: any valid personal ID, at the chosen level. Refused in production."""
    if config.is_production():
        raise IdentityRefused("The demo identity provider is disabled in production.")
    personal_id = (personal_id or "").strip()
    problem = personal_id_error(personal_id)
    if problem:
        raise IdentityRefused(problem, "personal_id")
    if level not in Level.values:
        raise IdentityRefused("Choose level 1 or level 2.", "level")
    return sign_in(request, Identified(provider="demo", level=level, subject=personal_id, personal_id=personal_id,
                                       full_name=full_name, demo=True))
