"""Dossiers (hồ sơ), their append-only event log, the per-agency daily code counter and internal process definitions.

Every write goes through :mod:`motcua.dossiers.services`; models carry data and constraints only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.chain import HASH_LENGTH, canonical_json
from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported
from motcua.core.eventlog import AppendOnlyQuerySet, ChainedModel

from .transitions import STATE_STATUS, Role, State


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Rating(models.TextChoices):
    """The applicant's verdict on the handling, once the result is returned (Decision 766/QĐ-TTg group 6)."""

    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class ChannelKind(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


STATE_CHOICES = [(str(s), str(s)) for s in State if s is not State.NEW]
ROLE_CHOICES = [(str(r), str(r)) for r in Role]


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user, *, as_applicant: bool = True, as_officer: bool = True,
                   proved_codes: Iterable[str] = ()) -> DossierQuerySet:
        """The dossiers ``user`` (or an :class:`~motcua.dossiers.access.Viewer`) may read — the one rule,
        :func:`motcua.dossiers.access.visible`: as their applicant, and as an officer or supervisor of their agency
        (a page that serves one relationship leaves the other out), and those the visitor proved in the session."""
        from .access import Viewer, viewer_for, visible

        viewer = user if isinstance(user, Viewer) else viewer_for(user, as_applicant=as_applicant)
        return visible(viewer, self, as_applicant=as_applicant, as_officer=as_officer, proved_codes=proved_codes)


