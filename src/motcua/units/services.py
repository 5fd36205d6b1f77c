"""Writes for administrative units and agencies: loading the reference data.

``load_reference_units`` reads ``data/admin-units-2025.csv`` (34 provinces, 3,321 communes since 1/7/2025, official
statistical codes from the General Statistics Office) and creates or updates the units and the agencies that follow
from them: the central ministries and bodies, and in every province its People's Committee, standard departments,
public-administration service centre and one People's Committee per commune.

Agency codes are derived from official codes only, never from row order (see ``Agency``'s docstring and
``province_agency_code`` and the other ``*_agency_code`` helpers below), so a reload, or a load on another database,
gives every agency the same code. The whole load is validated before anything is written and runs in one
transaction: a bad row changes nothing.

The data migration ``0002_reference_units`` calls the same loader with the historical models, so every database,
test databases included, starts with the units and agencies.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

DEFAULT_CSV = Path(__file__).resolve().parent / "data" / "admin-units-2025.csv"

# Since 1/7/2025: 34 provincial units (28 provinces + 6 cities) and 3,321 communes (domain.md §1).
EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321

CSV_COLUMNS = ("level", "code", "name", "division_type", "province_code")

# Central bodies after the 2025 restructuring (Resolution 176/2025/QH15: 14 ministries, 3 ministry-level bodies),
# plus other central bodies that implement procedures. (code, name, kind, parent code)
CENTRAL_AGENCIES: tuple[tuple[str, str, str, str | None], ...] = (
    ("BQP", "Bộ Quốc phòng", "ministry", None),
    ("BCA", "Bộ Công an", "ministry", None),
    ("BNG", "Bộ Ngoại giao", "ministry", None),
    ("BNV", "Bộ Nội vụ", "ministry", None),
    ("BTP", "Bộ Tư pháp", "ministry", None),
    ("BTC", "Bộ Tài chính", "ministry", None),
    ("BCT", "Bộ Công Thương", "ministry", None),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "ministry", None),
    ("BXD", "Bộ Xây dựng", "ministry", None),
    ("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", "ministry", None),
    ("BKHCN", "Bộ Khoa học và Công nghệ", "ministry", None),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", "ministry", None),
    ("BYT", "Bộ Y tế", "ministry", None),
    ("BDTTG", "Bộ Dân tộc và Tôn giáo", "ministry", None),
    ("NHNN", "Ngân hàng Nhà nước Việt Nam", "ministry_level", None),
    ("TTCP", "Thanh tra Chính phủ", "ministry_level", None),
    ("VPCP", "Văn phòng Chính phủ", "ministry_level", None),
    ("TANDTC", "Tòa án nhân dân tối cao", "central_other", None),
    ("VKSNDTC", "Viện kiểm sát nhân dân tối cao", "central_other", None),
    # Vietnam Social Security has been an agency of the Ministry of Finance since 1/3/2025.
    ("BHXH", "Bảo hiểm xã hội Việt Nam", "central_other", "BTC"),
)

# The departments (and department-level bodies) every province has after the 2025 restructuring.
# (code suffix after ``H<province>.``, name without the locality). The one place this list lives.
PROVINCIAL_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("TT", "Thanh tra"),
    ("VPUBND", "Văn phòng Ủy ban nhân dân"),
)
SERVICE_CENTRE_SUFFIX = "TTPVHCC"
SERVICE_CENTRE_NAME = "Trung tâm Phục vụ hành chính công"
COMMITTEE_NAME = "Ủy ban nhân dân"

_AGENCY_FIELDS = ("name", "kind", "level", "parent_id", "unit_id")


def province_agency_code(province_code: int) -> str:
    """``H38``: the province's People's Committee (2-digit statistical code, as in ``1.000948.H38``)."""
    return f"H{province_code:02d}"


def department_agency_code(province_code: int, suffix: str) -> str:
    """``H38.STP``: a department (or the service centre, ``H38.TTPVHCC``) of the province."""
    return f"{province_agency_code(province_code)}.{suffix}"


def service_centre_agency_code(province_code: int) -> str:
    """``H38.TTPVHCC``: the province's public-administration service centre."""
    return department_agency_code(province_code, SERVICE_CENTRE_SUFFIX)


def commune_agency_code(province_code: int, commune_code: int) -> str:
    """``H38.X15853``: a commune's People's Committee (5-digit statistical commune code, zero-padded)."""
    return f"{province_agency_code(province_code)}.X{commune_code:05d}"


