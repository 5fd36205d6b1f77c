"""Writes of the applicants' evaluation (Decree 118/2025 Art. 33(1)(a)–(i)): online on the dossier page after the
result (Art. 31(1)(c)), or on paper at the desk, recorded by a desk officer of the agency (Art. 31(1)(a)).

One evaluation per dossier, once the result is returned: the overall verdict goes through
``motcua.dossiers.services.rate`` (the dossier's ``rating``, its ``rate`` event and index 6.3), the answers to each
criterion into :class:`~.models.CitizenEvaluation`, in the same transaction. Answers are 2 (satisfied), 1
(acceptable), 0 (not satisfied) or empty (no answer); the text of point (i) is kept as written, never as markup.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.transitions import Role

from .models import CitizenEvaluation
from .rules import CITIZEN_CRITERIA, local_day

FIELDS = tuple(c.field for c in CITIZEN_CRITERIA)
OTHER_MAX = 2000


class BadEvaluation(ValueError):
    """An answer outside 0/1/2, an unknown key or a text too long."""


def clean_answers(raw: dict) -> dict:
    """The answers as stored: each criterion 0/1/2 or None, ``extra_costs`` True/False/None, ``other`` text.
    Unknown keys are refused."""
    unknown = set(raw) - {*FIELDS, "extra_costs", "other"}
    if unknown:
        raise BadEvaluation(f"Unknown answers: {', '.join(sorted(unknown))}.")
    out: dict = {}
    for name in FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        if isinstance(value, bool) or str(value) not in ("0", "1", "2"):
            raise BadEvaluation(f"{name}: answer 2 (satisfied), 1 (acceptable) or 0 (not satisfied).")
        out[name] = int(value)
    costs = raw.get("extra_costs")
    out["extra_costs"] = None if costs in (None, "") else str(costs).lower() in ("1", "true", "yes", "co", "có")
    other = str(raw.get("other") or "").strip()
    if len(other) > OTHER_MAX:
        raise BadEvaluation(f"other: at most {OTHER_MAX} characters.")
    out["other"] = other
    return out


def record(dossier_code: str, satisfied: bool, answers: dict, *, actor, role: str = Role.APPLICANT,
           at: datetime | None = None) -> CitizenEvaluation:
    """Record the evaluation of a returned dossier, once. ``role``: the applicant online, or a desk officer entering
    the paper form. Raises :class:`BadEvaluation`, and what ``services.rate`` raises (RuleViolation
    ``rating_before_return`` / ``already_rated``, ActorNotAllowed, DossierNotFound)."""
    cleaned = clean_answers(answers)
    channel = "online" if role == Role.APPLICANT else "desk"
    at = at or timezone.now()
    with transaction.atomic():
        dossier = services.rate(dossier_code, satisfied, actor=actor, at=at, role=role, data={"channel": channel})
        return CitizenEvaluation.objects.create(
            dossier=dossier, agency_id=dossier.agency_id, channel=channel,
            recorded_by=actor if role != Role.APPLICANT else None, at=at, day=local_day(at), satisfied=satisfied,
            **cleaned)
