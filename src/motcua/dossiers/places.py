"""Where a citizen may submit a procedure's dossier (issue 14 point 1): the desks that may receive it, by province
and commune, with names (reads only; the rule itself is :func:`motcua.dossiers.receipt.may_receive`).

The competent bodies are the version's agencies the catalog resolved (competent, implementing, authorised). When it
resolved none (the national records name a kind of body, "Ủy ban nhân dân cấp xã", "Công an cấp Tỉnh"), the
procedure is settled by a body of the applicant's province or commune at the version's levels: the province's own
tree stands for it, so its public administrative service centre and its communes' desks receive it (Decree
118/2025 Art. 14(2)); a procedure of ministries only is received by the ministries' desks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from motcua.catalog.models import VersionAgency
from motcua.core.text import fold, vn_sort_key
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

from .receipt import RECEIVING_CENTRES, Body, may_receive

ROLES = ("competent", "implementing", "authorised")


def _root(code: str) -> str:
    return code.split(".", 1)[0]


def _body(agency: Agency) -> Body:
    return Body(agency.code, agency.kind, agency.level, _root(agency.code))


def _province_code(root: str) -> int | None:
    return int(root[1:]) if root.startswith("H") and root[1:].isdigit() else None


@dataclass(frozen=True)
class Province:
    code: int
    name: str


@dataclass
class Places:
    """The provinces to choose from and, for the chosen one, the desks that may receive (code, name), centre
    first, then communes by Vietnamese name order."""

    provinces: list[Province] = field(default_factory=list)
    province: int | None = None
    desks: list[tuple[str, str]] = field(default_factory=list)
    nationwide: bool = False  # ministry desks: no province to choose

    def choices(self) -> list:
        """Choices for a select: the centres, then the communes' desks in a group."""
        centres = [d for d in self.desks if not d[0].split(".")[-1].startswith("X")]
        communes = [d for d in self.desks if d[0].split(".")[-1].startswith("X")]
        out: list = list(centres)
        if communes:
            out.append(("Ủy ban nhân dân xã, phường, đặc khu", communes))
        return out


def competent_bodies(version) -> list[Agency]:
    rows = (VersionAgency.objects.filter(version=version, agency__isnull=False, role__in=ROLES)
            .select_related("agency").order_by("role", "position"))
    seen: dict[str, Agency] = {}
    for row in rows:
        seen.setdefault(row.agency.code, row.agency)
    return list(seen.values())


def _provinces(codes: set[int] | None) -> list[Province]:
    qs = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE)
    if codes is not None:
        qs = qs.filter(code__in=codes)
    return sorted((Province(u.code, u.name) for u in qs), key=lambda p: vn_sort_key(p.name.removeprefix("Thành phố ")))


def province_from_address(address: str, provinces: list[Province]) -> int | None:
    """The province named in an address ("… phường Hoàn Kiếm, Hà Nội"), the longest name found last in it."""
    text = f" {' '.join(fold(address or '').replace(',', ' ').split())} "
    best: tuple[int, int] | None = None
    for p in provinces:
        name = " ".join(fold(p.name).split())
        for candidate in {name, name.removeprefix("thanh pho ").removeprefix("tinh ")}:
            at = text.rfind(f" {candidate} ")
            if at >= 0 and (best is None or (at, len(candidate)) > best[:2]):
                best = (at, len(candidate), p.code)
    return best[2] if best else None


def commune_from_address(address: str, desks: list[tuple[str, str]]) -> str | None:
    """The commune desk whose commune the address names ("phường Hoàn Kiếm")."""
    text = f" {' '.join(fold(address or '').replace(',', ' ').split())} "
    for code, name in desks:
        place = " ".join(fold(name).removeprefix("uy ban nhan dan ").split())
        if place and f" {place} " in text:
            return code
    return None


_DIVISIONS = ("Ủy ban nhân dân ", "phường ", "xã ", "đặc khu ", "thị trấn ")


def _place_name(name: str) -> str:
    """"Ủy ban nhân dân phường Hoàn Kiếm" → "Hoàn Kiếm": communes are looked for by their own name."""
    for prefix in _DIVISIONS:
        name = name.removeprefix(prefix)
    return name


def receiving_places(version, on: datetime, *, province: int | None = None, address: str = "") -> Places:
    """The places that may receive dossiers of ``version`` on ``on`` (Decree 118/2025 Art. 14), for ``province``
    (or the one ``address`` names, or the only one possible)."""
    competents = competent_bodies(version)
    local = [a for a in competents if _province_code(_root(a.code)) is not None]
    if competents and not local:
        # Ministries' procedures: their own desks (Art. 14(1)).
        desks = [(a.code, a.name) for a in Agency.objects.filter(code__in=[a.code for a in competents])]
        return Places(desks=desks, nationwide=True)
    if not competents and set(version.level_list) <= {"ministry"} and version.level_list:
        ministries = Agency.objects.filter(level="ministry", parent__isnull=True)
        return Places(desks=sorted(((a.code, a.name) for a in ministries), key=lambda d: vn_sort_key(d[1])),
                      nationwide=True)
    codes = {_province_code(_root(a.code)) for a in local} if local else None
    places = Places(provinces=_provinces(codes))
    for code in sorted((codes or set()) - {p.code for p in places.provinces}):
        # A province whose reference unit is not loaded: named after its body in the catalog.
        places.provinces.append(Province(code, next(a.name for a in local if _province_code(_root(a.code)) == code)))
    known = {p.code for p in places.provinces}
    if province not in known:
        province = province_from_address(address, places.provinces)
    if province not in known and len(places.provinces) == 1:
        province = places.provinces[0].code
    if province not in known:
        return places
    places.province = province
    root = f"H{province:02d}"
    # The competent bodies in this province, or the province's tree standing for "the body of the applicant's
    # province or commune" when the catalog names only a kind of body.
    bodies = [_body(a) for a in local if _root(a.code) == root] or [Body(root, "provincial_committee", "province",
                                                                         root)]
    candidates = Agency.objects.filter(code__startswith=f"{root}.").filter(kind__in=RECEIVING_CENTRES)
    own = Agency.objects.filter(code__in=[a.code for a in local if _root(a.code) == root])
    desks = {}
    for agency in [*own, *candidates]:
        if any(may_receive(_body(agency), body, on) for body in bodies):
            desks[agency.code] = agency.name
    centres = sorted(((c, n) for c, n in desks.items() if not c.split(".")[-1].startswith("X")),
                     key=lambda d: vn_sort_key(d[1]))
    communes = sorted(((c, n) for c, n in desks.items() if c.split(".")[-1].startswith("X")),
                      key=lambda d: vn_sort_key(_place_name(d[1])))
    places.desks = centres + communes
    return places
