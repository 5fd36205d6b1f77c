"""Uploaded dossier documents: who may add them in which state; what a file is and the upload limits come from
:mod:`motcua.core.files` (re-exported here).

Issue 3 point 8. An upload changes the dossier without changing its state: ``services.add_document`` appends a
:class:`~motcua.dossiers.models.DossierEvent` with action ``upload_document`` and ``from_state == to_state`` (it is
not a transition of the lifecycle table, which stays about the one-stop procedure), and bumps the version.
"""

from __future__ import annotations

from motcua.core.files import (
    MAX_FILENAME,
    SNIFF_BYTES,
    TYPES,
    FileType,
    allowed_types,
    clean_filename,
    max_bytes,
    name_for_type,
    no_scan,
    scanner,
    sniff,
    stored_name,
)

from .transitions import State

__all__ = [
    "MAX_FILENAME", "SNIFF_BYTES", "TYPES", "UPLOAD_ACTION", "UPLOAD_STATES",
    "FileType", "allowed_types", "clean_filename", "max_bytes", "may_upload", "name_for_type", "no_scan", "scanner",
    "sniff", "stored_name",
]

UPLOAD_ACTION = "upload_document"


# Who may add documents in which states. The applicant adds them while the dossier is theirs to complete (before
# receipt, or to answer a supplement request: issue 3 point 7); officers scan papers at the desk and attach working
# documents while the dossier is open (Decree 118/2025 Art. 17(1)(c)); nobody adds to a closed dossier.
_OPEN = frozenset({State.SUBMITTED, State.RECEIPT_SUPPLEMENT_REQUESTED, State.RECEIVED, State.PROCESSING,
                   State.CONSULTING, State.SUPPLEMENT_REQUESTED, State.PAYMENT_REQUESTED, State.APPROVED,
                   State.RESULT_ISSUED})
UPLOAD_STATES: dict[str, frozenset[State]] = {
    "applicant": frozenset({State.SUBMITTED, State.RECEIPT_SUPPLEMENT_REQUESTED, State.SUPPLEMENT_REQUESTED}),
    "desk_officer": _OPEN,
    "specialist": _OPEN,
    "leader": _OPEN,
}


def may_upload(state: str, role: str) -> bool:
    states = UPLOAD_STATES.get(str(role))
    return bool(states) and State(state) in states
