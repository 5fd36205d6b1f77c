"""The lifecycle table walked by random action sequences: nothing forbidden is reachable, every end is reachable."""

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.transitions import (
    STATE_STATUS,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    Role,
    State,
    TransitionNotAllowed,
    allowed_actions,
    next_state,
    status_code,
)

ACTIONS = list(Action)
ROLES = list(Role)


def walk(steps):
    """Apply (action, role) pairs from NEW, skipping refused ones; return the visited states."""
    state = State.NEW
    path = [state]
    for action, role in steps:
        try:
            state = State(next_state(state, action, role))
        except TransitionNotAllowed as refused:
            assert refused.allowed == allowed_actions(state, role)
            assert action not in refused.allowed
            continue
        path.append(state)
    return path


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ROLES)), max_size=60))
def test_random_walks_never_reach_a_forbidden_state(steps):
    path = walk(steps)
    for i, state in enumerate(path):
        earlier = set(path[:i])
        # Nothing leaves a terminal state.
        if i > 0 and path[i - 1] in TERMINAL_STATES:
            pytest.fail(f"left terminal state {path[i - 1]}")
        if state is State.RETURNED:
            assert path[i - 1] is State.RESULT_ISSUED  # returned only after the result was issued
        if state is State.RESULT_ISSUED:
            assert State.APPROVED in earlier  # a result only after approval
        if state is State.APPROVED:
            assert State.RECEIVED in earlier and State.PROCESSING in earlier
        if state is State.NOT_RECEIVED:
            assert State.RECEIVED not in earlier  # refusal at receipt only before receipt
        if state in (State.REFUSED, State.SUPPLEMENT_REQUESTED, State.PAYMENT_REQUESTED, State.CONSULTING):
            assert State.RECEIVED in earlier
        if state is not State.NEW:
            assert 1 <= status_code(state) <= 10


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([s for s in State if s is not State.NEW]), st.sampled_from(ROLES), st.sampled_from(ACTIONS))
def test_next_state_agrees_with_allowed_actions(state, role, action):
    allowed = allowed_actions(state, role)
    if action in allowed:
        assert State(next_state(state, action, role)) in State
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            next_state(state, action, role)
        assert refused.value.allowed == allowed


def test_every_terminal_state_is_reachable():
    seen, queue = {State.NEW}, deque([State.NEW])
    while queue:
        state = queue.popleft()
        for role in ROLES:
            for action in allowed_actions(state, role):
                target = State(next_state(state, action, role))
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    assert seen == set(State)
    assert seen >= TERMINAL_STATES


def test_terminal_states_allow_nothing_and_supervisors_never_act():
    for state in State:
        assert allowed_actions(state, Role.SUPERVISOR) == []
        if state in TERMINAL_STATES:
            assert all(allowed_actions(state, role) == [] for role in ROLES)


def test_every_stored_state_has_a_status_code_and_all_ten_codes_are_used():
    assert set(STATE_STATUS) == set(State) - {State.NEW}
    assert set(STATE_STATUS.values()) == set(range(1, 11))


def test_every_required_action_is_in_the_table():
    assert {t.action for t in TRANSITIONS} == set(Action)


def test_refusal_lists_the_allowed_actions():
    with pytest.raises(TransitionNotAllowed) as refused:
        next_state("returned", "approve", "leader")
    assert refused.value.allowed == []
    with pytest.raises(TransitionNotAllowed) as refused:
        next_state("processing", "approve", "specialist")
    assert "complete_step" in refused.value.allowed and "approve" not in refused.value.allowed


@pytest.mark.parametrize(
    ("state", "action", "role", "target"),
    [
        ("submitted", "refuse", "desk_officer", "not_received"),
        ("processing", "refuse", "leader", "refused"),
        ("submitted", "request_supplement", "desk_officer", "receipt_supplement_requested"),
        ("processing", "request_supplement", "specialist", "supplement_requested"),
        ("supplement_requested", "submit_supplement", "applicant", "processing"),
        ("receipt_supplement_requested", "submit_supplement", "applicant", "submitted"),
        ("processing", "apologise", "leader", "processing"),
        ("payment_requested", "confirm_payment", "system", "processing"),
    ],
)
def test_one_action_name_leads_where_the_state_says(state, action, role, target):
    assert next_state(state, action, role) == target


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_walks_through_allowed_actions_only_end_in_terminal_states_or_go_on(data):
    """Choose only among allowed (action, role) pairs, so the walk goes deep; the same invariants hold."""
    state, path = State.NEW, [State.NEW]
    for _ in range(40):
        choices = [(a, r) for r in ROLES for a in allowed_actions(state, r)]
        if not choices:
            assert state in TERMINAL_STATES  # only terminal states are dead ends
            break
        action, role = data.draw(st.sampled_from(choices))
        state = State(next_state(state, action, role))
        path.append(state)
    for i, state in enumerate(path[1:], start=1):
        assert path[i - 1] not in TERMINAL_STATES
        if state is State.RETURNED:
            assert path[i - 1] is State.RESULT_ISSUED
        if state is State.RESULT_ISSUED:
            assert State.APPROVED in path[:i]