class Dossier(models.Model):
    """A dossier from submission to its end. ``version`` is the optimistic lock: every action bumps it.

    Two clocks (see :mod:`.rules`): ``due_at`` is the legal due time (restarts after a supplement, moved once by an
    apology); ``index_due_at`` is the service index's (waiting for a supplement is added, not restarted).
    """

    code = models.CharField(max_length=80, unique=True, help_text="<agency code>-YYMMDD-XXXX (Decree 118/2025 "
                            "Art. 28).")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers")
    procedure_version = models.ForeignKey("catalog.ProcedureVersion", on_delete=models.PROTECT,
                                          related_name="dossiers",
                                          help_text="The version valid when the dossier was received.")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="dossiers",
                               help_text="The receiving agency.")
    channel = models.CharField(max_length=10, choices=ChannelKind.choices)

    applicant_kind = models.CharField(max_length=10, choices=ApplicantKind.choices)
    applicant_personal_id = models.CharField(max_length=12, blank=True)
    applicant_enterprise_code = models.CharField(max_length=14, blank=True)
    applicant_name = models.CharField(max_length=255)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_address = models.TextField(blank=True)
    applicant_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="dossiers_submitted")
    form_data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    state = models.CharField(max_length=30, choices=STATE_CHOICES, default=State.SUBMITTED)
    status_code = models.PositiveSmallIntegerField(default=1, help_text="National sync status 1–10.")
    version = models.PositiveIntegerField(default=1)

    submitted_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When processing ended (approved, refused, stopped, withdrawn).")
    returned_at = models.DateTimeField(null=True, blank=True)

    # The channel's time limit, copied at receipt so that a restart uses the same limit.
    time_limit_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(max_length=15, blank=True)
    time_limit_cutoff_moves_start = models.BooleanField(
        null=True, blank=True,
        help_text="The channel's 15:00 setting at receipt (None: by the law of the receipt date).")
    deadline_flag = models.CharField(max_length=30, blank=True,
                                     help_text="Why there is no due time (no_time_limit, fractional_time_limit).")
    # Legal clock.
    clock_started_at = models.DateTimeField(null=True, blank=True,
                                            help_text="Receipt, or the complete resubmission after a supplement.")
    due_at = models.DateTimeField(null=True, blank=True)
    # Index clock.
    index_due_at = models.DateTimeField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0, help_text="Supplement requests after receipt.")
    supplement_wait_seconds = models.BigIntegerField(default=0, help_text="Working time waiting for supplements.")
    payment_wait_seconds = models.BigIntegerField(default=0, help_text="Working time waiting for payments.")
    waiting_since = models.DateTimeField(null=True, blank=True,
                                         help_text="Start of the current wait for the applicant (supplement, payment).")
    missing_items = models.JSONField(default=list, blank=True, help_text="The last supplement request's list.")
    # Apology (form 04): once per dossier.
    apology_count = models.PositiveSmallIntegerField(default=0)
    due_at_before_apology = models.DateTimeField(null=True, blank=True)
    # Consultation with another unit, with its own deadline.
    consultation_unit = models.CharField(max_length=255, blank=True)
    consultation_due_at = models.DateTimeField(null=True, blank=True)

    steps = models.JSONField(default=list, blank=True, help_text="Snapshot of the process: key, name, role, unit, "
                             "budget_seconds, due_at.")
    current_step = models.PositiveSmallIntegerField(default=0)
    step_started_at = models.DateTimeField(null=True, blank=True, help_text="When the current step's work began.")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="dossiers_assigned")

    # The applicant's rating (satisfied / not satisfied), once, after the result is returned (services.rate).
    rating = models.CharField(max_length=15, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # Linked procedure groups (issue 4 point 8, :mod:`.groups`). A parent has ``group_code`` and no
    # ``group_parent_code``; a child has both, and ``parent`` when the parent lives in this deployment, or the id of the
    # deployment holding it in ``group_origin``.
    group_code = models.CharField(max_length=40, blank=True, default="")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    group_parent_code = models.CharField(max_length=80, blank=True, default="")
    group_origin = models.CharField(max_length=64, blank=True, default="",
                                    help_text="The deployment that holds the parent, when not this one.")

    # Once-only data (issue 4 points 2, 3, 7): the applicant's e-identification level at submission (0: not
    # e-identified; 2: VNeID level 2, the "verified account" flag of the service index) and which applicant fields
    # came from which registry: {"fields": {field: {"registry", "label", "fetched_at"}}, "applicant_fields": n}.
    applicant_identity_level = models.PositiveSmallIntegerField(default=0)
    prefill = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    # Receipt (issue 11 point 4; Decree 118/2025 Art. 17(2)(c)): an online dossier is received or sent back within
    # 8 working hours of its arrival; ``receipt_late`` is set when that was missed (at the desk's answer, or by
    # `motcua dossiers flag-late-receipts` while it waits) — the fact oversight counts.
    receipt_due_at = models.DateTimeField(null=True, blank=True)
    receipt_late = models.BooleanField(default=False)
    # Receipt regardless of administrative boundary (issue 11 point 5; Art. 14, 20): the competent authority chosen
    # on receipt (null: the receiving agency itself) and the deadline of the paper file's hand-over (Art. 20(1)(a)).
    competent_agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="dossiers_competent")
    paper_transfer_due_at = models.DateTimeField(null=True, blank=True)
    paper_transferred_at = models.DateTimeField(null=True, blank=True)
    # Art. 19(5): the dossier is closed when the supplement notice is unanswered until then.
    supplement_closes_at = models.DateTimeField(null=True, blank=True)
    # Art. 21(2): online applicants amend their dossier until the decision; each amendment is an event.
    amendment_count = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status_code__gte=1, status_code__lte=10),
                                   name="dossier_status_code_range"),
            models.CheckConstraint(condition=models.Q(apology_count__lte=1), name="dossier_one_apology"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="dossier_version_positive"),
            models.CheckConstraint(condition=models.Q(rating="") | models.Q(rated_at__isnull=False),
                                   name="dossier_rating_has_time"),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "due_at"], name="dossier_queue"),
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            models.Index(fields=["applicant_personal_id"], name="dossier_personal_id"),
            models.Index(fields=["procedure", "received_at"], name="dossier_procedure_received"),
            models.Index(fields=["due_at", "code"], name="dossier_due_code"),
            models.Index(fields=["group_parent_code"], name="dossier_group_parent"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status(self) -> dict:
        from .transitions import STATUS_CODES

        return {"code": self.status_code, "name": STATUS_CODES[self.status_code].name}

    def set_state(self, state: str) -> None:
        self.state = str(state)
        self.status_code = STATE_STATUS[State(state)]






def event_chain_content(dossier_id: int, seq: int, actor_id: int | None, role: str, at, action: str,
                        from_state: str, to_state: str, step: str, reason: str, data: dict) -> dict:
    """What a dossier event's hash covers: every column but the id and the hashes. The dossier's events form one
    chain ordered by ``seq``; ``data`` is taken in its stored JSON form (the encoder's dates and decimals)."""
    return {"dossier": dossier_id, "seq": seq, "actor": actor_id, "role": str(role),
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "action": str(action),
            "from": str(from_state), "to": str(to_state), "step": step or "", "reason": reason or "",
            "data": json.loads(canonical_json(data))}


class DossierEvent(ChainedModel, models.Model):
    """One action on a dossier. ``seq`` equals the dossier's version after the action (1 for the submission).

    Append-only (:mod:`motcua.core.eventlog`): the ORM refuses updates and deletes, and so does the database (triggers
    on PostgreSQL and SQLite). Hash-chained per dossier with keyed links (:mod:`motcua.core.chain`).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="dossier_events")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    step = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Hash chain per dossier (issue 4 point 5): ``hash`` covers this event's content and ``prev_hash``, the previous
    # event's hash ("" for the first); `motcua audit verify` recomputes it. Written once, at insert.
    prev_hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")]
        indexes = [models.Index(fields=["at"], name="dossier_event_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def chain_content(self) -> dict:
        """What the event's hash covers (see :func:`event_chain_content`)."""
        return event_chain_content(self.dossier_id, self.seq, self.actor_id, self.role, self.at, self.action,
                                   self.from_state, self.to_state, self.step, self.reason, self.data)


class DossierCounter(models.Model):
    """The last sequence number given for an agency on a receipt day (Decree 118/2025 Art. 28(2)(b))."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class PortalCodeCounter(models.Model):
    """The last sequence number given under an identifier that is not an agency's (the national portal's, for the
    codes of linked groups submitted online: Decree 118/2025 Art. 28(2)(a)) on a receipt day."""

    identifier = models.CharField(max_length=60)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["identifier", "day"], name="portal_counter_identifier_day")]

    def __str__(self) -> str:
        return f"{self.identifier} {self.day} {self.last}"


class BudgetUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Giờ làm việc")
    WORKING_DAYS = "working_days", _("Ngày làm việc")


class ProcessDefinition(models.Model):
    """The internal process (quy trình nội bộ) of a procedure. Without one, dossiers follow the default
    receive → appraise → approve → return (:data:`motcua.dossiers.rules.DEFAULT_STEPS`)."""

    procedure = models.OneToOneField("catalog.Procedure", on_delete=models.CASCADE, related_name="process")
    name = models.CharField(max_length=255, blank=True)
    # Decree 118/2025 Art. 17(4): the procedure's law says the result is returned at once after receipt (no receipt
    # slip, form 01, unless the applicant asks for one).
    settled_at_once = models.BooleanField(default=False)
    # Art. 19(5): "after 15 days … or the period of the sector law": the sector law's period in days, when it has one.
    closing_days_after_unanswered_notice = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name or f"Quy trình {self.procedure_id}"


class ProcessStep(models.Model):
    """A step: who is responsible (a role, optionally a unit) and its time budget in working hours or days."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=255)
    role = models.CharField(max_length=20, choices=[(r, r) for r in ("desk_officer", "specialist", "leader")])
    unit = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text="The responsible unit, when not the receiving agency.")
    budget_amount = models.DecimalField(max_digits=6, decimal_places=2)
    budget_unit = models.CharField(max_length=15, choices=BudgetUnit.choices, default=BudgetUnit.WORKING_HOURS)

    class Meta:
        ordering = ["definition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "position"], name="process_step_position_unique"),
            models.CheckConstraint(condition=models.Q(budget_amount__gte=0), name="process_step_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class DocumentKind(models.TextChoices):
    UPLOAD = "upload", _("Tệp tải lên")
    REGISTRY_EXTRACT = "registry_extract", _("Trích xuất từ cơ sở dữ liệu")
    PERSONAL_STORE = "personal_store", _("Lấy từ kho dữ liệu cá nhân")


def document_upload_to(instance: DossierDocument, filename: str) -> str:
    """``dossiers/<code>/<generated name>``: the client's file name never reaches the storage path."""
    return f"dossiers/{instance.dossier.code}/{filename}"


class DossierDocument(models.Model):
    """A file of a dossier (thành phần hồ sơ): uploaded online, or scanned at the desk (Decree 118/2025 Art. 17(1)(c)).

    ``content_type`` is detected from the bytes (:mod:`.documents`), never taken from the client; ``filename`` is the
    client's name cleaned for display; the stored name is generated. Written only by ``services.write_document``
    (uploads, scans, registry extracts, files from the citizen's store).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    required_document = models.ForeignKey("catalog.RequiredDocument", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+",
                                          help_text="The catalog component this file answers, if any.")
    name = models.CharField(max_length=500, help_text="What the document is (defaults to the component's name).")
    filename = models.CharField(max_length=255, help_text="The client's file name, cleaned, for display only.")
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    uploaded_at = models.DateTimeField()
    # Once-only reuse (issue 4 points 2 and 7): where the document came from, and the flags the service index reads
    # per dossier component [practice: DVCQG measures reuse per component]. Written by ``dossiers.evidence``.
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.UPLOAD)
    provenance = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                                  help_text="Registry extract: registry, label, fetched_at, fields; store reuse: "
                                            "item, source, origin dossier.")
    reused_from_digitised = models.BooleanField(default=False, help_text="Reused from digitised data (an electronic "
                                                "result or a registry other than the population database).")
    from_personal_store = models.BooleanField(default=False, help_text="Taken from the citizen's personal store.")
    replaced_by_population_data = models.BooleanField(default=False, help_text="Replaced by a population-database "
                                                      "lookup.")
    # Digitisation (issue 11 point 8; motcua.dossiers.digitisation). ``file`` stays the original as received; the
    # signed PDF is beside it. Decree 118/2025 Art. 17(1)(c): a paper scanned at receipt carries the receiving
    # officer's digital signature; Art. 19(2), 22(1): a result or digitised component carries the agency's.
    signed_file = models.FileField(upload_to=document_upload_to, max_length=300, blank=True,
                                   help_text="The signed PDF (PAdES); images are wrapped into a PDF first.")
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signature_kind = models.CharField(max_length=10, blank=True,
                                      choices=[("officer", _("Chữ ký số cá nhân của cán bộ")),
                                               ("agency", _("Chữ ký số của cơ quan"))])
    signed_by = models.CharField(max_length=255, blank=True, help_text="The signing certificate's common name.")
    signed_at = models.DateTimeField(null=True, blank=True)
    # Decree 118/2025 Art. 19(2): the minimum data fields of the document; Art. 22(4): its document code (holder's
    # identifier + document-type code).
    document_type_code = models.CharField(max_length=60, blank=True)
    document_code = models.CharField(max_length=100, blank=True, db_index=True)
    digital_data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                                    help_text="Art. 19(2) minimum fields, as embedded in the signed PDF.")

    class Meta:
        ordering = ["dossier", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["sha256"], name="dossier_document_sha256")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.name}"


class IdempotencyRecord(models.Model):
    """A ``POST /api/v1/dossiers`` taken with an ``Idempotency-Key``: the same key and body replay the stored
    response; the same key with another body is refused. Keys are scoped to the authenticated client."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the canonical request body.")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key}"


