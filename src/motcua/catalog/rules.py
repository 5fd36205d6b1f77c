"""Catalog rules as pure functions (no database): what a procedure record must contain.

Decree 63/2010 Art. 8(2), amended by Decree 92/2017: a) name; b) sequence of steps; c) method (channels); d) dossier
components and number of copies; đ) processing time limit; e) subjects; g) the agency performing the procedure.
A record lacking any of a–g is incomplete (domain.md §1). The functions accept a ``ProcedureRecord`` or a stored
``ProcedureVersion`` (anything with the same attribute names; related managers are read with ``.all()``).
"""

from __future__ import annotations

from typing import Any

MANDATORY_COMPONENTS: dict[str, str] = {
    "a": "name",
    "b": "steps",
    "c": "channels",
    "d": "documents",
    "đ": "time limit",
    "e": "subjects",
    "g": "implementing agency",
}

# Component g: "cơ quan thực hiện thủ tục hành chính". The portal names the deciding body "cơ quan có thẩm quyền" and
# often leaves "cơ quan thực hiện" empty when the two coincide, so either role satisfies g.
PERFORMING_ROLES = frozenset({"implementing", "competent"})


def _items(value: Any) -> list:
    if value is None:
        return []
    if hasattr(value, "all") and callable(value.all):
        return list(value.all())
    return list(value)


def channel_has_time_limit(channel: Any) -> bool:
    """A time limit is stated with an amount (a record's ``time_limit`` or a stored channel's amount and unit)."""
    if hasattr(channel, "time_limit"):
        return channel.time_limit is not None
    return bool(getattr(channel, "time_limit_unit", "")) and getattr(channel, "time_limit_amount", None) is not None


def channel_time_unit(channel: Any) -> str:
    if hasattr(channel, "time_limit"):
        return str(channel.time_limit.unit) if channel.time_limit is not None else ""
    return str(getattr(channel, "time_limit_unit", "") or "") if channel_has_time_limit(channel) else ""


def has_performing_agency(record: Any) -> bool:
    return any(str(a.role) in PERFORMING_ROLES and (a.name or "").strip() for a in _items(record.agencies))


def missing_components(record: Any) -> list[str]:
    """Codes among a, b, c, d, đ, e, g of the mandatory components the record lacks, in the Decree's order."""
    channels = _items(record.channels)
    present = {
        "a": bool((record.name or "").strip()),
        "b": bool(_items(record.steps)),
        "c": bool(channels),
        "d": bool(_items(record.documents)),
        "đ": any(channel_has_time_limit(c) for c in channels),
        "e": bool([s for s in _items(record.subjects) if str(s).strip()]),
        "g": has_performing_agency(record),
    }
    return [code for code in MANDATORY_COMPONENTS if not present[code]]
