"""The case (dossier) a registry call is bound to, as the exchange needs to see it (issue 4 point 4; issue 15 point 4).

The exchange sits below the dossiers: it knows no dossier table. The package that holds the cases registers a lookup
(``register_case_lookup``, from ``motcua.dossiers`` in its ``AppConfig.ready()``) that gives, for a case code, the
few facts purpose binding needs (Decree 47/2020 Art. 10: data are shared for the purpose and the case stated). Without
a lookup every code is unknown, and a call naming one is refused as "no such dossier".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """What purpose binding reads of a case."""

    code: str
    agency_id: int
    procedure_code: str
    applicant_user_id: int | None
    applicant_personal_id: str
    applicant_enterprise_code: str
    open: bool  # not in a terminal state: its handling may still read data
    form_data: dict[str, Any] = field(default_factory=dict)  # the persons the form names may be read too


CaseLookup = Callable[[str], "Case | None"]
_lookup: CaseLookup | None = None


def register_case_lookup(lookup: CaseLookup) -> None:
    """``lookup(code)`` → the :class:`Case` with that code, or ``None``."""
    global _lookup
    _lookup = lookup


def find(code: str) -> Case | None:
    """The case with ``code`` (``None`` when there is none, or no lookup is registered)."""
    if not code or _lookup is None:
        return None
    return _lookup(code)
