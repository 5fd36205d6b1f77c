"""Every write of PAKN items: submission (web, API, phone calls), the handling actions, rating and re-complaint.

One function per use case, each in one transaction, validated before anything is written; each change bumps the
item's ``version`` and appends exactly one hash-chained :class:`~motcua.feedback.models.FeedbackEvent`. Nothing is
deleted: a refused item stays with its ground and reason. Looks at the submitter's personal data by officers are
recorded (:func:`record_access`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.core.chain import GENESIS
from motcua.core.text import terms
from motcua.dossiers import documents
from motcua.units.models import Agency, Membership

from . import rules
from .models import (
    Channel,
    Classification,
    Feedback,
    FeedbackAttachment,
    FeedbackEvent,
    Kind,
    PersonalDataAccess,
    PublishedEntry,
    Rating,
    RefusalGround,
    Topic,
)
from .transitions import Action, Role, State, TransitionNotAllowed, transition

__all__ = ["ActorNotAllowed", "FeedbackNotFound", "InvalidFeedback", "TransitionNotAllowed", "VersionConflict",
           "act", "rate", "recomplain", "record_access", "submit"]


class InvalidFeedback(Exception):
    """Bad input: ``errors`` maps each field to what is wrong with it. Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class FeedbackNotFound(Exception):
    pass


class VersionConflict(Exception):
    def __init__(self, item: Feedback, expected: int) -> None:
        self.item, self.expected = item, expected
        super().__init__(f"{item.code} is at version {item.version}, not {expected}.")


class ActorNotAllowed(Exception):
    """The user does not hold the role they act in, for this item."""


def _now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("Give an aware datetime.")
    return at


def _text(data: dict, key: str, errors: dict[str, str], *, required: bool = False, label: str = "") -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = "Phải là văn bản."
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = f"Vui lòng nhập {label or key}."
    limit = rules.LIMITS.get(key.removeprefix("submitter_"), 0)
    if limit and len(value) > limit:
        errors[key] = f"Tối đa {limit} ký tự (đã nhập {len(value)})."
    if "\x00" in value:
        errors[key] = "Có ký tự không hợp lệ."
    return value


def search_text(*parts: str) -> str:
    """The folded, space-separated words of the public text (``queries._match_terms`` matches whole words)."""
    return " ".join(terms(" ".join(p for p in parts if p)))


# Submission -----------------------------------------------------------------------------------------------------------


def _resolve_procedure(code: str, errors: dict[str, str]) -> tuple[Procedure | None, str]:
    if not code:
        return None, ""
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None or procedure.current_version is None:
        errors["procedure_code"] = f"Không tìm thấy thủ tục hành chính có mã {code}."
        return None, ""
    return procedure, procedure.current_version.name


def _procedure_agency(procedure: Procedure) -> Agency | None:
    version = procedure.current_version
    found = (version.agencies.filter(agency__isnull=False, role__in=["competent", "implementing"])
             .select_related("agency").order_by("role", "position").first())
    return found.agency if found else None


def _spam_counts(content: str, at: datetime, user, phone: str, email: str) -> tuple[int, int]:
    day = Feedback.objects.filter(submitted_at__gte=at - timedelta(hours=24), submitted_at__lte=at)
    same = day.filter(content=content).count()
    sender = Q()
    if user is not None:
        sender |= Q(submitter_user=user)
    if phone:
        sender |= Q(submitter_phone=phone)
    if email:
        sender |= Q(submitter_email__iexact=email)
    recent = day.filter(sender, submitted_at__gte=at - timedelta(hours=1)).count() if sender else 0
    return same, recent


