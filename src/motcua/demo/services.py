"""Deterministic demo data: the real national-portal catalog, demo officers, and larger catalogs for benchmarks.

Nothing here is random: the same call gives the same data on every machine, so benchmarks compare like with like.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from motcua.core.demo_accounts import DEMO_PASSWORD  # demo sign-in only; refused in production

DEMO_RECORDS = Path(__file__).resolve().parent.parent / "catalog" / "data" / "dvcqg" / "procedures.jsonl.gz"


@dataclass
class DemoSummary:
    procedures_loaded: int
    already_loaded: bool
    users_created: list[str]


def demo_records(path: Path = DEMO_RECORDS) -> Iterator:
    """The shared national-portal records as catalog records."""
    from motcua.catalog.cli.import_dvcqg import agency_resolver, load

    yield from load([str(path)], agency_resolver())


def load_demo(*, progress: Callable[[int], None] | None = None) -> DemoSummary:
    """Load the demo catalog once: a second run finds it in place and changes nothing."""
    from motcua.catalog.linked_groups import load_linked_groups
    from motcua.catalog.models import ProcedureVersion
    from motcua.catalog.services import upsert_records

    if settings.ENVIRONMENT == "production":
        raise RuntimeError("Demo data is not loaded when MOTCUA_ENV=production.")
    from motcua.catalog.importers.dvcqg import read_dvcqg_files

    # Only the codes are needed to know whether the catalog is in place; the records are parsed only to load them.
    codes = {str(obj.get("ma_thu_tuc", "")).strip() for _file, _line, obj in read_dvcqg_files([DEMO_RECORDS])}
    present = ProcedureVersion.objects.filter(procedure__code__in=codes, source="dvcqg").values("procedure").distinct()
    already = present.count() >= len(codes)
    if not already:
        upsert_records(demo_records(), progress=progress)
    load_linked_groups()
    from motcua.catalog.models import RequiredDocument
    from motcua.exchange.store.services import flag_catalog_documents

    if not already or not RequiredDocument.objects.filter(replaceable_by_registry=True).exists():
        # Which documents registry data or an earlier result can replace (the national portal's records do not say;
        # exchange.store.rules decides from the documents' names).
        flag_catalog_documents()
    _grant_demo_registries()
    from motcua.proactive.demo import load_demo_triggers

    from .accounts import create_demo_accounts

    load_demo_triggers()  # issue 16: the triggers of common life events (Decree 224/2026)
    return DemoSummary(len(codes), already, create_demo_users() + create_demo_accounts())


DEMO_GRANT_AGENCIES = ("H01.TTPVHCC", "H01.X00070", "BTP")


def _grant_demo_registries() -> None:
    """Let the demo officers' agencies read every simulated registry for their dossiers (once): without a grant an
    officer's lookup is refused, as it must be in production, where grants follow the data-sharing agreements."""
    from motcua.exchange import registries, services
    from motcua.exchange.models import AccessGrant
    from motcua.units.models import Agency

    for code in DEMO_GRANT_AGENCIES:
        if not Agency.objects.filter(code=code).exists():
            continue
        for registry in registries.SPECS:
            if not AccessGrant.objects.filter(agency__code=code, registry=registry, revoked_at__isnull=True).exists():
                services.grant(code, registry, legal_basis="Quyền khai thác thử nghiệm trên dữ liệu mẫu (demo)")


def create_demo_users() -> list[str]:
    """Demo sign-ins (clearly marked): an administrator and one officer per role at the Ministry of Justice."""
    from django.contrib.auth import get_user_model

    from motcua.units.models import Agency, Membership, Role

    User = get_user_model()
    from motcua.core.demo_accounts import mark

    created = []
    with transaction.atomic():
        if not User.objects.filter(username="demo-admin").exists():
            User.objects.create_superuser("demo-admin", password=DEMO_PASSWORD, first_name="Quản trị (demo)")
            created.append("demo-admin")
        mark(User.objects.filter(username="demo-admin"))  # refused in production (issue 12 point 4)
        agency = Agency.objects.filter(code="BTP").first()
        if agency is None:
            return created
        for role in Role:
            username = f"demo-{role.value.replace('_', '-')}"
            user, made = User.objects.get_or_create(username=username, defaults={"is_staff": False,
                                                                                 "first_name": f"{role.label} (demo)"})
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created.append(username)
            Membership.objects.get_or_create(user=user, agency=agency, role=role)
            mark([user])
            if user.is_staff and not user.is_superuser:  # staff status is for administrators (issue 12 point 15)
                User.objects.filter(pk=user.pk).update(is_staff=False)
    return created


def scaled_records(target: int) -> Iterator:
    """``target`` published records: the real ones, then provinces' localised copies (``<code>.H<province>``) of
    provincial and commune procedures, province by province in code order, until the target is reached."""
    from motcua.units.models import AdministrativeUnit, UnitLevel

    base = list(demo_records())
    emitted = 0
    for r in base:
        if emitted >= target:
            return
        emitted += 1
        yield r
    local = [r for r in base if "province" in r.levels or "commune" in r.levels] or base
    provinces = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("code"))
    for province in provinces:
        for r in local:
            if emitted >= target:
                return
            clone = copy.deepcopy(r)
            clone.code = f"{r.code}.H{province.code:02d}"
            clone.name = f"{r.name} ({province.name})"
            clone.raw = {}
            clone.source = "demo-scale"
            emitted += 1
            yield clone
