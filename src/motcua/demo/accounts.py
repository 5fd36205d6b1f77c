"""Demo accounts: citizens, one-stop officers of three kinds of agency, and supervisors (issue 3 point 11).

Every account has the password :data:`motcua.demo.services.DEMO_PASSWORD` and exists for demonstrations only:
:func:`motcua.demo.services.load_demo`, which creates them, refuses to run in production.

- Citizens sign in with their 12-digit personal identification number as the user name, as on VNeID. The numbers are
  valid (domain.md §4): digits 1–3 the province of birth registration (001 Hà Nội, 079 TP HCM), digit 4 the century
  and sex (1900s: 0 male / 1 female; 2000s: 2 / 3), digits 5–6 the last two digits of the birth year.
- Desk officers, specialists and leaders of a commune committee (Hoàn Kiếm ward, Hà Nội), the Hà Nội public-
  administration service centre and the Ministry of Justice.
- Supervisors of a province (Hà Nội: its dossiers), of the Ministry of Justice (BTP: all dossiers from 5/8/2026, the
  central agency of Decree 118/2025 Art. 35(1) as amended by Decree 309/2026; ``core.central``) and of the Government
  Office (VPCP: all dossiers until 4/8/2026, its own agency's since).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.db import transaction

from motcua.units.roles import HANDLING_ROLES

# Agencies with demo officers: a commune committee, a province service centre, a ministry.
OFFICER_AGENCIES: tuple[str, ...] = ("H01.X00070", "H01.TTPVHCC", "BTP")
OFFICER_ROLES: tuple[str, ...] = tuple(str(role) for role in HANDLING_ROLES)  # the demo officers handle dossiers
SUPERVISOR_AGENCIES: tuple[str, ...] = ("H01", "VPCP", "BTP")


@dataclass(frozen=True)
class DemoCitizen:
    personal_id: str
    full_name: str
    phone: str
    province_code: int  # where they live (dossiers are generated there)


DEMO_CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen("001090012345", "Nguyễn Văn An", "0912345678", 1),    # Hà Nội, male, born 1990
    DemoCitizen("001185004321", "Trần Thị Bình", "0987654321", 1),    # Hà Nội, female, born 1985
    DemoCitizen("079201006789", "Lê Minh Châu", "0903123456", 79),    # TP HCM, male, born 2001
    DemoCitizen("038178009876", "Phạm Thị Dung", "0913456789", 38),   # Thanh Hóa, female, born 1978
)

PERSONAL_ID = re.compile(r"^(?P<province>\d{3})(?P<century_sex>\d)(?P<year>\d{2})\d{6}$")


def is_valid_personal_id(value: str) -> bool:
    """12 digits; province code 001–096; century/sex digit 0–5 (1900s–2100s) — domain.md §4."""
    match = PERSONAL_ID.match(value or "")
    if not match:
        return False
    return 1 <= int(match["province"]) <= 96 and int(match["century_sex"]) <= 5


def birth_year(personal_id: str) -> int:
    """The birth year a valid personal ID encodes (century from digit 4, last two digits from digits 5–6)."""
    match = PERSONAL_ID.match(personal_id)
    if not match:
        raise ValueError(f"Not a personal identification number: {personal_id!r}.")
    return 1900 + 100 * (int(match["century_sex"]) // 2) + int(match["year"])


def officer_username(agency_code: str, role: str) -> str:
    """``H01.TTPVHCC`` + ``desk_officer`` → ``demo-h01-ttpvhcc-desk-officer``."""
    return f"demo-{agency_code.lower().replace('.', '-')}-{role.replace('_', '-')}"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # citizen | desk_officer | specialist | leader | supervisor | admin | catalog_officer
    agency: str  # agency code ("" for citizens and the administrator)
    name: str = ""
    personal_id: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def demo_accounts() -> list[DemoAccount]:
    """The demo accounts this module creates, in a stable order (citizens, officers by agency, supervisors)."""
    accounts = [DemoAccount(c.personal_id, "citizen", "", c.full_name, c.personal_id) for c in DEMO_CITIZENS]
    role_names = {"desk_officer": "Cán bộ một cửa", "specialist": "Chuyên viên", "leader": "Lãnh đạo"}
    for agency in OFFICER_AGENCIES:
        for role in OFFICER_ROLES:
            accounts.append(DemoAccount(officer_username(agency, role), role, agency,
                                        f"{role_names[role]} {agency} (demo)"))
    for agency in SUPERVISOR_AGENCIES:
        accounts.append(DemoAccount(officer_username(agency, "supervisor"), "supervisor", agency,
                                    f"Giám sát {agency} (demo)"))
    return accounts


def create_demo_accounts() -> list[str]:
    """Create the missing demo accounts (idempotent) and return the user names created.

    Officers get a ``units.Membership`` in their agency with their role; an agency missing from the database is
    skipped. Citizens have no membership: their user name is their personal ID.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from motcua.core.demo_accounts import mark
    from motcua.demo.services import DEMO_PASSWORD
    from motcua.units.models import Agency, Membership

    User = get_user_model()
    created: list[str] = []
    marked = []
    hashed = None  # hashed once: one slow key derivation for all the demo accounts
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[*OFFICER_AGENCIES, *SUPERVISOR_AGENCIES])}
    with transaction.atomic():
        for account in demo_accounts():
            agency = agencies.get(account.agency)
            if account.role != "citizen" and agency is None:
                continue
            family, _, given = account.name.rpartition(" ") if account.role == "citizen" else ("", "", account.name)
            user, made = User.objects.get_or_create(
                username=account.username,
                defaults={"first_name": given[:150], "last_name": family[:150], "is_staff": False})
            if made:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user.password = hashed
                user.save(update_fields=["password"])
                created.append(account.username)
            if agency is not None:
                Membership.objects.get_or_create(user=user, agency=agency, role=account.role)
            marked.append(user)
        mark(marked)  # refused in production (issue 12 point 4)
        # Staff status (the admin site) is for administrators only (issue 12 point 15): also on older demo databases.
        User.objects.filter(pk__in=[u.pk for u in marked], is_superuser=False).update(is_staff=False)
    return created


