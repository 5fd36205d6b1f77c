"""The PAKN lifecycle as data: states, actions, and who may do what in which state.

Decree 20/2008/NĐ-CP (amended 2013, 2017) and the national portal's practice (domain.md §5): an item is received and
logged, then classified into one of four classes — not accepted (refused with its reason, complaints and
denunciations redirected), conduct (forwarded to the agency that manages the officer, or handled when that is the
receiver), a regulation within the receiver's competence (handled), or outside it (forwarded within 5 working days).
The handler drafts an answer, a leader approves it, and it is published. Pure: no ORM.
"""

from __future__ import annotations

from enum import StrEnum

from motcua.core.workflow import Lifecycle, Transition, transition_row
from motcua.core.workflow import TransitionNotAllowed as TransitionNotAllowed  # re-exported


class State(StrEnum):
    NEW = "new"  # pseudo-state before submission
    RECEIVED = "received"  # tiếp nhận: waiting for classification (also after forwarding, at the new agency)
    SUPPLEMENT_REQUESTED = "supplement_requested"  # chờ bổ sung
    HANDLING = "handling"  # đang xử lý
    AWAITING_APPROVAL = "awaiting_approval"  # dự thảo trả lời chờ lãnh đạo duyệt
    AWAITING_PUBLICATION = "awaiting_publication"  # chờ công khai
    PUBLISHED = "published"  # đã công khai
    REFUSED = "refused"  # không tiếp nhận (kept, with its reason)


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: "Đã tiếp nhận",
    State.SUPPLEMENT_REQUESTED: "Chờ bổ sung thông tin",
    State.HANDLING: "Đang xử lý",
    State.AWAITING_APPROVAL: "Chờ lãnh đạo duyệt",
    State.AWAITING_PUBLICATION: "Chờ công khai",
    State.PUBLISHED: "Đã công khai",
    State.REFUSED: "Không tiếp nhận",
}

TERMINAL_STATES: frozenset[State] = frozenset({State.PUBLISHED, State.REFUSED})
OPEN_STATES: frozenset[State] = frozenset(set(State) - TERMINAL_STATES - {State.NEW})


class Role(StrEnum):
    APPLICANT = "applicant"  # the submitter
    DESK_OFFICER = "desk_officer"
    SPECIALIST = "specialist"
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


class Action(StrEnum):
    SUBMIT = "submit"
    CLASSIFY = "classify"  # accept for handling (conduct or regulation within competence)
    REFUSE = "refuse"  # not accepted, with ground and reason
    FORWARD = "forward"  # outside competence, or conduct of another agency's officer
    REQUEST_SUPPLEMENT = "request_supplement"
    SUBMIT_SUPPLEMENT = "submit_supplement"
    ASSIGN = "assign"
    DRAFT_ANSWER = "draft_answer"
    RETURN_DRAFT = "return_draft"
    APPROVE = "approve"
    PUBLISH = "publish"
    RATE = "rate"
    RECOMPLAIN = "recomplain"


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: "Gửi phản ánh, kiến nghị",
    Action.CLASSIFY: "Phân loại, tiếp nhận xử lý",
    Action.REFUSE: "Không tiếp nhận",
    Action.FORWARD: "Chuyển cơ quan có thẩm quyền",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung thông tin",
    Action.SUBMIT_SUPPLEMENT: "Bổ sung thông tin",
    Action.ASSIGN: "Phân công xử lý",
    Action.DRAFT_ANSWER: "Dự thảo trả lời",
    Action.RETURN_DRAFT: "Trả lại dự thảo",
    Action.APPROVE: "Lãnh đạo duyệt trả lời",
    Action.PUBLISH: "Công khai kết quả",
    Action.RATE: "Đánh giá câu trả lời",
    Action.RECOMPLAIN: "Phản ánh lại",
}


A, R, S = Action, Role, State
_RECEIVERS = frozenset({R.DESK_OFFICER, R.SPECIALIST, R.LEADER})
_t = transition_row  # a row: action, sources, target (None: the state stays), roles, note


TRANSITIONS: tuple[Transition, ...] = (
    _t(A.SUBMIT, {S.NEW}, S.RECEIVED, {R.APPLICANT, R.DESK_OFFICER, R.SYSTEM},
       "Online or through the API by the submitter; a phone call or letter written down by an officer."),
    _t(A.CLASSIFY, {S.RECEIVED}, S.HANDLING, _RECEIVERS,
       "Conduct of the agency's own officer, or a regulation within its competence."),
    _t(A.REFUSE, {S.RECEIVED, S.SUPPLEMENT_REQUESTED}, S.REFUSED, _RECEIVERS,
       "Not accepted, within 2 working days, with the ground; complaints and denunciations redirected."),
    _t(A.FORWARD, {S.RECEIVED}, S.RECEIVED, _RECEIVERS,
       "Outside competence: forwarded within 5 working days; the answer clock restarts at the new agency."),
    _t(A.REQUEST_SUPPLEMENT, {S.RECEIVED}, S.SUPPLEMENT_REQUESTED, _RECEIVERS,
       "Unclear content: ask the submitter within 5 working days."),
    _t(A.SUBMIT_SUPPLEMENT, {S.SUPPLEMENT_REQUESTED}, S.RECEIVED, {R.APPLICANT, R.DESK_OFFICER}),
    _t(A.ASSIGN, {S.HANDLING}, None, {R.LEADER}),
    _t(A.DRAFT_ANSWER, {S.HANDLING}, S.AWAITING_APPROVAL, {R.SPECIALIST, R.LEADER}),
    _t(A.RETURN_DRAFT, {S.AWAITING_APPROVAL}, S.HANDLING, {R.LEADER}, "The leader sends the draft back."),
    _t(A.APPROVE, {S.AWAITING_APPROVAL}, S.AWAITING_PUBLICATION, {R.LEADER},
       "The answer is final; it must be published within 2 working days."),
    _t(A.PUBLISH, {S.AWAITING_PUBLICATION}, S.PUBLISHED, {R.LEADER, R.SPECIALIST, R.SYSTEM}),
    _t(A.RATE, {S.PUBLISHED}, None, {R.APPLICANT}, "Like or dislike, once."),
    _t(A.RECOMPLAIN, {S.PUBLISHED}, None, {R.APPLICANT},
       "Not satisfied: a new item linked to this one; counted against satisfaction."),
)

LIFECYCLE = Lifecycle(TRANSITIONS, states=State, actions=Action)  # the engine of core.workflow over this table

STATE_CHOICES = [(str(s), STATE_LABELS[s]) for s in State if s is not State.NEW]
ROLE_CHOICES = [(str(r), str(r)) for r in Role]


def transition(state: str, action: str, role: str) -> Transition:
    """The transition for ``action`` by ``role`` from ``state``, or :class:`TransitionNotAllowed`."""
    return LIFECYCLE.transition(state, action, role)


def next_state(state: str, action: str, role: str) -> State:
    return LIFECYCLE.next_state(state, action, role)


def allowed_actions(state: str, role: str) -> list[str]:
    """Actions ``role`` may take from ``state``, in table order."""
    return LIFECYCLE.allowed_actions(state, role)
