"""Feedback and petitions (phản ánh, kiến nghị — PAKN): items, their append-only event log and attachments.

Decree 20/2008/NĐ-CP (amended by Decree 48/2013 and 92/2017), domain.md §5. Every write goes through
:mod:`motcua.feedback.services`; the lifecycle (states, actions, who may act) is data in :mod:`.transitions`.

Privacy: the ``submitter_*`` columns (name, phone, e-mail, address, account) are personal data. They are never
published: public pages, the public API and Open311 read only the ``public_*`` columns, the answer and the
non-personal columns listed in :data:`PUBLIC_FIELDS`.
"""

from __future__ import annotations

import json
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.chain import HASH_LENGTH, canonical_json
from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported
from motcua.core.eventlog import AppendOnlyQuerySet, ChainedModel

from .transitions import ROLE_CHOICES, STATE_CHOICES, State


class Kind(models.TextChoices):
    """Decree 20/2008 Art. 1: a *phản ánh* raises a problem; a *kiến nghị* also proposes a solution."""

    REPORT = "report", _("Phản ánh")
    PROPOSAL = "proposal", _("Kiến nghị")


class Topic(models.TextChoices):
    """What the item is about. These are the PAKN categories (Open311 ``service_code``)."""

    REGULATION = "regulation", _("Quy định hành chính")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    CONDUCT = "conduct", _("Hành vi của cán bộ, công chức")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    PHONE = "phone", _("Điện thoại")
    WRITTEN = "written", _("Văn bản")
    API = "api", _("Qua API")
    OPEN311 = "open311", _("Open311")


class Classification(models.TextChoices):
    """The four classes at receipt (Decree 20/2008 Art. 13 as summarised in domain.md §5)."""

    NOT_ACCEPTED = "not_accepted", _("Không thuộc phạm vi tiếp nhận")
    CONDUCT = "conduct", _("Hành vi của cán bộ (chuyển cơ quan quản lý)")
    IN_COMPETENCE = "in_competence", _("Quy định thuộc thẩm quyền")
    OUTSIDE_COMPETENCE = "outside_competence", _("Quy định không thuộc thẩm quyền (chuyển trong 5 ngày làm việc)")


class RefusalGround(models.TextChoices):
    """Why an item is not accepted. Complaints and denunciations are redirected (see ``rules.REDIRECTS``)."""

    COMPLAINT = "complaint", _("Khiếu nại (Luật Khiếu nại 2011)")
    DENUNCIATION = "denunciation", _("Tố cáo (Luật Tố cáo 2018)")
    NOT_ADMINISTRATIVE = "not_administrative", _("Không phải quy định hành chính")
    NO_CONTACT = "no_contact", _("Không rõ họ tên, địa chỉ liên hệ")
    DUPLICATE = "duplicate", _("Trùng nội dung đã được trả lời")
    SPAM = "spam", _("Nội dung rác, quảng cáo hoặc không có nội dung")
    OFFENSIVE = "offensive", _("Ngôn từ xúc phạm")
    OTHER = "other", _("Lý do khác")


class Rating(models.TextChoices):
    """The submitter's verdict on the published answer (Decision 766/QĐ-TTg group 6)."""

    LIKE = "like", _("Hài lòng")
    DISLIKE = "dislike", _("Không hài lòng")


# Columns that may appear in public pages and public APIs. Nothing starting with ``submitter_`` ever does.
PUBLIC_FIELDS: tuple[str, ...] = (
    "code", "kind", "topic", "public_title", "public_content", "procedure_id", "procedure_code", "procedure_name",
    "agency_id", "state", "submitted_at", "answered_at", "published_at", "answer", "rating", "classification",
)