class ReferenceDataError(ValueError):
    """The reference CSV is not acceptable; names the file, line and field so it can be fixed."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


@dataclass
class LoadSummary:
    """What a load found and changed. A reload of unchanged data creates and updates nothing."""

    provinces: int = 0
    communes: int = 0
    units_created: int = 0
    units_updated: int = 0
    agencies: int = 0
    agencies_created: int = 0
    agencies_updated: int = 0
    agencies_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.units_created or self.units_updated or self.agencies_created or self.agencies_updated)

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.agencies_by_kind.items()))
        return (
            f"{self.provinces} provinces, {self.communes} communes "
            f"({self.units_created} created, {self.units_updated} updated); "
            f"{self.agencies} agencies ({self.agencies_created} created, {self.agencies_updated} updated"
            f"{'; ' + kinds if kinds else ''})"
        )


@dataclass(frozen=True)
class _UnitRow:
    line: int
    level: str
    code: int
    name: str
    division_type: str
    province_code: int


def load_reference_units(csv_path: Path | str | None = None, *, stdout: TextIO | None = None,
                         apps: Any = None) -> LoadSummary:
    """Create or update the 34 provinces, 3,321 communes and their agencies from the reference CSV.

    Idempotent: running it twice changes nothing the second time. Raises ``ReferenceDataError`` naming the file,
    line and field of the first bad row, before anything is written. ``apps`` is the migration state's app registry
    when called from a data migration (historical models); leave it out otherwise.
    """
    path = Path(csv_path) if csv_path else DEFAULT_CSV
    rows = read_units_csv(path)
    if apps is None:
        from motcua.units.models import AdministrativeUnit, Agency
    else:
        AdministrativeUnit = apps.get_model("units", "AdministrativeUnit")
        Agency = apps.get_model("units", "Agency")

    summary = LoadSummary(
        provinces=sum(1 for r in rows if r.level == "province"),
        communes=sum(1 for r in rows if r.level == "commune"),
    )
    with transaction.atomic():
        units = _upsert_units(AdministrativeUnit, rows, summary)
        _upsert_agencies(Agency, _agency_specs(rows, units), summary)
    if stdout is not None:
        stdout.write(f"Loaded {path.name}: {summary}\n")
    return summary


def read_units_csv(path: Path) -> list[_UnitRow]:
    """Parse and validate the reference CSV; raise ``ReferenceDataError`` on the first problem."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ReferenceDataError(path, None, None, f"cannot open the file ({exc.strerror}).") from exc
    rows: list[_UnitRow] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(path, 1, missing[0], f"missing column(s) {', '.join(missing)}; expected "
                                     f"{', '.join(CSV_COLUMNS)}.")
        for raw in reader:
            rows.append(_parse_row(path, reader.line_num, raw))

    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        key = (row.level, row.code)
        if key in seen:
            raise ReferenceDataError(path, row.line, "code", f"duplicate {row.level} code {row.code} "
                                     f"(first on line {seen[key]}).")
        seen[key] = row.line
    province_codes = {r.code for r in rows if r.level == "province"}
    for row in rows:
        if row.level == "province" and row.province_code != row.code:
            raise ReferenceDataError(path, row.line, "province_code",
                                     f"a province's province_code must equal its code {row.code}.")
        if row.level == "commune" and row.province_code not in province_codes:
            raise ReferenceDataError(path, row.line, "province_code",
                                     f"province {row.province_code} is not in the file.")
    provinces = len(province_codes)
    communes = len(rows) - provinces
    if provinces != EXPECTED_PROVINCES or communes != EXPECTED_COMMUNES:
        raise ReferenceDataError(path, None, "level", f"expected {EXPECTED_PROVINCES} provinces and "
                                 f"{EXPECTED_COMMUNES} communes, found {provinces} and {communes}.")
    return rows


def _parse_row(path: Path, line: int, raw: dict[str, str | None]) -> _UnitRow:
    if None in raw:  # extra cells beyond the header
        raise ReferenceDataError(path, line, None, "more cells than columns.")
    values = {k: (raw.get(k) or "").strip() for k in CSV_COLUMNS}
    if values["level"] not in ("province", "commune"):
        raise ReferenceDataError(path, line, "level", f"must be 'province' or 'commune', not {values['level']!r}.")
    numbers: dict[str, int] = {}
    for name in ("code", "province_code"):
        try:
            numbers[name] = int(values[name])
        except ValueError:
            raise ReferenceDataError(path, line, name, f"must be a whole number, not {values[name]!r}.") from None
        if numbers[name] <= 0:
            raise ReferenceDataError(path, line, name, f"must be positive, not {numbers[name]}.")
    if values["level"] == "province" and numbers["code"] > 99:
        raise ReferenceDataError(path, line, "code", f"province codes have two digits, not {numbers['code']}.")
    for name, limit in (("name", 200), ("division_type", 40)):
        if not values[name]:
            raise ReferenceDataError(path, line, name, "must not be empty.")
        if len(values[name]) > limit:
            raise ReferenceDataError(path, line, name, f"longer than {limit} characters.")
    return _UnitRow(line=line, level=values["level"], code=numbers["code"], name=values["name"],
                    division_type=values["division_type"], province_code=numbers["province_code"])