def list_demo_accounts() -> list[dict]:
    """Every demo account present in the database: ``username``, ``role``, ``agency`` (and name, personal ID).

    Includes the earlier sign-ins of :func:`motcua.demo.services.create_demo_users` (``demo-admin`` and one officer
    per role at the Ministry of Justice).
    """
    from django.contrib.auth import get_user_model

    from motcua.units.models import Membership

    User = get_user_model()
    ours = demo_accounts()
    names = [a.username for a in ours]
    present = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    rows = [a.as_dict() for a in ours if a.username in present]
    listed = set(names)
    legacy = User.objects.filter(username__startswith="demo-").exclude(username__in=listed).order_by("username")
    memberships: dict[int, list[tuple[str, str]]] = {}
    for user_id, role, code in (Membership.objects.filter(user__in=legacy).order_by("agency__code", "role")
                                .values_list("user_id", "role", "agency__code")):
        memberships.setdefault(user_id, []).append((role, code))
    for user in legacy:
        held = memberships.get(user.pk) or [("admin" if user.is_superuser else "", "")]
        for role, code in held:
            rows.append({"username": user.username, "role": role, "agency": code,
                         "name": user.get_full_name(), "personal_id": ""})
    return rows


@dataclass
class Removal:
    deleted: list[str]
    disabled: list[str]  # referenced by records (dossiers, events…): kept for the history, unable to sign in


def remove_demo_accounts() -> Removal:
    """Remove every account carrying the demo marker (``motcua demo remove-accounts``; meant for production, where
    they are refused anyway — issue 12 point 4). An account no record refers to is deleted; one that dossiers or
    events refer to is kept for the history but disabled: inactive, no usable password, no staff or administrator
    status, no role, no API token. The marker stays, so it is refused even if re-enabled by mistake."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError
    from django.db.models import ProtectedError, RestrictedError
    from rest_framework.authtoken.models import Token

    from motcua.core.demo_accounts import DEMO_GROUP
    from motcua.units.models import Membership

    removal = Removal([], [])
    for user in get_user_model().objects.filter(groups__name=DEMO_GROUP).order_by("username"):
        try:
            with transaction.atomic():
                user.delete()
            removal.deleted.append(user.username)
            continue
        except (ProtectedError, RestrictedError, DatabaseError):
            pass
        with transaction.atomic():
            Token.objects.filter(user=user).delete()
            Membership.objects.filter(user=user).delete()
            user.is_active = user.is_staff = user.is_superuser = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "is_staff", "is_superuser", "password"])
        removal.disabled.append(user.username)
    return removal
