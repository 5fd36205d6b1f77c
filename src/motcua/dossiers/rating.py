"""The applicant's evaluation of a dossier's handling (Decree 118/2025 Art. 33(1)(a)–(i)): the questions asked on the
dossier pages, the answers' rule, and the write.

Asked online on the applicant's page once the result is returned (Art. 31(1)(c)), or entered from the paper form by
a desk officer of the agency (Art. 31(1)(a)). One evaluation per dossier: the overall verdict goes through
``services.rate`` (the dossier's ``rating``, its ``rate`` event, index 6.3), and in the same transaction each
registered recorder keeps the answers — oversight's, which stores them for the evaluation of agencies (Art. 32–34),
registers itself when its app is ready (:func:`register_recorder`). The questions are a dossier rule asked by the
dossier pages; oversight reads them from here (issue 15 point 4: dependencies one way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Dossier
from .transitions import Role


@dataclass(frozen=True)
class Question:
    letter: str  # the point of Art. 33(1): a, b, c, …
    name: str  # Vietnamese, as the decree words it
    field: str  # the answer's key (oversight's CitizenEvaluation column)


# Art. 33(1)(a)–(h): what the applicant evaluates. Point (i) (extra costs, other remarks) is free text and a yes/no.
QUESTIONS: tuple[Question, ...] = (
    Question("a", "Thời gian trả kết quả so với quy định", "time_vs_limit"),
    Question("b", "Số lượng cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ", "agencies_contacted"),
    Question("c", "Số lần phải liên hệ với cơ quan tiếp nhận để hoàn thiện hồ sơ", "contacts_to_complete"),
    Question("d", "Tính chính xác, đầy đủ, kịp thời của thông tin TTHC được công khai", "information_accuracy"),
    Question("đ", "Thái độ ứng xử của cán bộ hướng dẫn, tiếp nhận, giải quyết hồ sơ", "officer_conduct"),
    Question("e", "Sự phù hợp với pháp luật của kết quả và chi phí thực hiện TTHC", "lawfulness_and_costs"),
    Question("g", "Thời gian và chất lượng giải trình đối với phản ánh, kiến nghị, khiếu nại, tố cáo", "explanations"),
    Question("h", "Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến", "online_service"),
)
# Answers: 2 satisfied, 1 acceptable, 0 not satisfied.
ANSWERS: tuple[tuple[int, str], ...] = ((2, "Hài lòng"), (1, "Bình thường"), (0, "Không hài lòng"))
FIELDS = tuple(q.field for q in QUESTIONS)
OTHER_MAX = 2000


class BadEvaluation(ValueError):
    """An answer outside 0/1/2, an unknown key or a text too long."""


def questions() -> list[dict]:
    """The questions with their answers, as the rating forms show them."""
    return [{"letter": q.letter, "name": q.name, "field": q.field, "answers": ANSWERS} for q in QUESTIONS]


def clean_answers(raw: dict) -> dict:
    """The answers as stored: each question 0/1/2 or None, ``extra_costs`` True/False/None, ``other`` text.
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


@dataclass(frozen=True)
class Evaluation:
    """What a recorder receives: the rated dossier and the cleaned answers, with who recorded them and how."""

    dossier: Dossier
    satisfied: bool
    answers: dict
    channel: str  # "online" (the applicant) or "desk" (the paper form entered by a desk officer)
    actor: object
    role: str
    at: datetime


Recorder = Callable[[Evaluation], object]
_recorders: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    """Keep the answers of each evaluation (called inside its transaction; whatever it raises rolls it back)."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def record(dossier_code: str, satisfied: bool, answers: dict, *, actor, role: str = Role.APPLICANT,
           at: datetime | None = None) -> list:
    """Record the evaluation of a returned dossier, once, and return what each recorder returned. ``role``: the
    applicant online, or a desk officer entering the paper form. Raises :class:`BadEvaluation`, and what
    ``services.rate`` raises (RuleViolation ``rating_before_return`` / ``already_rated``, ActorNotAllowed,
    DossierNotFound); nothing is written then."""
    cleaned = clean_answers(answers)
    channel = "online" if role == Role.APPLICANT else "desk"
    at = at or timezone.now()
    with transaction.atomic():
        dossier = services.rate(dossier_code, satisfied, actor=actor, at=at, role=role, data={"channel": channel})
        evaluation = Evaluation(dossier, satisfied, cleaned, channel, actor, role, at)
        return [recorder(evaluation) for recorder in _recorders]