def _upsert_units(model: Any, rows: list[_UnitRow], summary: LoadSummary) -> dict[tuple[str, int], Any]:
    """Provinces first (communes point to them), then communes. Returns (level, code) → unit."""
    for level in ("province", "commune"):
        existing = {(u.level, u.code): u for u in model.objects.all()}
        to_create, to_update = [], []
        for row in rows:
            if row.level != level:
                continue
            province_id = existing[("province", row.province_code)].pk if level == "commune" else None
            wanted = {"name": row.name, "division_type": row.division_type, "province_id": province_id}
            unit = existing.get((level, row.code))
            if unit is None:
                to_create.append(model(level=level, code=row.code, **wanted))
            elif any(getattr(unit, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(unit, k, v)
                to_update.append(unit)
        model.objects.bulk_create(to_create, batch_size=1000)
        model.objects.bulk_update(to_update, ["name", "division_type", "province_id"], batch_size=1000)
        summary.units_created += len(to_create)
        summary.units_updated += len(to_update)
    return {(u.level, u.code): u for u in model.objects.all()}


@dataclass(frozen=True)
class _AgencySpec:
    code: str
    name: str
    kind: str
    level: str
    parent_code: str | None
    unit_id: int | None


def _locality(unit: Any) -> str:
    """``tỉnh Thanh Hóa`` / ``thành phố Hà Nội`` / ``phường Hoàn Kiếm``: the unit as it follows an agency name."""
    name = unit.name
    if unit.level == "province" and not name.lower().startswith("thành phố"):
        return f"{unit.division_type} {name}"
    return name[0].lower() + name[1:]


def _agency_specs(rows: list[_UnitRow], units: dict[tuple[str, int], Any]) -> list[list[_AgencySpec]]:
    """Agencies in tiers: every agency's parent is in an earlier tier."""
    top: list[_AgencySpec] = []
    below: list[_AgencySpec] = []
    for code, name, kind, parent in CENTRAL_AGENCIES:
        (below if parent else top).append(_AgencySpec(code, name, kind, "ministry", parent, None))
    for row in rows:
        if row.level != "province":
            continue
        province = units[("province", row.code)]
        committee = province_agency_code(row.code)
        where = _locality(province)
        top.append(_AgencySpec(committee, f"{COMMITTEE_NAME} {where}", "provincial_committee", "province", None,
                               province.pk))
        for suffix, name in PROVINCIAL_DEPARTMENTS:
            below.append(_AgencySpec(department_agency_code(row.code, suffix), f"{name} {where}", "department",
                                     "province", committee, province.pk))
        below.append(_AgencySpec(service_centre_agency_code(row.code),
                                 f"{SERVICE_CENTRE_NAME} {where}", "service_centre", "province", committee,
                                 province.pk))
    for row in rows:
        if row.level != "commune":
            continue
        commune = units[("commune", row.code)]
        below.append(_AgencySpec(commune_agency_code(row.province_code, row.code),
                                 f"{COMMITTEE_NAME} {_locality(commune)}", "commune_committee", "commune",
                                 province_agency_code(row.province_code), commune.pk))
    return [top, below]


def _upsert_agencies(model: Any, tiers: list[list[_AgencySpec]], summary: LoadSummary) -> None:
    existing = {a.code: a for a in model.objects.all()}
    for tier in tiers:
        ids = {code: a.pk for code, a in existing.items()}
        to_create, to_update = [], []
        for spec in tier:
            wanted = {"name": spec.name, "kind": spec.kind, "level": spec.level,
                      "parent_id": ids[spec.parent_code] if spec.parent_code else None, "unit_id": spec.unit_id}
            agency = existing.get(spec.code)
            if agency is None:
                to_create.append(model(code=spec.code, **wanted))
            elif any(getattr(agency, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(agency, k, v)
                to_update.append(agency)
        model.objects.bulk_create(to_create, batch_size=1000)
        model.objects.bulk_update(to_update, list(_AGENCY_FIELDS), batch_size=1000)
        summary.agencies_created += len(to_create)
        summary.agencies_updated += len(to_update)
        existing = {a.code: a for a in model.objects.all()}
    codes = {spec.code: spec.kind for tier in tiers for spec in tier}
    summary.agencies = len(codes)
    for kind in codes.values():
        summary.agencies_by_kind[kind] = summary.agencies_by_kind.get(kind, 0) + 1