def _check_uploads(uploads) -> list[tuple[Any, documents.FileType, int, str, str]]:
    """Size, count and type (from the bytes) of every attachment, before anything is written."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > rules.max_attachments():
        raise InvalidFeedback({"attachments": f"Tối đa {rules.max_attachments()} tệp đính kèm."})
    checked = []
    allowed = ("pdf", "jpeg", "png", "docx")
    for upload in uploads:
        size = int(getattr(upload, "size", 0) or 0)
        name = documents.clean_filename(getattr(upload, "name", ""))
        if size <= 0:
            raise InvalidFeedback({"attachments": f"Tệp {name} rỗng."})
        if size > rules.max_attachment_bytes():
            raise InvalidFeedback({"attachments": f"Tệp {name} vượt quá {rules.max_attachment_bytes() // 1048576} MB."})
        upload.seek(0)
        head = upload.read(documents.SNIFF_BYTES)
        file_type = documents.sniff(head)
        if file_type is None or file_type.key not in allowed:
            raise InvalidFeedback({"attachments": f"Tệp {name}: chỉ nhận PDF, JPEG, PNG, DOCX."})
        digest = hashlib.sha256(head)
        while chunk := upload.read(1024 * 1024):
            digest.update(chunk)
        upload.seek(0)
        checked.append((upload, file_type, size, digest.hexdigest(), documents.name_for_type(name, file_type)))
    return checked


def _new_code(at: datetime) -> str:
    local = timezone.localtime(at)
    for _ in range(10):
        code = rules.tracking_code(local)
        if not Feedback.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not find a free tracking code.")  # 32**6 codes a day: practically unreachable


def submit(data: dict, *, actor=None, role: str = Role.APPLICANT, channel: str = Channel.ONLINE, attachments=(),
           at: datetime | None = None, recomplaint_of: Feedback | None = None) -> Feedback:
    """Receive a report or proposal (issue 5 point 1): validate everything, then write the item, its first event
    and its attachments in one transaction.

    ``data``: ``kind`` (report/proposal), ``topic`` (regulation/procedure/conduct), ``title``, ``content``,
    ``proposal`` (required for a proposal), ``procedure_code`` (required for the procedure topic), ``regulation``,
    ``officer_name``, ``dossier_code`` (conduct: one of the submitter's dossiers), ``agency_code`` (optional: else
    the procedure's competent agency, the dossier's agency, or the central PAKN agency of the day,
    ``rules.central_pakn_agency``), ``location``, ``lat``,
    ``long``, and the submitter's ``name``, ``phone``, ``email``, ``address`` (Decree 20/2008: name and contact).
    ``role`` is ``applicant`` (online, API) or ``desk_officer`` (a call or letter written down: ``channel`` phone
    or written, ``actor`` the officer). Raises :class:`InvalidFeedback` naming each bad field.
    """
    at = _now(at)
    if not isinstance(data, dict):
        raise InvalidFeedback({"non_field_errors": "Dữ liệu không hợp lệ."})
    errors: dict[str, str] = {}
    fields = _submitted_fields(data, channel, errors)
    procedure, procedure_name = _resolve_procedure(str(data.get("procedure_code") or "").strip(), errors)
    if fields["topic"] == Topic.PROCEDURE and procedure is None and "procedure_code" not in errors:
        errors["procedure_code"] = "Chọn thủ tục hành chính được phản ánh."
    dossier = _submitters_dossier(data, actor, role, fields["phone"], fields["email"], errors)
    agency = _receiving_agency(data, procedure, dossier, at, errors)
    _check_submitter(role, channel, actor, agency, errors)
    checked = _check_uploads(attachments) if not errors else []
    if errors:
        raise InvalidFeedback(errors)
    transition(State.NEW, Action.SUBMIT, role)
    return _store_submission(fields, at=at, actor=actor, role=role, channel=channel, procedure=procedure,
                             procedure_name=procedure_name, dossier=dossier, agency=agency, checked=checked,
                             recomplaint_of=recomplaint_of)


def _submitted_fields(data: dict, channel: str, errors: dict[str, str]) -> dict[str, Any]:
    """Kind, topic, the texts, the submitter's contact and the coordinates, each checked (errors named by field)."""
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        errors["kind"] = "Chọn phản ánh hoặc kiến nghị."
    topic = data.get("topic") or ""
    if topic not in Topic.values:
        errors["topic"] = "Chọn nội dung: quy định hành chính, thủ tục hành chính hoặc hành vi của cán bộ."
    if channel not in Channel.values:
        errors["channel"] = "Kênh tiếp nhận không hợp lệ."
    fields: dict[str, Any] = {"kind": kind, "topic": topic}
    fields["title"] = _text(data, "title", errors, required=True, label="tiêu đề")
    fields["content"] = _text(data, "content", errors, required=True, label="nội dung")
    fields["proposal"] = _text(data, "proposal", errors, required=(kind == Kind.PROPOSAL), label="đề xuất giải pháp")
    for key in ("regulation", "officer_name", "location"):
        fields[key] = _text(data, key, errors)
    fields["name"] = _text(data, "name", errors, required=True, label="họ và tên")
    for key in ("phone", "email", "address"):
        fields[key] = _text(data, key, errors)
    _check_contact(fields["phone"], fields["email"], fields["address"], errors)
    if topic == Topic.REGULATION and not fields["regulation"] and not errors.get("regulation"):
        errors["regulation"] = "Ghi rõ quy định hành chính (tên, số hiệu văn bản) được phản ánh."
    fields["coords"] = _coordinates(data, errors)
    return fields


