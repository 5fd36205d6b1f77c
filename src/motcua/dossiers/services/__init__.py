"""Every write to dossiers, by job: :mod:`.submission` (:func:`submit`, :func:`submit_once` with an idempotency
key), :mod:`.actions` (:func:`act` and each action's effect), :mod:`.documents` (:func:`write_document`, the one
writer of a dossier's documents, and :func:`add_document`), :mod:`.ratings` (:func:`rate`, the answer to an
automatic decision), :mod:`.scheduled` (closing, late receipts), :mod:`.personal_data` (bulk reads logged),
:mod:`.filing` (a submission with its papers, a supplement with its files: several of these writes, all or nothing).
:mod:`.events` appends each change's one event and calls the "event appended" hooks, :mod:`.actors` says who may
act, and :mod:`.fast_submission` holds the submission's hand-written SQL with its plain twin.

Each call is one transaction that appends exactly one :class:`~motcua.dossiers.models.DossierEvent`. Uploads and
ratings change the dossier without changing its state: their event has ``from_state == to_state`` and they bump the
version too (the event's ``seq`` is the version after the change).

Callers import from here (``from motcua.dossiers import services``): every name below is public.
"""

from __future__ import annotations

from ..transitions import TransitionNotAllowed
from .actions import EFFECTS, Context, act, assignable, process_for, receive, start_legal_clock
from .actors import AUTOMATIC_ACTIONS, check_actor, check_automatic_decision
from .documents import STORAGE_FULL, Incoming, add_document, write_document
from .errors import (
    ActionDataInvalid,
    ActorNotAllowed,
    DossierNotFound,
    IdempotencyKeyReused,
    InvalidSubmission,
    RuleViolation,
    UploadRejected,
    VersionConflict,
)
from .events import (
    append_event,
    at_or_now,
    event_appended,
    event_hooks,
    lock_dossier,
    record_change,
    register_event_hook,
    unregister_event_hook,
)
from .fast_submission import claim_key, insert_submission, store_outcome
from .filing import Paper, PapersRejected, submit_with_papers, supplement_with_papers
from .personal_data import PERSONAL_DATA_FIELDS, PERSONAL_DATA_READ, record_personal_data_read
from .ratings import AUTOMATIC_ANSWERS, rate, record_automatic_answer
from .scheduled import CLOSING_REASON, GROUP_CLOSING_REASON, close_unanswered, flag_late_receipts
from .submission import IdempotentOutcome, request_fingerprint, submit, submit_once

__all__ = [
    "AUTOMATIC_ACTIONS",
    "AUTOMATIC_ANSWERS",
    "CLOSING_REASON",
    "EFFECTS",
    "GROUP_CLOSING_REASON",
    "PERSONAL_DATA_FIELDS",
    "PERSONAL_DATA_READ",
    "STORAGE_FULL",
    "ActionDataInvalid",
    "ActorNotAllowed",
    "Context",
    "DossierNotFound",
    "IdempotencyKeyReused",
    "IdempotentOutcome",
    "Incoming",
    "InvalidSubmission",
    "Paper",
    "PapersRejected",
    "RuleViolation",
    "TransitionNotAllowed",
    "UploadRejected",
    "VersionConflict",
    "act",
    "add_document",
    "append_event",
    "assignable",
    "at_or_now",
    "check_actor",
    "check_automatic_decision",
    "claim_key",
    "close_unanswered",
    "event_appended",
    "event_hooks",
    "flag_late_receipts",
    "insert_submission",
    "lock_dossier",
    "process_for",
    "rate",
    "receive",
    "record_automatic_answer",
    "record_change",
    "record_personal_data_read",
    "register_event_hook",
    "request_fingerprint",
    "start_legal_clock",
    "store_outcome",
    "submit",
    "submit_once",
    "submit_with_papers",
    "supplement_with_papers",
    "unregister_event_hook",
    "write_document",
]
