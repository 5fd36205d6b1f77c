"""Writes made of several service calls that stand or fall together: a dossier submitted with its papers (online by
the applicant, or entered at the desk with each paper scanned, Decree 118/2025 Art. 15, 17(1)(c)), and a supplement
sent with its files (Art. 16(3), 19(5)). Each is one transaction of the services' own writes — :func:`.submit`,
:func:`.add_document`, :func:`.act` (issue 15 point 3: the views parse, call and render; they open no transaction).

A refused file (empty, too large, of a type not accepted, refused by the scan) rolls everything back; the caller
learns which paper it was (:class:`PapersRejected`) to say so on the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from ..models import Dossier
from ..transitions import Role
from .actions import act
from .documents import add_document
from .errors import UploadRejected
from .submission import submit


@dataclass(frozen=True)
class Paper:
    """One uploaded file of a submission: the form field it came from (to name it in errors), the file, its name and
    the required document of the procedure it answers (None for a free supplement)."""

    key: str
    file: Any
    name: str = ""
    required_document: int | None = None


class PapersRejected(Exception):
    """One or more files were refused; nothing was written. ``errors`` maps each paper's key to the service's
    ``UploadRejected`` (its ``rule`` says why)."""

    def __init__(self, errors: dict[str, Exception]) -> None:
        super().__init__("; ".join(f"{key}: {exc}" for key, exc in errors.items()))
        self.errors = errors


def submit_with_papers(procedure_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict,
                       papers: Sequence[Paper], *, actor, role: str, at: datetime | None = None,
                       before_papers: Callable[[Dossier], None] | None = None,
                       after_papers: Callable[[Dossier], None] | None = None) -> Dossier:
    """Submit the dossier (``submit``) and store each paper (``add_document``), all or nothing.

    ``before_papers`` / ``after_papers`` run inside the transaction (the online form's once-only data: the level, the
    prefilled fields and the registry extracts before the papers, the kept uploads after); whatever they raise rolls
    the submission back and reaches the caller. Raises what ``submit`` raises, and :class:`PapersRejected`
    after trying every paper (so that the form names each refused one)."""
    with transaction.atomic():
        dossier = submit(procedure_code, agency_code, channel, applicant, form_data, actor=actor, at=at, role=role)
        if before_papers is not None:
            before_papers(dossier)
        errors: dict[str, Exception] = {}
        for paper in papers:
            try:
                add_document(dossier.code, paper.file, actor=actor, role=role, name=paper.name,
                             required_document=paper.required_document, at=at)
            except UploadRejected as rejected:
                errors[paper.key] = rejected
        if errors:
            raise PapersRejected(errors)
        if after_papers is not None:
            after_papers(dossier)
    return dossier


def supplement_with_papers(dossier_code: str, papers: Sequence[Paper], *, actor, expected_version: int,
               note: str = "") -> Dossier:
    """The applicant's supplement (Decree 118/2025 Art. 16(3), 19(5)): each file stored with the version the page
    showed (each upload is an event, so the next one expects the version after it), then ``submit_supplement``; all
    or nothing. Raises what ``add_document`` and ``act`` raise (``VersionConflict``,
    ``ActorNotAllowed``, ``TransitionNotAllowed``, ``UploadRejected``)."""
    with transaction.atomic():
        version = expected_version
        for paper in papers:
            document = add_document(dossier_code, paper.file, actor=actor, role=Role.APPLICANT, name=paper.name,
                                    expected_version=version)
            version = document.dossier.version
        return act(dossier_code, "submit_supplement", actor=actor, role=Role.APPLICANT, expected_version=version,
                   reason=note)
