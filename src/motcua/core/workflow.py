"""One transition engine for the lifecycles kept as data (issue 15 point 1).

A lifecycle is a table of :class:`Transition` rows — an action, the states it may be taken from, the state it leads
to (``None``: the state stays), the roles that may take it — and a :class:`Lifecycle` built once from the table
answers the three questions every workflow asks: may this role take this action here (:meth:`Lifecycle.transition`,
raising :class:`TransitionNotAllowed` with what is allowed), where does it lead (:meth:`Lifecycle.next_state`), what
may this role do here (:meth:`Lifecycle.allowed_actions`). Dossiers (``dossiers/transitions.py``), PAKN
(``feedback/transitions.py``) and the Working Group's obstacles and tasks (``steering/rules.py``) keep their own
tables and property tests; the engine is written once. Pure: no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Transition:
    action: Any  # the lifecycle's Action member
    sources: frozenset
    target: Any  # a State member, or None when the state does not change
    roles: frozenset
    note: str = ""


def transition_row(action, sources: Iterable, target, roles: Iterable, note: str = "") -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), note)


class TransitionNotAllowed(Exception):
    """The action cannot be taken by this role in this state; ``allowed`` lists what can."""

    def __init__(self, state: str, action: str, role: str, allowed: list[str]) -> None:
        self.state, self.action, self.role, self.allowed = state, action, role, allowed
        listed = ", ".join(allowed) or "none"
        super().__init__(f"'{action}' is not allowed for {role} in state '{state}'. Allowed: {listed}.")


class Lifecycle:
    """The engine over one table. At most one transition per (state, action): a second is refused when built."""

    def __init__(self, transitions: tuple[Transition, ...], *, states: type[StrEnum], actions: type[StrEnum]):
        self.transitions, self.states, self.actions = transitions, states, actions
        self._index: dict[tuple[Any, Any], Transition] = {}
        for row in transitions:
            for source in row.sources:
                if (source, row.action) in self._index:
                    raise AssertionError(f"Two transitions for {row.action} from {source}.")
                self._index[(source, row.action)] = row

    def find(self, state: str, action: str) -> Transition | None:
        try:
            return self._index.get((self.states(state), self.actions(action)))
        except ValueError:
            return None

    def allowed_actions(self, state: str, role: str) -> list[str]:
        """The actions ``role`` may take in ``state``, in table order, without duplicates ([] for an unknown
        state)."""
        return self.allowed_for_any(state, (role,))

    def allowed_for_any(self, state: str, roles: Iterable) -> list[str]:
        """The actions any of ``roles`` may take in ``state`` (a user acting in several roles at once), in table
        order, without duplicates ([] for an unknown state)."""
        try:
            state = self.states(state)
        except ValueError:
            return []
        roles = set(roles)
        seen: list[str] = []
        for row in self.transitions:
            if state in row.sources and row.roles & roles and str(row.action) not in seen:
                seen.append(str(row.action))
        return seen

    def transition(self, state: str, action: str, role: str) -> Transition:
        """The transition ``role`` takes with ``action`` from ``state``, or :class:`TransitionNotAllowed`."""
        found = self.find(state, action)
        if found is None or role not in found.roles:
            raise TransitionNotAllowed(str(state), str(action), str(role), self.allowed_actions(state, role))
        return found

    def next_state(self, state: str, action: str, role: str):
        """The state after ``role`` takes ``action`` in ``state`` (the same state when the row keeps it)."""
        found = self.transition(state, action, role)
        return found.target if found.target is not None else self.states(state)