class Feedback(models.Model):
    """A PAKN item from receipt to its published answer. ``version`` is the optimistic lock; every change bumps it
    and appends exactly one :class:`FeedbackEvent`.

    Due times (all computed with the handling agency's working calendar, ``rules.due_times``):

    - ``decision_due_at``: refuse (not accepted) ≤ 2 working days from receipt;
    - ``forward_due_at``: forward an item outside the receiver's competence ≤ 5 working days from receipt;
    - ``supplement_due_at``: ask for a supplement ≤ 5 working days from receipt;
    - ``answer_due_at``: answer ≤ 15 working days from receipt or from forwarding;
    - ``publish_due_at``: publish ≤ 2 working days after the answer is approved.
    """

    code = models.CharField(max_length=32, unique=True, help_text="Tracking code (mã PAKN), PAKN-YYMMDD-XXXXXX.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.CharField(max_length=12, choices=Topic.choices, help_text="The PAKN category.")
    channel = models.CharField(max_length=10, choices=Channel.choices)

    # What the submitter wrote (kept as written, never edited).
    title = models.CharField(max_length=255)
    content = models.TextField()
    proposal = models.TextField(blank=True, help_text="The proposed solution (kiến nghị).")
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="feedback")
    procedure_code = models.CharField(max_length=40, blank=True, help_text="Snapshot for display and filters.")
    procedure_name = models.CharField(max_length=1000, blank=True, help_text="Snapshot for display.")
    regulation = models.CharField(max_length=500, blank=True, help_text="The regulation or legal document concerned.")
    officer_name = models.CharField(max_length=255, blank=True, help_text="The officer concerned (conduct).")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="feedback", help_text="One of the submitter's dossiers (conduct).")
    location = models.CharField(max_length=500, blank=True, help_text="Where it happened (Open311 address_string).")
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    # Personal data: never published.
    submitter_name = models.CharField(max_length=255)
    submitter_phone = models.CharField(max_length=20, blank=True)
    submitter_email = models.EmailField(blank=True)
    submitter_address = models.CharField(max_length=500, blank=True)
    submitter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="feedback_submitted")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="feedback_entered", help_text="The officer who wrote down a call.")

    # Handling.
    received_by = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="feedback_received",
                                    help_text="The agency that first received the item.")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="feedback",
                               help_text="The agency handling it now (changes when forwarded).")
    state = models.CharField(max_length=24, choices=STATE_CHOICES, default=State.RECEIVED)
    version = models.PositiveIntegerField(default=1)
    classification = models.CharField(max_length=20, choices=Classification.choices, blank=True)
    refusal_ground = models.CharField(max_length=20, choices=RefusalGround.choices, blank=True)
    refusal_reason = models.TextField(blank=True, help_text="Shown to the submitter; a refused item is kept.")
    forward_count = models.PositiveSmallIntegerField(default=0)
    supplement_request = models.TextField(blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="feedback_assigned")

    submitted_at = models.DateTimeField()
    received_at = models.DateTimeField(help_text="Receipt by the current agency (forwarding resets it).")
    decided_at = models.DateTimeField(null=True, blank=True, help_text="Classified, refused or forwarded.")
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="The leader approved the answer.")
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Refused or published.")

    decision_due_at = models.DateTimeField(null=True, blank=True)
    forward_due_at = models.DateTimeField(null=True, blank=True)
    supplement_due_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    publish_due_at = models.DateTimeField(null=True, blank=True)

    # The answer: drafted by a specialist, approved by a leader, published.
    answer_draft = models.TextField(blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answer = models.TextField(blank=True, help_text="The approved answer (public once published).")

    # What the public sees of the question: personal data removed (rules.redact), editable by the officer.
    public_title = models.CharField(max_length=255, blank=True)
    public_content = models.TextField(blank=True)
    search_text = models.TextField(blank=True, help_text="Folded public title, question, answer and procedure.")

    # Satisfaction (issue 5 point 3; domain.md §7 group 6).
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    recomplained_at = models.DateTimeField(null=True, blank=True)
    recomplaint_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="recomplaints")

    # Abuse review (issue 5 point 7): simple, explainable rules (rules.spam_reasons).
    flagged = models.BooleanField(default=False, help_text="Likely spam: an officer reviews it.")
    flag_reasons = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="feedback_version_positive"),
            models.CheckConstraint(condition=models.Q(rating="") | models.Q(rated_at__isnull=False),
                                   name="feedback_rating_has_time"),
            models.CheckConstraint(condition=models.Q(published_at__isnull=True) | ~models.Q(answer=""),
                                   name="feedback_published_has_answer"),
            models.CheckConstraint(condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                                   name="feedback_refusal_has_reason"),
        ]
        indexes = [
            # Public answers page and Open311 lists: newest published first, by agency or procedure.
            models.Index(fields=["-published_at", "-id"], name="feedback_published",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["agency", "-published_at", "-id"], name="feedback_agency_published",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["procedure", "-published_at", "-id"], name="feedback_procedure_published",
                         condition=models.Q(published_at__isnull=False)),
            # Open311 lists all requests by date; officers' queues by agency and state.
            models.Index(fields=["-submitted_at", "-id"], name="feedback_submitted"),
            models.Index(fields=["agency", "state", "answer_due_at"], name="feedback_queue"),
            models.Index(fields=["topic", "-submitted_at"], name="feedback_topic_submitted"),
            models.Index(fields=["submitter_user", "-submitted_at"], name="feedback_submitter"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.published_at is not None






def event_chain_content(feedback_id: int, seq: int, actor_id: int | None, role: str, at, action: str,
                        from_state: str, to_state: str, note: str, data: dict) -> dict:
    """What a feedback event's hash covers: every column but the id and the hashes."""
    return {"feedback": feedback_id, "seq": seq, "actor": actor_id, "role": str(role),
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "action": str(action),
            "from": str(from_state), "to": str(to_state), "note": note or "",
            "data": json.loads(canonical_json(data))}


class FeedbackEvent(ChainedModel, models.Model):
    """One change of a PAKN item. ``seq`` equals the item's version after the change (1 for the submission).

    Append-only: the ORM refuses updates and deletes; hash-chained per item like dossier events.
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="feedback_events")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["feedback", "seq"]
        constraints = [models.UniqueConstraint(fields=["feedback", "seq"], name="feedback_event_seq_unique")]
        indexes = [models.Index(fields=["at"], name="feedback_event_at")]

    def __str__(self) -> str:
        return f"{self.feedback_id}#{self.seq} {self.action}"

    def chain_content(self) -> dict:
        return event_chain_content(self.feedback_id, self.seq, self.actor_id, self.role, self.at, self.action,
                                   self.from_state, self.to_state, self.note, self.data)


def attachment_upload_to(instance: FeedbackAttachment, filename: str) -> str:
    """``feedback/<code>/<generated name>``: the client's file name never reaches the storage path."""
    return f"feedback/{instance.feedback.code}/{filename}"


class FeedbackAttachment(models.Model):
    """A file sent with an item. Private (it may carry personal data): shown only to officers and the submitter.
    The type is detected from the bytes (``dossiers.documents.sniff``)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["feedback", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.filename}"


class PersonalDataAccess(ChainedModel, models.Model):
    """Append-only trace of every look at a submitter's personal data by an officer (who, which item, when, why).

    One hash chain in id order (issue 12 point 3): ``hash`` covers the entry and ``prev_hash``, the previous entry's;
    appenders take turns for the link (``services.record_personal_data_access``)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    purpose = models.CharField(max_length=100)
    prev_hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["feedback", "at"], name="feedback_pd_access")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.feedback_id} {self.at}"

    def chain_content(self) -> dict:
        return personal_data_access_content(self.feedback_id, self.user_id, self.at, self.purpose)


