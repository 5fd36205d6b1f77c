"""Reads for administrative units, agencies and officers' roles.

``resolve_agency_name`` turns the free-text agency names of the national portal ("Bộ Công an", "Sở Tư pháp Thành phố
Hà Nội", "Ủy ban nhân dân cấp tỉnh") into a known ``Agency``. Names that fit many agencies ("Sở Tư pháp",
"Ủy ban nhân dân cấp xã") resolve only when a province narrows them to one, and otherwise give ``None``: a wrong
agency is worse than none.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from motcua.core.text import fold
from motcua.units.models import AdministrativeUnit, Agency, Membership, UnitLevel
from motcua.units.services import (
    CENTRAL_AGENCIES,
    COMMITTEE_NAME,
    PROVINCIAL_DEPARTMENTS,
    SERVICE_CENTRE_NAME,
    SERVICE_CENTRE_SUFFIX,
    commune_agency_code,
    department_agency_code,
    province_agency_code,
)

__all__ = [
    "agencies_for_user",
    "agency_by_code",
    "commune_agency_code",
    "communes",
    "department_agency_code",
    "province_agency_code",
    "provinces",
    "resolve_agency_name",
    "under_codes",
    "user_has_role",
]


def agency_by_code(code: str) -> Agency | None:
    """The agency with this code (``BTP``, ``H38``, ``H38.STP``, ``H38.X15853``), or ``None``."""
    return Agency.objects.filter(code=code.strip()).first() if code else None


def under_codes(codes: Any, field: str = "code") -> Q:
    """Agencies whose code is one of ``codes`` or below it in the code tree (``H01`` covers ``H01`` and ``H01.*``):
    the one rule by which a supervisor's province or ministry is read everywhere. ``field`` is the path to the agency
    code from the model queried (``agency__code`` for dossiers). No codes: a condition nothing matches."""
    condition = Q(pk__in=[])
    for code in sorted(set(codes)):
        condition |= Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})
    return condition


def provinces() -> QuerySet[AdministrativeUnit]:
    """The 34 provincial units, by statistical code."""
    return AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("code")


def communes(province: AdministrativeUnit | int | None = None) -> QuerySet[AdministrativeUnit]:
    """Communes by code, optionally of one province (a unit or its statistical code)."""
    qs = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).order_by("code")
    if province is not None:
        qs = qs.filter(province__code=_province_code(province))
    return qs


def agencies_for_user(user: Any, role: str) -> QuerySet[Agency]:
    """Agencies where ``user`` holds ``role`` (a ``Role`` value), by code. Empty for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user, memberships__role=role).distinct().order_by("code")


def user_has_role(user: Any, agency: Agency, role: str) -> bool:
    """Whether ``user`` holds ``role`` in ``agency`` (memberships are explicit: no inheritance from parents)."""
    if user is None or not getattr(user, "is_authenticated", False) or agency is None:
        return False
    return Membership.objects.filter(user=user, agency=agency, role=role).exists()


# --- Name resolution -------------------------------------------------------------------------------------------

_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _key(text: str) -> str:
    """Folded words only: 'Bộ Văn hoá, Thể thao và Du lịch' → 'bo van hoa the thao va du lich'."""
    words = _NON_WORD.sub(" ", fold(_PARENTHESES.sub(" ", text or ""))).split()
    out: list[str] = []
    for i, word in enumerate(words):
        if word == "ubnd":
            out += ["uy", "ban", "nhan", "dan"]
        elif word == "tp" and i + 1 < len(words):
            out += ["thanh", "pho"]
        else:
            out.append(word)
    return " ".join(out)


# Former names of bodies merged in the 2025 restructuring, still found in portal records, mapped to the successor
# that took over their procedures. The Ministry of Labour, Invalids and Social Affairs split across several
# ministries, so its name stays unresolved.
_FORMER_NAMES = {
    "Bộ Tài nguyên và Môi trường": "BNNMT",
    "Bộ Nông nghiệp và Phát triển nông thôn": "BNNMT",
    "Bộ Kế hoạch và Đầu tư": "BTC",
    "Bộ Giao thông vận tải": "BXD",
    "Bộ Thông tin và Truyền thông": "BKHCN",
    "Ủy ban Dân tộc": "BDTTG",
}
_SHORT_NAMES = {
    "Ngân hàng Nhà nước": "NHNN",
    "Bảo hiểm xã hội": "BHXH",
    "Tòa án tối cao": "TANDTC",
    "Viện kiểm sát tối cao": "VKSNDTC",
}
_CENTRAL_KEYS: dict[str, str] = {
    **{_key(name): code for name, code in {**_FORMER_NAMES, **_SHORT_NAMES}.items()},
    **{_key(name): code for code, name, _kind, _parent in CENTRAL_AGENCIES},
    **{code.lower(): code for code, _name, _kind, _parent in CENTRAL_AGENCIES},
}