def _check_contact(phone: str, email: str, address: str, errors: dict[str, str]) -> None:
    """Decree 20/2008: the submitter's name and a way to reach them."""
    if phone and not (phone.replace(" ", "").lstrip("+").isdigit() and 9 <= len(phone.replace(" ", "")) <= 15):
        errors["phone"] = "Số điện thoại không hợp lệ."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if not phone and not email and not address:
        errors.setdefault("phone", "Cần ít nhất một cách liên hệ: điện thoại, thư điện tử hoặc địa chỉ.")


def _coordinates(data: dict, errors: dict[str, str]) -> dict[str, Decimal | None]:
    coords: dict[str, Decimal | None] = {}
    for key, bound in (("lat", 90), ("long", 180)):
        raw = data.get(key)
        if raw in (None, ""):
            coords[key] = None
            continue
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            errors[key] = "Tọa độ không hợp lệ."
            continue
        if abs(value) > bound:
            errors[key] = f"Tọa độ phải trong khoảng ±{bound}."
        coords[key] = value
    return coords


def _submitters_dossier(data: dict, actor, role: str, phone: str, email: str, errors: dict[str, str]):
    """The dossier a conduct item is about: one of the submitter's own (their account's, or, entered by an officer,
    the one with the caller's phone or e-mail); else an error, never someone else's dossier."""
    dossier_code = str(data.get("dossier_code") or "").strip()
    if not dossier_code:
        return None
    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.filter(code=dossier_code).first()
    owner_ok = dossier is not None and (
        (actor is not None and dossier.applicant_user_id == getattr(actor, "pk", None))
        or (role != Role.APPLICANT and ((phone and dossier.applicant_phone == phone)
                                        or (email and dossier.applicant_email.lower() == email.lower())))
    )
    if not owner_ok:
        errors["dossier_code"] = "Không tìm thấy hồ sơ này trong các hồ sơ của người gửi."
        return None
    return dossier


def _receiving_agency(data: dict, procedure: Procedure | None, dossier, at: datetime,
                      errors: dict[str, str]) -> Agency | None:
    """The agency named, else the procedure's competent agency, else the dossier's, else the central PAKN agency."""
    agency = None
    agency_code = str(data.get("agency_code") or "").strip()
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            errors["agency_code"] = f"Không có cơ quan mã {agency_code}."
    elif procedure is not None:
        agency = _procedure_agency(procedure)
    if agency is None and dossier is not None:
        agency = dossier.agency
    if agency is None and "agency_code" not in errors:
        # What names no agency goes to the central PAKN agency in force on the day of receipt (Decree 118/2025
        # Art. 35(1)(h) as amended by Decree 309/2026 Art. 12: the Ministry of Justice from 5/8/2026).
        central = rules.central_pakn_agency(at)
        agency = Agency.objects.filter(code=central).first() or Agency.objects.order_by("pk").first()
        if agency is None:
            errors["agency_code"] = "Chưa có cơ quan tiếp nhận."
    return agency


