"""The applicants' evaluation (Decree 118/2025 Art. 33(1)(a)–(i)) as oversight keeps it: the answers to each criterion
in :class:`~.models.CitizenEvaluation`, for the evaluation of agencies (Art. 32–34).

The questions, the answers' rule and the write belong to the dossier (:mod:`motcua.dossiers.rating`: the applicant
online after the result, Art. 31(1)(c), or a desk officer entering the paper form, Art. 31(1)(a)); :func:`keep` is
registered there when the app is ready (``apps.py``) and runs in the evaluation's transaction. The text of point (i)
is kept as written, never as markup.
"""

from __future__ import annotations

from datetime import datetime

from motcua.dossiers import rating
from motcua.dossiers.rating import FIELDS as FIELDS  # re-exported
from motcua.dossiers.rating import OTHER_MAX as OTHER_MAX  # re-exported
from motcua.dossiers.rating import BadEvaluation as BadEvaluation  # re-exported
from motcua.dossiers.rating import clean_answers as clean_answers  # re-exported
from motcua.dossiers.transitions import Role

from .models import CitizenEvaluation
from .rules import local_day


def keep(evaluation: rating.Evaluation) -> CitizenEvaluation:
    """Store the answers of one evaluation (the recorder registered with :mod:`motcua.dossiers.rating`)."""
    return CitizenEvaluation.objects.create(
        dossier=evaluation.dossier, agency_id=evaluation.dossier.agency_id, channel=evaluation.channel,
        recorded_by=evaluation.actor if evaluation.role != Role.APPLICANT else None, at=evaluation.at,
        day=local_day(evaluation.at), satisfied=evaluation.satisfied, **evaluation.answers)


def record(dossier_code: str, satisfied: bool, answers: dict, *, actor, role: str = Role.APPLICANT,
           at: datetime | None = None) -> CitizenEvaluation:
    """:func:`motcua.dossiers.rating.record`, returning the answers as kept here. Raises what it raises."""
    kept = rating.record(dossier_code, satisfied, answers, actor=actor, role=role, at=at)
    return next(row for row in kept if isinstance(row, CitizenEvaluation))
