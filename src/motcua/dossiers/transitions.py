"""The dossier lifecycle as data: states, their national sync status codes, and who may do what in which state.

Sources: domain.md §3 (Decree 118/2025/NĐ-CP as amended by Decree 309/2026, Circular 03/2025/TT-VPCP). The national
portal (DVCQG) synchronises ten statuses [practice]; several internal states share one code, because motcua needs to
know more than the portal (e.g. whether a supplement was asked for at receipt or during appraisal, because only the
latter restarts the legal clock).

Everything here is pure: :func:`next_state` and :func:`allowed_actions` read the table :data:`TRANSITIONS`. Rules that
depend on times or counters (the 3-working-day supplement notice, the one apology) live in :mod:`.rules`, and the
effects of an action on the dossier's clocks in :mod:`.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from motcua.core.workflow import Lifecycle, transition_row
from motcua.core.workflow import Transition as Transition  # re-exported
from motcua.core.workflow import TransitionNotAllowed as TransitionNotAllowed  # re-exported


class State(StrEnum):
    """Internal dossier states. ``NEW`` is the pseudo-state before submission; no stored dossier is ever in it."""

    NEW = "new"
    SUBMITTED = "submitted"
    # Incomplete at receipt: the desk lists everything missing at once (form 02); the dossier is not received yet.
    RECEIPT_SUPPLEMENT_REQUESTED = "receipt_supplement_requested"
    NOT_RECEIVED = "not_received"
    RECEIVED = "received"
    PROCESSING = "processing"
    CONSULTING = "consulting"
    # Incomplete found during appraisal: the clock stops; it restarts from zero on resubmission (Decree 118 Art. 19(5)).
    SUPPLEMENT_REQUESTED = "supplement_requested"
    PAYMENT_REQUESTED = "payment_requested"
    APPROVED = "approved"
    RESULT_ISSUED = "result_issued"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


class Role(StrEnum):
    """Who acts. Officer roles match ``units.Role``; ``supervisor`` only reads, ``system`` is the machine itself."""

    APPLICANT = "applicant"
    DESK_OFFICER = "desk_officer"
    SPECIALIST = "specialist"
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


class Action(StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUBMIT_SUPPLEMENT = "submit_supplement"
    REFUSE = "refuse"
    ASSIGN = "assign"
    COMPLETE_STEP = "complete_step"
    CONSULT = "consult"
    ANSWER_CONSULTATION = "answer_consultation"
    APPROVE = "approve"
    REQUEST_PAYMENT = "request_payment"
    CONFIRM_PAYMENT = "confirm_payment"
    ISSUE_RESULT = "issue_result"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"
    STOP = "stop"
    APOLOGISE = "apologise"
    AMEND = "amend"
    TRANSFER_PAPER = "transfer_paper"
    RECORD_COMPETENT_RECEIPT = "record_competent_receipt"


@dataclass(frozen=True)
class StatusCode:
    """A status as synchronised to DVCQG (Circular 22/2019/TT-BTTTT Annex I as quoted in domain.md §3)."""

    code: int
    name: str


STATUS_CODES: dict[int, StatusCode] = {
    1: StatusCode(1, "Mới đăng ký"),
    2: StatusCode(2, "Được tiếp nhận"),
    3: StatusCode(3, "Không được tiếp nhận"),
    4: StatusCode(4, "Đang xử lý"),
    5: StatusCode(5, "Yêu cầu bổ sung giấy tờ"),
    6: StatusCode(6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: StatusCode(7, "Công dân yêu cầu rút hồ sơ"),
    8: StatusCode(8, "Dừng xử lý"),
    9: StatusCode(9, "Đã xử lý xong"),
    10: StatusCode(10, "Đã trả kết quả"),
}

# Each stored state and its national status code.
STATE_STATUS: dict[State, int] = {
    State.SUBMITTED: 1,
    State.RECEIVED: 2,
    State.NOT_RECEIVED: 3,
    State.PROCESSING: 4,
    State.CONSULTING: 4,
    State.RECEIPT_SUPPLEMENT_REQUESTED: 5,
    State.SUPPLEMENT_REQUESTED: 5,
    State.PAYMENT_REQUESTED: 6,
    State.WITHDRAWN: 7,
    State.STOPPED: 8,
    # A refusal after appraisal ends processing without the requested result; DVCQG's code for it is not settled
    # [open]: mapped to "stopped" with the refusal recorded in the event.
    State.REFUSED: 8,
    State.APPROVED: 9,
    State.RESULT_ISSUED: 9,
    State.RETURNED: 10,
}

TERMINAL_STATES: frozenset[State] = frozenset(
    {State.NOT_RECEIVED, State.RETURNED, State.REFUSED, State.WITHDRAWN, State.STOPPED}
)

# States in which the legal clock runs (it is paused while waiting for the applicant's supplement or payment).
CLOCK_RUNNING_STATES: frozenset[State] = frozenset(
    {State.RECEIVED, State.PROCESSING, State.CONSULTING, State.APPROVED, State.RESULT_ISSUED}
)

A, R, S = Action, Role, State
_OFFICERS = frozenset({R.DESK_OFFICER, R.SPECIALIST, R.LEADER})
_BEFORE_RESULT = frozenset({S.SUBMITTED, S.RECEIPT_SUPPLEMENT_REQUESTED, S.RECEIVED, S.PROCESSING, S.CONSULTING,
                            S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED})


_t = transition_row  # a row of the table: action, sources, target, roles, note (core.workflow)


TRANSITIONS: tuple[Transition, ...] = (
    _t(A.SUBMIT, {S.NEW}, S.SUBMITTED, {R.APPLICANT, R.DESK_OFFICER, R.SYSTEM},
       "Online by the applicant; at the desk or on postal arrival entered by the desk officer."),
    _t(A.RECEIVE, {S.SUBMITTED}, S.RECEIVED, {R.DESK_OFFICER, R.SYSTEM},
       "Complete: receipt slip with the appointment (form 01); the legal clock starts. The system only for an "
       "automatic decision the law allows (Decree 224/2026 Art. 16(4); services.check_automatic_decision)."),
    _t(A.REQUEST_SUPPLEMENT, {S.SUBMITTED}, S.RECEIPT_SUPPLEMENT_REQUESTED, {R.DESK_OFFICER},
       "Incomplete at receipt: everything missing listed at once (form 02)."),
    _t(A.SUBMIT_SUPPLEMENT, {S.RECEIPT_SUPPLEMENT_REQUESTED}, S.SUBMITTED, {R.APPLICANT, R.DESK_OFFICER}),
    _t(A.REFUSE, {S.SUBMITTED, S.RECEIPT_SUPPLEMENT_REQUESTED}, S.NOT_RECEIVED, {R.DESK_OFFICER},
       "Outside competence or not acceptable: reasoned refusal (form 03)."),
    _t(A.REQUEST_SUPPLEMENT, {S.RECEIVED, S.PROCESSING}, S.SUPPLEMENT_REQUESTED,
       {R.DESK_OFFICER, R.SPECIALIST, R.LEADER},
       "During appraisal, within 3 working days of receipt; the clock stops. Once (Decree 118/2025 Art. 16(3), "
       "19(5)); a further request only by a leader with the reason."),
    _t(A.SUBMIT_SUPPLEMENT, {S.SUPPLEMENT_REQUESTED}, S.PROCESSING, {R.APPLICANT, R.DESK_OFFICER},
       "The complete dossier is back: the legal clock restarts from zero (Decree 118/2025 Art. 19(5))."),
    _t(A.ASSIGN, {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {R.LEADER, R.DESK_OFFICER, R.SYSTEM},
       "The head assigns (or reassigns) a handler; the desk forwards to the processing unit; the system takes an "
       "automatic decision's dossier itself (Decree 224/2026 Art. 16(4))."),
    _t(A.COMPLETE_STEP, {S.PROCESSING}, S.PROCESSING, {R.SPECIALIST, R.LEADER}),
    _t(A.CONSULT, {S.PROCESSING}, S.CONSULTING, {R.SPECIALIST, R.LEADER},
       "Ask another unit's opinion, with its own deadline."),
    _t(A.ANSWER_CONSULTATION, {S.CONSULTING}, S.PROCESSING, {R.SPECIALIST, R.LEADER, R.SYSTEM}),
    _t(A.REQUEST_PAYMENT, {S.PROCESSING}, S.PAYMENT_REQUESTED, {R.DESK_OFFICER, R.SPECIALIST},
       "Financial obligation; waiting for the payment does not run the clock."),
    _t(A.CONFIRM_PAYMENT, {S.PAYMENT_REQUESTED}, S.PROCESSING, {R.DESK_OFFICER, R.SPECIALIST, R.SYSTEM}),
    _t(A.APPROVE, {S.PROCESSING}, S.APPROVED, {R.LEADER, R.SYSTEM},
       "The system only for an automatic decision the law allows (Decree 224/2026 Art. 16(4))."),
    _t(A.REFUSE, {S.PROCESSING}, S.REFUSED, {R.LEADER}, "Refusal after appraisal, with written reasons."),
    _t(A.ISSUE_RESULT, {S.APPROVED}, S.RESULT_ISSUED, {R.LEADER, R.SPECIALIST, R.SYSTEM}),
    _t(A.RETURN_RESULT, {S.RESULT_ISSUED}, S.RETURNED, {R.DESK_OFFICER, R.SYSTEM},
       "At the desk, by post or electronically (Decree 45/2020)."),
    _t(A.WITHDRAW, _BEFORE_RESULT, S.WITHDRAWN, {R.APPLICANT, R.DESK_OFFICER},
       "The applicant asks to stop until the decision (Decree 118/2025 Art. 21; at the desk through the officer)."),
    _t(A.STOP, {S.RECEIVED, S.PROCESSING, S.CONSULTING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}, S.STOPPED,
       {R.LEADER, R.SYSTEM}, "E.g. closed 15 days after an unanswered supplement notice (Decree 118/2025 "
       "Art. 19(5)), or the applicant did not pay in time."),
    _t(A.STOP, {S.RECEIPT_SUPPLEMENT_REQUESTED}, S.STOPPED, {R.DESK_OFFICER, R.SYSTEM}),
    # The apology keeps the state: it moves the due time (once), see rules.check_apology.
    *(_t(A.APOLOGISE, {state}, state, {R.LEADER, R.DESK_OFFICER}, "Apology and new appointment (form 04).")
      for state in (S.RECEIVED, S.PROCESSING, S.CONSULTING, S.APPROVED, S.RESULT_ISSUED)),
    # Decree 118/2025 Art. 21(2): an online applicant amends the content until the decision; the state is kept.
    *(_t(A.AMEND, {state}, state, {R.APPLICANT}, "Online applicant amends the dossier (versioned in the event).")
      for state in sorted(_BEFORE_RESULT)),
    # Decree 118/2025 Art. 20(1)(a): the receiving desk records that the paper file reached the competent authority.
    *(_t(A.TRANSFER_PAPER, {state}, state, {R.DESK_OFFICER}, "Paper file handed to the competent authority.")
      for state in (S.RECEIVED, S.PROCESSING, S.CONSULTING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED)),
    # Decree 118/2025 Art. 17(3) as amended by Decree 309/2026 Art. 8(3): the competent authority records when it
    # received a dossier received regardless of administrative boundary; the time limit runs from then.
    *(_t(A.RECORD_COMPETENT_RECEIPT, {state}, state, {R.DESK_OFFICER, R.LEADER, R.SPECIALIST},
         "The competent authority's receipt recorded; the due time recomputed from it.")
      for state in (S.RECEIVED, S.PROCESSING)),
)

assert not (_OFFICERS - {r for t in TRANSITIONS for r in t.roles})  # every officer role can act somewhere

LIFECYCLE = Lifecycle(TRANSITIONS, states=State, actions=Action)  # the engine of core.workflow over this table


def status_code(state: str) -> int:
    """The national sync status code (1–10) of a stored state."""
    return STATE_STATUS[State(state)]


def is_terminal(state: str) -> bool:
    return State(state) in TERMINAL_STATES


def allowed_actions(state: str, role: str) -> list[str]:
    """The actions ``role`` may take in ``state``, in table order, without duplicates."""
    return LIFECYCLE.allowed_actions(state, role)


def next_state(state: str, action: str, role: str) -> str:
    """The state after ``role`` takes ``action`` in ``state``; raises :class:`TransitionNotAllowed` otherwise."""
    return str(LIFECYCLE.next_state(state, action, role))