def _check_submitter(role: str, channel: str, actor, agency: Agency | None, errors: dict[str, str]) -> None:
    """Citizens submit online; an officer of the receiving agency writes down calls and letters."""
    if role == Role.APPLICANT:
        if channel not in (Channel.ONLINE, Channel.API, Channel.OPEN311):
            errors["channel"] = "Người dân gửi trực tuyến; cuộc gọi, văn bản do cán bộ nhập."
    elif role == Role.DESK_OFFICER:
        if actor is None:
            raise ActorNotAllowed("An officer enters calls and letters.")
        if agency is not None and not _holds_role(actor, agency, Role.DESK_OFFICER) and not any(
                _holds_role(actor, agency, r) for r in (Role.SPECIALIST, Role.LEADER)):
            raise ActorNotAllowed(f"{actor} does not work at {agency.code}.")
    elif role != Role.SYSTEM:
        raise ActorNotAllowed(f"{role} cannot submit.")


def _store_submission(f: dict[str, Any], *, at: datetime, actor, role: str, channel: str, procedure, procedure_name,
                      dossier, agency: Agency, checked: list, recomplaint_of: Feedback | None) -> Feedback:
    """Write the validated item, its first event and its attachments in one transaction."""
    name, content, proposal = f["name"], f["content"], f["proposal"]
    submitter_user = actor if role == Role.APPLICANT and actor is not None and actor.is_authenticated else None
    same, burst = _spam_counts(content, at, submitter_user, f["phone"], f["email"])
    reasons = rules.spam_reasons(f["title"], f"{content}\n{proposal}", same_text_recently=same,
                                 submissions_last_hour=burst)
    public_title = rules.redact(f["title"], [name])
    public_content = rules.redact(content + (f"\n\nĐề xuất: {proposal}" if proposal else ""), [name])
    due = rules.receipt_due_times(WorkingCalendar.from_db(agency), at)
    redirect_hint = rules.suggest_redirect(f"{f['title']} {content}")
    coords = f["coords"]
    for _ in range(3):
        try:
            with transaction.atomic():
                item = Feedback.objects.create(
                    code=_new_code(at), kind=f["kind"], topic=f["topic"], channel=channel, title=f["title"],
                    content=content, proposal=proposal, procedure=procedure,
                    procedure_code=procedure.code if procedure else "", procedure_name=procedure_name,
                    regulation=f["regulation"], officer_name=f["officer_name"], dossier=dossier,
                    location=f["location"], lat=coords.get("lat"), long=coords.get("long"),
                    submitter_name=name, submitter_phone=f["phone"], submitter_email=f["email"],
                    submitter_address=f["address"], submitter_user=submitter_user,
                    entered_by=actor if role == Role.DESK_OFFICER else None,
                    received_by=agency, agency=agency, state=State.RECEIVED, submitted_at=at, received_at=at,
                    public_title=public_title, public_content=public_content,
                    search_text=search_text(public_title, public_content, procedure.code if procedure else "",
                                            procedure_name),
                    flagged=bool(reasons), flag_reasons=reasons, recomplaint_of=recomplaint_of, **due)
                _append_event(item, actor=actor if role != Role.SYSTEM else None, role=role, at=at,
                              action=Action.SUBMIT, from_state=State.NEW, to_state=State.RECEIVED,
                              data={"channel": channel, "agency": agency.code, "flag_reasons": reasons,
                                    "redirect_hint": redirect_hint, "attachments": len(checked),
                                    "recomplaint_of": recomplaint_of.code if recomplaint_of else ""})
                _store_attachments(item, checked, at)
                return item
        except IntegrityError:
            # Only the tracking code can collide (two submissions drawing the same code at once): draw again.
            continue
    raise RuntimeError("Could not store the item.")