class GroupMember(models.Model):
    """One member procedure of a linked group dossier (issue 4 point 8): where its child dossier is and how far it is.

    A snapshot kept by :mod:`.groups` (the history is the parent's append-only events). A child refused or stopped
    can be submitted again: the new child is a new row with the next ``attempt``; the previous one is kept.
    """

    parent = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="group_members")
    key = models.SlugField(max_length=40)
    attempt = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=255)
    procedure_code = models.CharField(max_length=40)
    agency_code = models.CharField(max_length=40)
    deployment = models.CharField(max_length=64, blank=True, default="",
                                  help_text="The deployment that handles the child; empty for this one.")
    child = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    child_code = models.CharField(max_length=80, blank=True, default="")
    child_version = models.PositiveIntegerField(default=0, help_text="The child's version in the last update applied "
                                                "(older updates arriving late are ignored).")
    state = models.CharField(max_length=30, default="pending",
                             help_text="The child's state; 'pending' until another deployment confirms it.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                              help_text="The result the child passed on (e.g. the birth record).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["parent", "id"]
        constraints = [models.UniqueConstraint(fields=["parent", "key", "attempt"], name="group_member_attempt")]

    def __str__(self) -> str:
        return f"{self.parent_id}:{self.key}#{self.attempt}"


class DossierCodeAlias(models.Model):
    """A code a dossier had before it was given the competent authority's identifier on receipt (Decree 118/2025
    Art. 28(2)(a)): old codes stay valid for lookup."""

    code = models.CharField(max_length=80, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="code_aliases")
    replaced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.code} → {self.dossier_id}"