# Local bodies: name prefix (folded) → code suffix within the province ("" for the People's Committee).
_COMMITTEE = ""
_LOCAL_BODIES: list[tuple[str, str]] = sorted(
    [(_key(COMMITTEE_NAME), _COMMITTEE), (_key(SERVICE_CENTRE_NAME), SERVICE_CENTRE_SUFFIX)]
    + [(_key(name), suffix) for suffix, name in PROVINCIAL_DEPARTMENTS],
    key=lambda item: -len(item[0]),
)
# Who signs for a body: "Chủ tịch Ủy ban nhân dân cấp tỉnh" means the committee, "Giám đốc Sở Tư pháp" the department.
_HEAD_PREFIXES = ("chu tich ", "giam doc ", "chanh thanh tra ", "chanh van phong ")
# Words that describe a level rather than name a place: "cấp tỉnh", "tỉnh và thành phố trực thuộc trung ương".
_PROVINCE_LEVEL_WORDS = frozenset(["cap", "tinh", "thanh", "pho", "va", "truc", "thuoc", "trung", "uong"])
_COMMUNE_LEVEL_WORDS = frozenset(["cap", "xa", "phuong", "thi", "tran", "dac", "khu", "va"])
_COMMUNE_TYPES = ("xa ", "phuong ", "dac khu ")


def resolve_agency_name(name: str, province: AdministrativeUnit | int | None = None) -> Agency | None:
    """The one agency a portal's free-text name designates, or ``None``.

    Central bodies match by name, abbreviation (``BTP``) or a former name taken over in 2025 ("Bộ Giao thông vận
    tải" → Bộ Xây dựng). Local names resolve when they name their place ("Sở Tư pháp Thành phố Hà Nội", "Ủy ban
    nhân dân phường Ba Đình") or when ``province`` (a unit or its statistical code) narrows a level-only name
    ("Sở Tư pháp", "Ủy ban nhân dân cấp tỉnh") to one body. "Ủy ban nhân dân cấp xã" never resolves: a province
    has many communes.
    """
    key = _key(name)
    if not key:
        return None
    if key in _CENTRAL_KEYS:
        return agency_by_code(_CENTRAL_KEYS[key])
    for prefix in _HEAD_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    for body, suffix in _LOCAL_BODIES:
        if key == body or key.startswith(body + " "):
            return _resolve_local(suffix, key[len(body):].strip(), province)
    return None


def _resolve_local(suffix: str, place: str, province: AdministrativeUnit | int | None) -> Agency | None:
    province_code = _province_code(province) if province is not None else None
    if suffix == _COMMITTEE and _is_commune_name(place):
        # "phường Ba Đình" first as a whole: some commune names end like a province's ("xã Quảng Ninh").
        found = _resolve_commune(place, province_code)
        if found is not None:
            return found
    named_province, rest = _split_province(place)
    if named_province is not None:
        if province_code is not None and named_province != province_code:
            return None  # the name contradicts the given province
        province_code = named_province
    if not rest or set(rest.split()) <= _PROVINCE_LEVEL_WORDS:
        if province_code is None:
            return None
        code = department_agency_code(province_code, suffix) if suffix else province_agency_code(province_code)
        return agency_by_code(code)
    if suffix == _COMMITTEE and named_province is not None and _is_commune_name(rest):
        return _resolve_commune(rest, province_code)
    return None


def _is_commune_name(place: str) -> bool:
    """'phường ba dinh' names a commune; 'cap xa', 'xa phuong thi tran' only a level."""
    return place.startswith(_COMMUNE_TYPES) and not set(place.split()) <= _COMMUNE_LEVEL_WORDS


def _resolve_commune(place: str, province_code: int | None) -> Agency | None:
    qs = communes(province_code) if province_code is not None else communes()
    matches = [(c["code"], c["province__code"]) for c in qs.values("code", "name", "province__code")
               if _key(c["name"]) == place]
    if len(matches) != 1:
        return None  # unknown, or the same name in several provinces
    commune_code, of_province = matches[0]
    return agency_by_code(commune_agency_code(of_province, commune_code))


def _split_province(place: str) -> tuple[int | None, str]:
    """Find a province named at the end of ``place`` ("… tỉnh Thanh Hóa", "… Thành phố Hà Nội", "… Hà Nội")."""
    if not place:
        return None, place
    for code, name in provinces().values_list("code", "name"):
        bare = _key(name).removeprefix("thanh pho ")
        for form in (f"tinh {bare}", f"thanh pho {bare}", bare):
            if place == form:
                return code, ""
            if place.endswith(" " + form):
                return code, place[: -len(form) - 1].strip()
    return None, place


def _province_code(province: AdministrativeUnit | int) -> int:
    return province.code if isinstance(province, AdministrativeUnit) else int(province)