def _store_attachments(item: Feedback, checked: list, at: datetime) -> None:
    for upload, file_type, size, sha256, filename in checked:
        attachment = FeedbackAttachment(feedback=item, filename=filename or f"tep{file_type.extension}",
                                        content_type=file_type.mime, size=size, sha256=sha256, uploaded_at=at)
        attachment.file.save(documents.stored_name(file_type), upload, save=False)
        attachment.save()


# Handling ---------------------------------------------------------------------------------------------------------


def _agency_tree(agency_id: int) -> set[int]:
    """The agency and its ancestors (an officer of a province or ministry acts for its bodies)."""
    seen: set[int] = set()
    current: int | None = agency_id
    while current is not None and current not in seen:
        seen.add(current)
        current = Agency.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return seen


def _holds_role(user, agency: Agency, role: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, role=str(role), agency_id__in=_agency_tree(agency.pk)).exists()


def officer_agencies(user, roles=(Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)) -> list[int]:
    """Agencies whose items the user may see: each membership's agency and the bodies under it (two levels)."""
    direct = list(Membership.objects.filter(user=user, role__in=[str(r) for r in roles])
                  .values_list("agency_id", flat=True))
    if not direct:
        return []
    # A supervisor at the central PAKN agency in force today reads every agency's items (rules.central_pakn_agency).
    if Membership.objects.filter(user=user, role=Role.SUPERVISOR,
                                 agency__code=rules.central_pakn_agency(timezone.now())).exists():
        return list(Agency.objects.values_list("pk", flat=True))
    children = list(Agency.objects.filter(parent_id__in=direct).values_list("pk", flat=True))
    grandchildren = list(Agency.objects.filter(parent_id__in=children).values_list("pk", flat=True))
    return sorted(set(direct) | set(children) | set(grandchildren))


def _check_actor(item: Feedback, actor, role: str) -> None:
    if role == Role.SYSTEM:
        if actor is not None:
            raise ActorNotAllowed("System actions have no user.")
        return
    if role == Role.APPLICANT:
        if item.submitter_user_id is None or actor is None or actor.pk != item.submitter_user_id:
            raise ActorNotAllowed("Chỉ người gửi (đã đăng nhập) mới thực hiện được thao tác này.")
        return
    if not _holds_role(actor, item.agency, role):
        raise ActorNotAllowed(f"{actor} is not a {role} of {item.agency.code}.")


def _append_event(item: Feedback, **values: Any) -> FeedbackEvent:
    previous = (FeedbackEvent.objects.filter(feedback_id=item.pk, seq=item.version - 1)
                .values_list("hash", flat=True).first())
    event = FeedbackEvent(feedback=item, seq=item.version, **values)
    event.seal(previous or GENESIS)
    event.save()
    return event


def _lock(code: str, expected_version: int | None) -> Feedback:
    item = Feedback.objects.select_for_update(of=("self",)).select_related("agency").filter(code=code).first()
    if item is None:
        raise FeedbackNotFound(code)
    if expected_version is not None and expected_version != item.version:
        raise VersionConflict(item, expected_version)
    return item


def _required(payload: dict, key: str, label: str, limit_key: str = "reason") -> str:
    value = payload.get(key)
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidFeedback({key: f"Vui lòng nhập {label}."})
    limit = rules.LIMITS[limit_key]
    if len(value) > limit:
        raise InvalidFeedback({key: f"Tối đa {limit} ký tự."})
    return value


