"""The PAKN lifecycle table: every state reachable from submission, every open state can still end (published or
refused), only leaders approve, the submitter only submits, supplements, rates and re-complains (hypothesis walks)."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.feedback.transitions import (
    OPEN_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    Role,
    State,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
)


def _edges():
    for t in TRANSITIONS:
        for s in t.sources:
            yield s, t.target or s


def test_every_state_is_reachable_and_every_open_state_can_end():
    reach, frontier = {State.NEW}, [State.NEW]
    while frontier:
        s = frontier.pop()
        for a, b in _edges():
            if a == s and b not in reach:
                reach.add(b)
                frontier.append(b)
    assert reach == set(State)
    for state in OPEN_STATES:
        seen, frontier = {state}, [state]
        while frontier:
            s = frontier.pop()
            for a, b in _edges():
                if a == s and b not in seen:
                    seen.add(b)
                    frontier.append(b)
        assert seen & TERMINAL_STATES, state


def test_who_may_do_what():
    approvers = {r for t in TRANSITIONS if t.action == Action.APPROVE for r in t.roles}
    assert approvers == {Role.LEADER}
    applicant = {t.action for t in TRANSITIONS if Role.APPLICANT in t.roles}
    assert applicant == {Action.SUBMIT, Action.SUBMIT_SUPPLEMENT, Action.RATE, Action.RECOMPLAIN}
    assert not any(Role.SUPERVISOR in t.roles for t in TRANSITIONS)  # supervisors only read
    assert not [t for t in TRANSITIONS if t.sources & TERMINAL_STATES and t.target not in (None,)]


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.sampled_from(list(Role))), max_size=30))
def test_random_walks_stay_in_the_table(steps):
    state = State.NEW
    for action, role in steps:
        if action in allowed_actions(state, role):
            state = next_state(state, action, role)
        else:
            try:
                next_state(state, action, role)
            except TransitionNotAllowed as error:
                assert error.allowed == allowed_actions(state, role)
            else:
                raise AssertionError(f"{action} by {role} from {state} should be refused")
        assert state in set(State)