def personal_data_access_content(feedback_id: int, user_id: int, at, purpose: str) -> dict:
    """What a personal-data access entry's hash covers: every column but the id and the hashes."""
    return {"feedback": feedback_id, "user": user_id, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "purpose": purpose}


class PublishedEntry(models.Model):
    """The search row of a published answer: the columns the public answers page filters and orders on, and the
    folded public words, in a narrow table written at publication (so its rows lie in publication order).

    Why a table of its own: finding the newest answers that contain some words reads a few thousand rows in date
    order, or every match of rare words; narrow rows in date order make both a few hundred pages instead of one
    page per row of the wide ``Feedback`` table. PostgreSQL adds a generated ``search_vector`` with a GIN index
    (migration 0003). Written only by ``services`` (publish) and the history generator.
    """

    feedback = models.OneToOneField(Feedback, on_delete=models.PROTECT, related_name="published_entry")
    published_at = models.DateTimeField()
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    procedure_code = models.CharField(max_length=40, blank=True)
    topic = models.CharField(max_length=12, choices=Topic.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    search_text = models.TextField(blank=True, help_text="Folded public title, question, answer and procedure.")

    class Meta:
        indexes = [
            models.Index(fields=["-published_at", "-feedback"], name="published_entry_date"),
            models.Index(fields=["agency", "-published_at", "-feedback"], name="published_entry_agency"),
            models.Index(fields=["procedure_code", "-published_at", "-feedback"], name="published_entry_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.published_at}"