def act(code: str, action: str, *, actor, role: str, expected_version: int | None = None, at: datetime | None = None,
        **payload: Any) -> Feedback:
    """Take a handling action (issue 5 point 2) on the item ``code``: checked against the transition table and the
    actor's memberships, applied, one event appended. Payload by action:

    - ``classify``: ``classification`` (``conduct`` or ``in_competence``);
    - ``refuse``: ``ground`` (``RefusalGround``), ``reason`` (defaults to the legal redirect for complaints and
      denunciations);
    - ``forward``: ``agency_code`` (another agency), ``classification`` (``outside_competence`` or ``conduct``),
      ``note``;
    - ``request_supplement``: ``note`` (what is missing); ``submit_supplement``: ``text``;
    - ``assign``: ``username`` (a specialist of the agency);
    - ``draft_answer``: ``answer``, optional ``public_title`` / ``public_content`` (edited public question);
    - ``return_draft``: ``reason``; ``approve``: optional ``answer`` (the leader's final wording);
    - ``publish``: nothing.
    """
    at = _now(at)
    if action in (Action.RATE, Action.RECOMPLAIN, Action.SUBMIT):
        raise InvalidFeedback({"action": f"Use the {action} service."})
    with transaction.atomic():
        item = _lock(code, expected_version)
        step = transition(item.state, action, role)  # the lifecycle table (transitions.py, core.workflow)
        _check_actor(item, actor, role)
        source = item.state
        target = step.target or State(item.state)
        effect = EFFECTS[Action(action)](item, payload, at, actor)
        item.state = str(target)
        item.version += 1
        item.save(update_fields=list(dict.fromkeys(["state", "version", "updated_at", *effect.fields])))
        if action == Action.PUBLISH:
            PublishedEntry.objects.create(feedback=item, published_at=at, agency_id=item.agency_id,
                                          procedure_code=item.procedure_code, topic=item.topic, kind=item.kind,
                                          search_text=item.search_text)
        _append_event(item, actor=actor, role=role, at=at, action=str(action), from_state=source,
                      to_state=str(target), note=effect.note, data=effect.data)
        return item


