"""The catalog's canonical record: one procedure version as plain data.

Every importer produces ``ProcedureRecord`` objects and one writer (``services.upsert_records``) stores them, so the
national-portal importer, the project's own JSON format and the tests all go through the same path. ``to_dict`` is
the documented JSON export format (docs/catalog-json.md); ``from_dict`` validates it and names the offending field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from .models import AgencyRole, ChannelKind, Level, OnlineLevel, TimeUnit, VersionStatus

FORMAT_VERSION = 1


class RecordError(ValueError):
    """A record that breaks the format; ``field`` is a dotted path like ``channels[2].fees[0].amount_vnd``."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(f"{field_path}: {message}")
        self.field = field_path
        self.message = message


@dataclass
class TimeLimit:
    amount: Decimal
    unit: str  # TimeUnit value

    def to_dict(self) -> dict[str, Any]:
        return {"amount": _number(self.amount), "unit": self.unit}


@dataclass
class FeeRecord:
    amount_vnd: int | None
    description: str = ""


@dataclass
class ChannelRecord:
    kind: str  # ChannelKind value
    time_limit: TimeLimit | None = None
    time_limit_text: str = ""
    fees: list[FeeRecord] = field(default_factory=list)
    description: str = ""
    # Decree 118/2025 Art. 17(3), 18(2): does a receipt after 15:00 count from the next working day? None: by the law
    # (same-day limits yes, others no). Written in the JSON form only when set, so existing exports do not change.
    cutoff_moves_start: bool | None = None


@dataclass
class DocumentRecord:
    name: str
    originals: int = 0
    copies: int = 0
    form: str = ""
    form_url: str = ""
    case: str = ""
    replaceable_by_registry: bool = False
    reusable_from_result: bool = False


@dataclass
class LegalRecord:
    number: str
    title: str = ""
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None


@dataclass
class AgencyRecord:
    role: str  # AgencyRole value
    name: str
    code: str = ""  # units.Agency code when the name resolves to a known agency


@dataclass
class ResultRecord:
    name: str
    code: str = ""
    description: str = ""


@dataclass
class StepRecord:
    title: str = ""
    description: str = ""


@dataclass
class ParseIssue:
    """Something the importer could not standardise; the raw text is kept verbatim."""

    component: str
    message: str
    raw: str = ""


