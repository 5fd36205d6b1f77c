"""Changes that keep the state after the result: the applicant's rating (:func:`rate`) and the answer to
an automatic decision (:func:`record_automatic_answer`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .. import rules
from ..models import Dossier, Rating
from ..transitions import Action, Role, State
from .actors import check_actor, check_automatic_decision
from .errors import ActorNotAllowed
from .events import at_or_now, lock_dossier, record_change


def rate(dossier_code: str, satisfied: bool, *, actor, at: datetime | None = None, role: str = Role.APPLICANT,
         data: dict | None = None) -> Dossier:
    """The applicant rates the handling, satisfied or not (issue 3 point 7; Decision 766/QĐ-TTg group 6), once the
    result is returned and only once. Appends a ``rate`` event that keeps the state. A desk officer of the agency may
    record the applicant's paper evaluation (``role=desk_officer``; Decree 118/2025 Art. 31(1)(a)); ``data`` adds
    to the event's data (e.g. the channel).

    ``actor`` is the applicant's user; when the dossier has none (entered at the desk), the caller must have checked
    the applicant otherwise (e.g. by the ID number). Raises :class:`~motcua.dossiers.rules.RuleViolation`
    (``rating_before_return``, ``already_rated``), :class:`DossierNotFound`, :class:`ActorNotAllowed`.
    """
    at = at_or_now(at)
    with transaction.atomic():
        dossier = lock_dossier(dossier_code, None)
        if role not in (Role.APPLICANT, Role.DESK_OFFICER):
            raise ActorNotAllowed("Only the applicant rates, or the desk records the applicant's paper rating.")
        check_actor(dossier, actor, role)
        if dossier.state != State.RETURNED:
            raise rules.RuleViolation("rating_before_return", "The handling can be rated once the result is returned.")
        if dossier.rating:
            raise rules.RuleViolation("already_rated", "The handling of this dossier has already been rated.")
        dossier.rating = Rating.SATISFIED if satisfied else Rating.NOT_SATISFIED
        dossier.rated_at = at
        record_change(dossier, action="rate", actor=actor, role=role, at=at,
                      fields=["rating", "rated_at"], data={**(data or {}), "rating": dossier.rating})
    return dossier


AUTOMATIC_ANSWERS = ("confirm", "refuse", "correction")


def record_automatic_answer(dossier_code: str, answer: str, *, note: str = "", at: datetime | None = None) -> Dossier:
    """Decree 224/2026 Art. 16(4)(b): the person's answer to an automatic decision (confirm, refuse, ask for a
    correction) is kept on the dossier's trail; the state stays (the result was returned; a refusal's restoring of
    the data is the registry's). Only on a dossier the system opened for an automatic decision."""
    if answer not in AUTOMATIC_ANSWERS:
        raise rules.RuleViolation("bad_answer", "The answer is confirm, refuse or correction.")
    at = at_or_now(at)
    with transaction.atomic():
        dossier = lock_dossier(dossier_code, None)
        check_automatic_decision(dossier, Action.APPROVE)
        record_change(dossier, action=f"automatic_{answer}", actor=None, role=Role.SYSTEM, at=at, fields=[],
                      data={"answer": answer, "note": note[:500]})
    return dossier
