"""The one transition engine (issue 15 point 1): built from a table, it refuses two rows for one (state, action),
names what is allowed when it refuses, and keeps the state for a row without a target."""

from enum import StrEnum

import pytest

from motcua.core.workflow import Lifecycle, TransitionNotAllowed, transition_row


class S(StrEnum):
    OPEN = "open"
    DONE = "done"


class A(StrEnum):
    CLOSE = "close"
    NOTE = "note"


TABLE = (transition_row(A.CLOSE, {S.OPEN}, S.DONE, {"leader"}), transition_row(A.NOTE, {S.OPEN, S.DONE}, None,
                                                                               {"leader", "clerk"}))
ENGINE = Lifecycle(TABLE, states=S, actions=A)


def test_two_rows_for_one_state_and_action_are_refused():
    with pytest.raises(AssertionError, match="Two transitions"):
        Lifecycle((*TABLE, transition_row(A.CLOSE, {S.OPEN}, S.OPEN, {"clerk"})), states=S, actions=A)


@pytest.mark.parametrize("state, action, role, expected", [
    ("open", "close", "leader", S.DONE), ("open", "note", "clerk", S.OPEN), ("done", "note", "leader", S.DONE),
])
def test_next_state(state, action, role, expected):
    assert ENGINE.next_state(state, action, role) == expected


@pytest.mark.parametrize("state, action, role, allowed", [
    ("open", "close", "clerk", ["note"]), ("done", "close", "leader", ["note"]), ("gone", "close", "leader", []),
    ("open", "fly", "leader", ["close", "note"]), ("open", "close", "nobody", []),
])
def test_a_refusal_names_what_is_allowed(state, action, role, allowed):
    with pytest.raises(TransitionNotAllowed) as refused:
        ENGINE.transition(state, action, role)
    assert refused.value.allowed == allowed