@dataclass
class ProcedureRecord:
    code: str
    name: str
    kind: str = ""
    sector: str = ""
    levels: list[str] = field(default_factory=list)
    online_level: str = OnlineLevel.NONE
    subjects: list[str] = field(default_factory=list)
    requirements: str = ""
    submission_address: str = ""
    related_procedures_text: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    channels: list[ChannelRecord] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    legal_basis: list[LegalRecord] = field(default_factory=list)
    agencies: list[AgencyRecord] = field(default_factory=list)
    results: list[ResultRecord] = field(default_factory=list)
    status: str = VersionStatus.PUBLISHED
    decision_number: str = ""
    decision_date: dt.date | None = None
    uploaded_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""
    source_url: str = ""
    source_folder: str = ""
    parse_issues: list[ParseIssue] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    # -- serialisation ---------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form: stable key order, dates as ISO strings, amounts as numbers."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "channels":
                value = [
                    {
                        "kind": c.kind,
                        "time_limit": c.time_limit.to_dict() if c.time_limit else None,
                        "time_limit_text": c.time_limit_text,
                        "fees": [asdict(fee) for fee in c.fees],
                        "description": c.description,
                        **({} if c.cutoff_moves_start is None else {"cutoff_moves_start": c.cutoff_moves_start}),
                    }
                    for c in value
                ]
            elif f.name == "legal_basis":
                value = [
                    {
                        "number": lr.number,
                        "title": lr.title,
                        "issued_on": _iso(lr.issued_on),
                        "effective_on": _iso(lr.effective_on),
                    }
                    for lr in value
                ]
            elif f.name in {"steps", "documents", "agencies", "results", "parse_issues"}:
                value = [asdict(item) for item in value]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif f.name == "online_level" or f.name == "status":
                value = str(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Any, where: str = "") -> ProcedureRecord:
        """Validate and build a record; raises ``RecordError`` naming the field."""
        p = f"{where}." if where else ""
        if not isinstance(data, dict):
            raise RecordError(where or "record", "expected an object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RecordError(f"{p}{unknown[0]}", "unknown field")
        code = _str(data, "code", p, required=True)
        name = _str(data, "name", p, required=True)
        levels = _str_list(data, "levels", p)
        for i, lv in enumerate(levels):
            if lv not in Level.values:
                raise RecordError(f"{p}levels[{i}]", f"must be one of {', '.join(Level.values)}")
        online_level = _choice(data, "online_level", p, OnlineLevel.values, OnlineLevel.NONE)
        status = _choice(data, "status", p, VersionStatus.values, VersionStatus.PUBLISHED)

        # Each list in the documented order, each item checked with its path (``channels[0].fees[1].amount_vnd``).
        channels = _items(data, "channels", p, _channel_record)
        documents = _items(data, "documents", p, _document_record)
        legal = _items(data, "legal_basis", p, _legal_record)
        agencies = _items(data, "agencies", p, _agency_record)
        results = _items(data, "results", p, _result_record)
        steps = _items(data, "steps", p, _step_record)
        issues = _items(data, "parse_issues", p, _parse_issue)

        raw = data.get("raw", {})
        if not isinstance(raw, dict):
            raise RecordError(f"{p}raw", "expected an object")

        return cls(
            code=code, name=name, kind=_str(data, "kind", p), sector=_str(data, "sector", p), levels=levels,
            online_level=online_level, subjects=_str_list(data, "subjects", p),
            requirements=_str(data, "requirements", p), submission_address=_str(data, "submission_address", p),
            related_procedures_text=_str(data, "related_procedures_text", p),
            steps=steps, channels=channels, documents=documents, legal_basis=legal, agencies=agencies,
            results=results, status=status, decision_number=_str(data, "decision_number", p),
            decision_date=_date(data, "decision_date", p), uploaded_on=_date(data, "uploaded_on", p),
            valid_from=_date(data, "valid_from", p), valid_to=_date(data, "valid_to", p),
            source=_str(data, "source", p), source_url=_str(data, "source_url", p),
            source_folder=_str(data, "source_folder", p), parse_issues=issues, raw=raw,
        )


# -- the lists of a record, one item at a time ---------------------------------------------------------------


def _items(data: dict, key: str, p: str, build: Callable[[Any, str], Any]) -> list:
    return [build(item, f"{p}{key}[{i}].") for i, item in enumerate(_list(data, key, p))]


def _channel_record(c: Any, cp: str) -> ChannelRecord:
    _only(c, cp, {"kind", "time_limit", "time_limit_text", "fees", "description", "cutoff_moves_start"})
    cutoff = c.get("cutoff_moves_start")
    if cutoff is not None and not isinstance(cutoff, bool):
        raise RecordError(f"{cp}cutoff_moves_start", "must be true, false or null")
    kind = _choice(c, "kind", cp, ChannelKind.values, None, required=True)
    tl = c.get("time_limit")
    time_limit = None
    if tl is not None:
        if not isinstance(tl, dict):
            raise RecordError(f"{cp}time_limit", "expected an object or null")
        _only(tl, f"{cp}time_limit.", {"amount", "unit"})
        unit = _choice(tl, "unit", f"{cp}time_limit.", TimeUnit.values, None, required=True)
        amount = _decimal(tl.get("amount"), f"{cp}time_limit.amount")
        time_limit = TimeLimit(amount, unit)
    fees = _items(c, "fees", cp, _fee_record)
    return ChannelRecord(kind, time_limit, _str(c, "time_limit_text", cp), fees, _str(c, "description", cp), cutoff)


def _fee_record(fee: Any, fp: str) -> FeeRecord:
    _only(fee, fp, {"amount_vnd", "description"})
    amount = fee.get("amount_vnd")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise RecordError(f"{fp}amount_vnd", "must be a non-negative integer or null")
    return FeeRecord(amount, _str(fee, "description", fp))


def _document_record(d: Any, dp: str) -> DocumentRecord:
    _only(d, dp, {f.name for f in fields(DocumentRecord)})
    return DocumentRecord(
        name=_str(d, "name", dp, required=True),
        originals=_count(d, "originals", dp),
        copies=_count(d, "copies", dp),
        form=_str(d, "form", dp),
        form_url=_str(d, "form_url", dp),
        case=_str(d, "case", dp),
        replaceable_by_registry=_bool(d, "replaceable_by_registry", dp),
        reusable_from_result=_bool(d, "reusable_from_result", dp),
    )


def _legal_record(lr: Any, lp: str) -> LegalRecord:
    _only(lr, lp, {"number", "title", "issued_on", "effective_on"})
    return LegalRecord(_str(lr, "number", lp, required=True), _str(lr, "title", lp), _date(lr, "issued_on", lp),
                       _date(lr, "effective_on", lp))


def _agency_record(a: Any, ap: str) -> AgencyRecord:
    _only(a, ap, {"role", "name", "code"})
    return AgencyRecord(_choice(a, "role", ap, AgencyRole.values, None, required=True),
                        _str(a, "name", ap, required=True), _str(a, "code", ap))


def _result_record(r: Any, rp: str) -> ResultRecord:
    _only(r, rp, {"name", "code", "description"})
    return ResultRecord(_str(r, "name", rp, required=True), _str(r, "code", rp), _str(r, "description", rp))


def _step_record(s: Any, sp: str) -> StepRecord:
    _only(s, sp, {"title", "description"})
    return StepRecord(_str(s, "title", sp), _str(s, "description", sp))


def _parse_issue(s: Any, ip: str) -> ParseIssue:
    _only(s, ip, {"component", "message", "raw"})
    return ParseIssue(_str(s, "component", ip, required=True), _str(s, "message", ip), _str(s, "raw", ip))


# -- helpers ------------------------------------------------------------------------------------------------


def _number(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _only(obj: Any, prefix: str, allowed: set[str]) -> None:
    if not isinstance(obj, dict):
        raise RecordError(prefix.rstrip(".") or "record", "expected an object")
    extra = sorted(set(obj) - allowed)
    if extra:
        raise RecordError(f"{prefix}{extra[0]}", "unknown field")


def _str(obj: dict, key: str, prefix: str, required: bool = False) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(f"{prefix}{key}", "expected a string")
    if required and not value.strip():
        raise RecordError(f"{prefix}{key}", "is required")
    return value


def _list(obj: dict, key: str, prefix: str) -> list:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{prefix}{key}", "expected a list")
    return value


def _str_list(obj: dict, key: str, prefix: str) -> list[str]:
    values = _list(obj, key, prefix)
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise RecordError(f"{prefix}{key}[{i}]", "expected a string")
    return list(values)


def _choice(obj: dict, key: str, prefix: str, allowed: list[str], default: str | None, required: bool = False):
    value = obj.get(key)
    if value is None:
        if required:
            raise RecordError(f"{prefix}{key}", "is required")
        return default
    if value not in allowed:
        raise RecordError(f"{prefix}{key}", f"must be one of {', '.join(allowed)}")
    return value


def _decimal(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError(path, "expected a number")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise RecordError(path, "expected a number") from None
    if not d.is_finite() or d < 0 or d >= Decimal("1000000"):
        raise RecordError(path, "must be a number between 0 and 999999")
    return d


def _count(obj: dict, key: str, prefix: str) -> int:
    value = obj.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError(f"{prefix}{key}", "must be a non-negative integer")
    return value


def _bool(obj: dict, key: str, prefix: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise RecordError(f"{prefix}{key}", "expected true or false")
    return value


def _date(obj: dict, key: str, prefix: str) -> dt.date | None:
    value = obj.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"{prefix}{key}", "expected a date YYYY-MM-DD or null")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{prefix}{key}", "expected a date YYYY-MM-DD or null") from None