@dataclass
class Effect:
    """What one handling action changed on the item: the fields to save, the event's note and data."""

    fields: list[str] = field(default_factory=list)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _classify(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    value = payload.get("classification")
    if value not in (Classification.CONDUCT, Classification.IN_COMPETENCE):
        raise InvalidFeedback({"classification": (
            "Chọn: hành vi của cán bộ hoặc quy định thuộc thẩm quyền. Nội dung không thuộc thẩm quyền: "
            "chuyển cơ quan; không thuộc phạm vi: từ chối.")})
    item.classification, item.decided_at = value, at
    return Effect(["classification", "decided_at"], data={"classification": value})


def _refuse(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    ground = payload.get("ground") or ""
    if ground not in RefusalGround.values:
        raise InvalidFeedback({"ground": "Chọn lý do không tiếp nhận."})
    reason = (payload.get("reason") or "").strip() or rules.REDIRECTS.get(ground, "")
    if not reason:
        raise InvalidFeedback({"reason": "Vui lòng nêu lý do không tiếp nhận."})
    if len(reason) > rules.LIMITS["reason"]:
        raise InvalidFeedback({"reason": f"Tối đa {rules.LIMITS['reason']} ký tự."})
    item.classification = Classification.NOT_ACCEPTED
    item.refusal_ground, item.refusal_reason = ground, reason
    item.decided_at = item.closed_at = at
    return Effect(["classification", "refusal_ground", "refusal_reason", "decided_at", "closed_at"], reason,
                  {"ground": ground, "late": at > item.decision_due_at if item.decision_due_at else False})


_RECEIPT_CLOCKS = ["decision_due_at", "forward_due_at", "supplement_due_at", "answer_due_at"]


def _forward(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    target_code = (payload.get("agency_code") or "").strip()
    new_agency = Agency.objects.filter(code=target_code).first() if target_code else None
    if new_agency is None:
        raise InvalidFeedback({"agency_code": "Chọn cơ quan có thẩm quyền để chuyển."})
    if new_agency.pk == item.agency_id:
        raise InvalidFeedback({"agency_code": "Không thể chuyển cho chính cơ quan đang xử lý."})
    value = payload.get("classification") or Classification.OUTSIDE_COMPETENCE
    if value not in (Classification.OUTSIDE_COMPETENCE, Classification.CONDUCT):
        raise InvalidFeedback({"classification": "Chỉ chuyển nội dung không thuộc thẩm quyền hoặc hành vi "
                               "của cán bộ cơ quan khác."})
    note = (payload.get("note") or "").strip()[: rules.LIMITS["reason"]]
    data = {"classification": value, "from": item.agency.code, "to": new_agency.code,
            "late": bool(item.forward_due_at and at > item.forward_due_at)}
    item.classification, item.decided_at, item.forwarded_at = value, at, at
    item.agency, item.received_at = new_agency, at
    item.forward_count += 1
    # "answer ≤ 15 working days from submission or forwarding": the new agency's clocks start now.
    for key, due in rules.receipt_due_times(WorkingCalendar.from_db(new_agency), at).items():
        setattr(item, key, due)
    return Effect(["classification", "decided_at", "forwarded_at", "agency", "received_at", "forward_count",
                   *_RECEIPT_CLOCKS], note, data)


def _request_supplement(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    note = _required(payload, "note", "nội dung cần bổ sung")
    item.supplement_request = note
    return Effect(["supplement_request"], note, {"late": bool(item.supplement_due_at and at > item.supplement_due_at)})


def _submit_supplement(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    text = _required(payload, "text", "thông tin bổ sung")
    stamp = timezone.localtime(at).strftime("%d/%m/%Y")
    item.content = f"{item.content}\n\n[Bổ sung {stamp}] {text}"[: rules.LIMITS["content"] * 2]
    item.public_content = rules.redact(f"{item.public_content}\n\n[Bổ sung {stamp}] {text}", [item.submitter_name])
    item.search_text = search_text(item.public_title, item.public_content, item.procedure_code, item.procedure_name)
    # The answer clock restarts from the complete information, as from a receipt.
    for key, due in rules.receipt_due_times(WorkingCalendar.from_db(item.agency), at).items():
        setattr(item, key, due)
    item.received_at = at
    return Effect(["content", "public_content", "search_text", "received_at", *_RECEIPT_CLOCKS], data={"text": text})


def _assign(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    from django.contrib.auth import get_user_model

    username = (payload.get("username") or "").strip()
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None or not _holds_role(user, item.agency, Role.SPECIALIST):
        raise InvalidFeedback({"username": "Chọn một chuyên viên của cơ quan."})
    item.assigned_to = user
    return Effect(["assigned_to"], data={"assigned_to": username})


def _draft_answer(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    answer = _required(payload, "answer", "nội dung trả lời", "answer")
    item.answer_draft, item.drafted_by = answer, actor
    fields = ["answer_draft", "drafted_by"]
    _edit_public_question(item, payload, fields)
    return Effect(fields, data={"length": len(answer)})


def _return_draft(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    return Effect(note=_required(payload, "reason", "lý do trả lại"))


def _approve(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    final = payload.get("answer")
    if isinstance(final, str) and final.strip():
        if len(final) > rules.LIMITS["answer"]:
            raise InvalidFeedback({"answer": f"Tối đa {rules.LIMITS['answer']} ký tự."})
        item.answer_draft = final.strip()
    item.answer, item.approved_by, item.answered_at = item.answer_draft, actor, at
    item.publish_due_at = rules.publish_due(WorkingCalendar.from_db(item.agency), at)
    return Effect(["answer_draft", "answer", "approved_by", "answered_at", "publish_due_at"],
                  data={"late": bool(item.answer_due_at and at > item.answer_due_at)})


def _publish(item: Feedback, payload: dict, at: datetime, actor) -> Effect:
    item.published_at = item.closed_at = at
    item.search_text = search_text(item.public_title, item.public_content, item.answer, item.procedure_code,
                                   item.procedure_name)
    return Effect(["published_at", "closed_at", "search_text"],
                  data={"late": bool(item.publish_due_at and at > item.publish_due_at)})


# What each handling action does to the item, beside the state change the lifecycle table gives (data: one function
# per action of ``transitions.TRANSITIONS`` that ``act`` takes; rate, recomplain and submit have their own services).
EFFECTS: dict[Action, Callable[[Feedback, dict, datetime, Any], Effect]] = {
    Action.CLASSIFY: _classify,
    Action.REFUSE: _refuse,
    Action.FORWARD: _forward,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUBMIT_SUPPLEMENT: _submit_supplement,
    Action.ASSIGN: _assign,
    Action.DRAFT_ANSWER: _draft_answer,
    Action.RETURN_DRAFT: _return_draft,
    Action.APPROVE: _approve,
    Action.PUBLISH: _publish,
}


def _edit_public_question(item: Feedback, payload: dict, fields: list[str]) -> None:
    """The officer may rewrite what the public sees of the question; personal data is removed again anyway."""
    for key, limit in (("public_title", 255), ("public_content", rules.LIMITS["content"])):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            if len(value) > limit:
                raise InvalidFeedback({key: f"Tối đa {limit} ký tự."})
            setattr(item, key, rules.redact(value.strip(), [item.submitter_name]))
            fields.append(key)


# Satisfaction -------------------------------------------------------------------------------------------------------


def rate(code: str, rating: str, *, actor, at: datetime | None = None) -> Feedback:
    """The submitter likes or dislikes the published answer, once (issue 5 point 3)."""
    at = _now(at)
    if rating not in Rating.values:
        raise InvalidFeedback({"rating": "Chọn hài lòng hoặc không hài lòng."})
    with transaction.atomic():
        item = _lock(code, None)
        transition(item.state, Action.RATE, Role.APPLICANT)
        _check_actor(item, actor, Role.APPLICANT)
        if item.rating:
            raise InvalidFeedback({"rating": "Quý vị đã đánh giá câu trả lời này."})
        item.rating, item.rated_at = rating, at
        item.version += 1
        item.save(update_fields=["rating", "rated_at", "version", "updated_at"])
        _append_event(item, actor=actor, role=Role.APPLICANT, at=at, action=Action.RATE, from_state=item.state,
                      to_state=item.state, data={"rating": rating})
        return item


def recomplain(code: str, content: str, *, actor, at: datetime | None = None) -> Feedback:
    """The submitter is not satisfied with the published answer and complains again: a new item linked to this one,
    received by the same agency; the original is marked re-complained (it counts against satisfaction). Once."""
    at = _now(at)
    with transaction.atomic():
        item = _lock(code, None)
        transition(item.state, Action.RECOMPLAIN, Role.APPLICANT)
        _check_actor(item, actor, Role.APPLICANT)
        if item.recomplained_at:
            raise InvalidFeedback({"content": "Quý vị đã phản ánh lại về câu trả lời này."})
        data = {"kind": item.kind, "topic": item.topic, "title": f"Phản ánh lại: {item.title}"[:255],
                "content": content if isinstance(content, str) else "", "procedure_code": item.procedure_code,
                "regulation": item.regulation or ("—" if item.topic == Topic.REGULATION else ""),
                "officer_name": item.officer_name, "agency_code": item.agency.code, "name": item.submitter_name,
                "phone": item.submitter_phone, "email": item.submitter_email, "address": item.submitter_address,
                "proposal": item.proposal}
        new = submit(data, actor=actor, role=Role.APPLICANT, channel=Channel.ONLINE, at=at, recomplaint_of=item)
        item.recomplained_at = at
        item.version += 1
        item.save(update_fields=["recomplained_at", "version", "updated_at"])
        _append_event(item, actor=actor, role=Role.APPLICANT, at=at, action=Action.RECOMPLAIN, from_state=item.state,
                      to_state=item.state, data={"new_item": new.code})
        return new


# Personal data ------------------------------------------------------------------------------------------------------


def record_access(item: Feedback, user, purpose: str, at: datetime | None = None) -> None:
    """Trace a look at the submitter's personal data by an officer (append-only, hash-chained)."""
    from motcua.core.eventlog import append_in_id_order

    append_in_id_order(PersonalDataAccess(feedback=item, user=user, at=_now(at), purpose=purpose[:100]),
                       "feedback_personaldataaccess")
