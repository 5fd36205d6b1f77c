"""The obstacle and task state tables (rules.py): every state reachable, final states final, no action without an
actor, and only the standing agency triages while only the assigned agency answers."""

import pytest

from motcua.steering.rules import (
    FINAL_OBSTACLE_STATES,
    OBSTACLE_ACTIONS,
    TASK_ACTIONS,
    Actor,
    ObstacleState,
    TaskState,
    allowed_actions,
    find_action,
)


def _reachable(table, start):
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for action in table:
            if action.source == state and action.target not in seen:
                seen.add(action.target)
                todo.append(action.target)
    return seen


def test_every_obstacle_state_is_reachable_from_submission():
    assert _reachable(OBSTACLE_ACTIONS, ObstacleState.SUBMITTED) == set(ObstacleState)


def test_every_task_state_is_reachable_from_assignment():
    assert _reachable(TASK_ACTIONS, TaskState.ASSIGNED) == set(TaskState)


def test_final_obstacle_states_have_no_way_out():
    assert not [a for a in OBSTACLE_ACTIONS if a.source in FINAL_OBSTACLE_STATES]


@pytest.mark.parametrize("table", [OBSTACLE_ACTIONS, TASK_ACTIONS])
def test_each_move_is_unique_and_has_an_actor(table):
    keys = [(a.source, a.name) for a in table]
    assert len(keys) == len(set(keys))
    assert all(a.actors for a in table)


@pytest.mark.parametrize(("state", "actors", "expected"), [
    ("submitted", {Actor.STANDING}, ["assign", "reject"]),
    ("submitted", {Actor.AGENCY, Actor.MEMBER, Actor.LEADER}, []),
    ("assigned", {Actor.AGENCY}, ["report_progress", "answer"]),
    ("answered", {Actor.STANDING}, ["confirm", "reopen"]),
    ("answered", {Actor.AGENCY}, []),
    ("resolved", {Actor.STANDING, Actor.AGENCY}, []),
])
def test_who_may_do_what_on_an_obstacle(state, actors, expected):
    assert allowed_actions(OBSTACLE_ACTIONS, state, actors) == expected


def test_the_leader_only_reads():
    assert not [a for a in (*OBSTACLE_ACTIONS, *TASK_ACTIONS) if Actor.LEADER in a.actors]


def test_unknown_moves_are_none():
    assert find_action(OBSTACLE_ACTIONS, "resolved", "reopen") is None
    assert find_action(TASK_ACTIONS, "done", "complete") is None


def test_the_tables_run_on_the_one_transition_engine_which_refuses_a_second_move_from_one_state():
    """Issue 15 point 1: steering keeps its tables as data and asks core.workflow's engine, like dossiers and PAKN."""
    from motcua.core.workflow import Lifecycle
    from motcua.steering.rules import Action, _lifecycle

    assert isinstance(_lifecycle(OBSTACLE_ACTIONS, ObstacleState, "ObstacleAction"), Lifecycle)
    twice = (*TASK_ACTIONS, Action(TaskState.ASSIGNED, "complete", TaskState.CANCELLED, frozenset({Actor.AGENCY})))
    with pytest.raises(AssertionError, match="Two transitions"):
        _lifecycle(twice, TaskState, "TaskAction")


@pytest.mark.parametrize("table", [OBSTACLE_ACTIONS, TASK_ACTIONS])
def test_what_several_actors_may_do_is_what_each_may_do_in_table_order(table):
    states = {a.source for a in table}
    for state in states:
        for actors in ({Actor.STANDING}, {Actor.AGENCY}, {Actor.STANDING, Actor.AGENCY}):
            expected = [a.name for a in table if a.source == state and a.actors & actors]
            assert allowed_actions(table, state, actors) == expected
            for name in expected:
                assert find_action(table, state, name).name == name
