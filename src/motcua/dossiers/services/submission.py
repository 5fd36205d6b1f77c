"""Registering a dossier: :func:`submit`, and :func:`submit_once` with an idempotency key.

Validation and the dossier's first event are built here; the rows are written by the SQL fast path
(:mod:`.fast_submission`)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from motcua.catalog.models import Channel, VersionStatus
from motcua.core.calendar import WorkingCalendar
from motcua.core.identifiers import enterprise_code_error, personal_id_error
from motcua.core.observability import dossier_submitted
from motcua.units.models import Agency

from .. import receipt
from ..codes import receipt_date
from ..models import ApplicantKind, ChannelKind, Dossier, DossierEvent, IdempotencyRecord
from ..notifications import notify_for_event
from ..transitions import Action, Role, State, next_state
from .errors import IdempotencyKeyReused, InvalidSubmission
from .events import at_or_now, event_appended
from .fast_submission import CODE_PLACEHOLDER, claim_key, submission_targets, write_submission

PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")


def _clean_applicant(applicant: dict, errors: dict[str, str]) -> dict[str, Any]:
    kind = applicant.get("kind")
    out: dict[str, Any] = {"applicant_kind": kind}
    if kind not in ApplicantKind.values:
        errors["applicant.kind"] = "Must be 'citizen' or 'business'."
    personal_id = str(applicant.get("personal_id") or "").strip()
    enterprise_code = str(applicant.get("enterprise_code") or "").strip()
    # The full rules of domain.md §4 (core.identifiers): personal ID — 12 digits, province of birth registration,
    # century/sex digit, birth year not in the future (Decree 137/2015 Art. 7, Circular 59/2021/TT-BCA Art. 7);
    # enterprise code — 10 digits and an optional 3-digit branch suffix (Law on Enterprises 2020 Art. 29).
    if personal_id:
        problem = personal_id_error(personal_id)
        if problem:
            errors["applicant.personal_id"] = problem
    elif kind == ApplicantKind.CITIZEN:
        errors["applicant.personal_id"] = "A citizen needs the 12-digit personal identification number."
    if enterprise_code:
        problem = enterprise_code_error(enterprise_code)
        if problem:
            errors["applicant.enterprise_code"] = problem
    elif kind == ApplicantKind.BUSINESS:
        errors["applicant.enterprise_code"] = "A business needs its 10-digit enterprise code."
    name = str(applicant.get("full_name") or "").strip()
    if not name:
        errors["applicant.full_name"] = "Required."
    phone = str(applicant.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        errors["applicant.phone"] = "Not a phone number."
    email = str(applicant.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant.email"] = "Not an e-mail address."
    out.update(applicant_personal_id=personal_id, applicant_enterprise_code=enterprise_code, applicant_name=name[:255],
               applicant_phone=phone, applicant_email=email, applicant_address=str(applicant.get("address") or ""))
    return out


def submit(procedure_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict, actor=None,
           at: datetime | None = None, *, role: str | None = None, channel_by_law: bool = False) -> Dossier:
    """Register a dossier: validate, give it its code (Decree 118/2025 Art. 28), state ``submitted``, first event.

    ``role`` defaults to the applicant online and to the desk officer at the desk or for post. ``channel_by_law``:
    the channel is set by a rule above the catalog record and is not checked against the version's channels (a
    linked group of Decree 63/2024 is submitted online although the national portal lists its linked procedure
    2.000986 in person only; :mod:`..groups`).
    """
    return _submit(procedure_code, agency_code, channel, applicant, form_data, actor, at, role=role,
                   channel_by_law=channel_by_law)


@dataclass
class Outcome:
    """The idempotency record to complete in the submission's last statement (:func:`submit_once`)."""

    record_id: int
    render: Callable[[Dossier], tuple[int, dict]]
    status_code: int = 0
    response: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=64)
def _office_calendar(hours) -> WorkingCalendar:
    return WorkingCalendar(hours=hours)


def _hours_calendar(agency: Agency | None) -> WorkingCalendar:
    """The statutory calendar with the agency's office hours, built once per process and without a query (the
    submission path keeps its one statement): the 8-working-hour receipt deadline set at submission ignores the
    days an administrator entered; `motcua dossiers flag-late-receipts` recomputes it with them."""
    return _office_calendar(agency.office_hours() if agency is not None else WorkingCalendar().hours)


