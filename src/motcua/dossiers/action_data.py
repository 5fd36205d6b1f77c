"""What each dossier action's ``data`` may hold: its keys and their types (issue 12 point 5).

The event stores the action's data, and the officer's page, the forms and the oversight read it back: a key the
action does not declare, or a value of the wrong type, is refused before anything is written
(:class:`ActionDataInvalid`, a 400 problem in the API). Whether a well-typed value is acceptable *now* (a non-empty
list of missing documents, a deadline in the future, an assignee of the agency) stays with the legal rules
(:mod:`.rules`, :mod:`.services`: 422 naming the rule).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime


class ActionDataInvalid(ValueError):
    """``errors`` maps ``data.<key>`` to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and len(value) <= 500 else "a text of at most 500 characters"


def _texts(value: Any) -> str | None:
    ok = (isinstance(value, list) and len(value) <= 200
          and all(isinstance(i, str) and len(i) <= 1000 for i in value))
    return None if ok else "a list of texts"


def _username(value: Any) -> str | None:
    # A user name, never a numeric id: the id of any account (a citizen's) must not be guessable into an event.
    ok = isinstance(value, str) and len(value) <= 150 and not value.strip().isdigit()
    return None if ok else "an officer's user name"


def _instant(value: Any) -> str | None:
    if isinstance(value, datetime):
        return None if value.tzinfo is not None else "an ISO 8601 date-time with a time zone"
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None and 1900 <= moment.year <= 2999:
            return None
    return "an ISO 8601 date-time with a time zone"


def _count_or_null(value: Any) -> str | None:
    ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3650)
    return None if ok else "a whole number of working days (0–3650)"


def _amount(value: Any) -> str | None:
    ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**13)
    return None if ok else "a whole number of VND"


def _record(value: Any) -> str | None:
    ok = isinstance(value, dict) and len(value) <= 50 and all(
        isinstance(k, str) and (v is None or isinstance(v, str | int | float | bool)) for k, v in value.items())
    return None if ok else "an object of plain values"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _form_data(value: Any) -> str | None:
    # The dossier's content as amended online (Decree 118/2025 Art. 21(2)): the submission form's plain values.
    ok = isinstance(value, dict) and 0 < len(value) <= 200 and all(
        isinstance(k, str) and len(k) <= 100 and (v is None or isinstance(v, str | int | float | bool))
        and (not isinstance(v, str) or len(v) <= 5000) for k, v in value.items())
    return None if ok else "an object of plain values (the form's fields)"


Check = Callable[[Any], "str | None"]

# action → {key: check}. An action absent here takes no data.
SCHEMAS: dict[str, dict[str, Check]] = {
    # Decree 118/2025 Art. 17(3) (the return date the desk enters when the time limit has no unit), Art. 14 and 20
    # (the competent authority chosen on receipt, when it received the file, the nationwide list of Art. 14(4)),
    # Art. 17(4) (the applicant asks for a receipt slip of a procedure settled at once).
    "receive": {"return_due_at": _instant, "competent_agency": _text, "competent_received_at": _instant,
                "nationwide_listed": _flag, "receipt_slip_requested": _flag},
    # Art. 16(3), 19(5): a further request only as a leader's override with its reason.
    "request_supplement": {"missing": _texts, "override_reason": _text},
    "submit_supplement": {},
    "refuse": {},
    "assign": {"assignee": _username},
    "complete_step": {},
    "consult": {"unit": _text, "due_at": _instant, "working_days": _count_or_null},
    "answer_consultation": {},
    "approve": {},
    "request_payment": {"amount_vnd": _amount},
    "confirm_payment": {},
    # A linked group's birth (or death) registration hands its record to the next members (groups.py).
    "issue_result": {"birth_record": _record, "record": _record},
    "return_result": {},
    "withdraw": {},
    "stop": {},
    "apologise": {"new_due_at": _instant},
    "amend": {"form_data": _form_data},
    "transfer_paper": {},
    "record_competent_receipt": {"competent_received_at": _instant},
}


def check(action: str, data: Any) -> dict[str, Any]:
    """``data`` if every key is declared for ``action`` and every value has its type; else
    :class:`ActionDataInvalid`."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ActionDataInvalid({"data": ["must be an object"]})
    schema = SCHEMAS.get(str(action), {})
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        validate = schema.get(key)
        if validate is None:
            allowed = ", ".join(sorted(schema)) or "none"
            errors[f"data.{key}"] = [f"'{action}' takes no '{key}' (its keys: {allowed})."]
            continue
        problem = validate(value)
        if problem:
            errors[f"data.{key}"] = [f"must be {problem}."]
    if errors:
        raise ActionDataInvalid(errors)
    return dict(data)


def describe() -> dict[str, list[str]]:
    """Each action's keys (for the API documentation)."""
    return {action: sorted(keys) for action, keys in SCHEMAS.items()}