def _submit(procedure_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict, actor=None,
            at: datetime | None = None, *, role: str | None = None, outcome: Outcome | None = None,
            channel_by_law: bool = False) -> Dossier:
    at = at_or_now(at)
    errors: dict[str, str] = {}
    procedure, version, channel_offered, agency, dossier_id = submission_targets(procedure_code, agency_code,
                                                                                 str(channel))
    if procedure is None:
        errors["procedure"] = f"No procedure {procedure_code!r}."
    elif version is None or version.status != VersionStatus.PUBLISHED:
        errors["procedure"] = f"Procedure {procedure_code} has no published version in force."
    if channel not in ChannelKind.values:
        errors["channel"] = "Must be one of in_person, online, postal."
    elif version is not None and not channel_offered and not channel_by_law:
        offered = sorted(set(Channel.objects.filter(version=version).values_list("kind", flat=True)))
        errors["channel"] = f"Procedure {procedure_code} is not offered {channel}; offered: {', '.join(offered)}."
    if agency is None:
        errors["agency"] = f"No agency {agency_code!r}."
    fields = _clean_applicant(applicant if isinstance(applicant, dict) else {}, errors)
    if not isinstance(form_data, dict):
        errors["form_data"] = "Must be an object."
    role = role or (Role.APPLICANT if channel == ChannelKind.ONLINE else Role.DESK_OFFICER)
    if role not in {str(r) for r in Role}:
        errors["role"] = f"Unknown role {role!r}."
    if errors:
        raise InvalidSubmission(errors)
    target = next_state(State.NEW, Action.SUBMIT, role)

    day = receipt_date(at)
    # No savepoint inside a caller's transaction (submit_once): nothing here is retried on failure, the whole
    # transaction rolls back and gives the number back.
    with transaction.atomic(savepoint=False):
        dossier = Dossier(pk=dossier_id, code=CODE_PLACEHOLDER, procedure=procedure, procedure_version=version,
                          agency=agency, channel=channel, form_data=form_data, submitted_at=at, version=1,
                          applicant_user=actor if role == Role.APPLICANT else None,
                          receipt_due_at=receipt.receipt_due(_hours_calendar(agency), at, channel), **fields)
        dossier.set_state(target)
        event = DossierEvent(dossier=dossier, seq=1, actor=actor, role=role, at=at, action=Action.SUBMIT,
                             from_state=State.NEW, to_state=target, data={"channel": channel})
        write_submission(dossier, event, day, outcome)  # the fast path (fast_submission)
        event_appended(event)  # the hooks append_event calls, for the event written without save()
        notify_for_event(event)  # queued in this transaction, sent after commit (architecture.md, data flow 2)
        dossier_submitted(channel)  # motcua_dossiers_submitted_total, counted after the commit
    return dossier


@dataclass(frozen=True)
class IdempotentOutcome:
    record: IdempotencyRecord
    replayed: bool


def request_fingerprint(body: Any) -> str:
    """SHA-256 of the request body in canonical JSON (sorted keys): the same body in another key order matches."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_once(key: str, owner, fingerprint: str, render: Callable[[Dossier], tuple[int, dict]],
                **submit_kwargs: Any) -> IdempotentOutcome:
    """:func:`submit` at most once per ``(owner, key)``: the first call submits and stores ``render(dossier)``
    (status code and response body) with the key; a retry with the same ``fingerprint`` gets the stored record back
    (``replayed``); another fingerprint raises :class:`IdempotencyKeyReused`.

    The key row is inserted first, in the submission's transaction: a concurrent retry blocks on the unique key until
    the first commits (then replays) or rolls back (then submits itself). A refused submission stores nothing, so
    the key can be used again with a corrected body.
    """
    with transaction.atomic():
        record_id = claim_key(owner.pk, key, fingerprint)
        if record_id is None:
            record = IdempotencyRecord.objects.get(owner=owner, key=key)
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused(key)
            return IdempotentOutcome(record, replayed=True)
        outcome = Outcome(record_id, render)
        dossier = _submit(**submit_kwargs, outcome=outcome)
        status_code, response = outcome.status_code, outcome.response
    record = IdempotencyRecord(pk=record_id, owner=owner, key=key, fingerprint=fingerprint, dossier=dossier,
                               status_code=status_code, response=response)
    return IdempotentOutcome(record, replayed=False)
