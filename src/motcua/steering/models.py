"""Tables of the Working Group's follow-up (issue 5 points 5 and 6).

- ``SteeringRole``: who takes part: Advisory Council members (with their organisation), officers of the standing
  agency (the Government Office, ``VPCP``) and the Working Group's leader. Ministries' and provinces' officers act
  through their ordinary ``units.Membership``.
- ``ObstacleReport`` (a member's monthly or ad hoc report) with its ``Obstacle`` rows, each followed until resolved.
- ``Directive`` (a conclusion such as Announcement 437/TB-VPCP, or a directive) with numbered ``Task`` rows; a task
  assigned to several agencies has one ``TaskAssignment`` per agency, each reported on separately.
- ``SteeringEvent``: every change of an obstacle or an assignment, append-only and hash-chained per subject; each
  event also records the subject's state, agency and deadline after it, so any past month can be rebuilt.
"""

from __future__ import annotations

import json
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.chain import HASH_LENGTH, canonical_json
from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported
from motcua.core.eventlog import AppendOnlyQuerySet, ChainedModel

from .rules import Actor, ObstacleState, Precision, TaskState, deadline_from_stored


class RoleKind(models.TextChoices):
    COUNCIL_MEMBER = Actor.MEMBER.value, _("Thành viên Hội đồng tư vấn cải cách TTHC")
    STANDING_OFFICER = Actor.STANDING.value, _("Cán bộ Cơ quan thường trực Tổ công tác")
    GROUP_LEADER = Actor.LEADER.value, _("Tổ trưởng Tổ công tác")


class SteeringRole(models.Model):
    """A person's part in the Working Group's follow-up. Ended roles are kept (``active = False``), never deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_roles")
    role = models.CharField(max_length=20, choices=RoleKind.choices)
    organisation = models.CharField(max_length=255, blank=True,
                                    help_text="For council members: the organisation they represent.")
    title = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    active = models.BooleanField(default=True)
    since = models.DateField(null=True, blank=True, help_text="Reports are expected from this month on.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="steering_role_unique")]
        ordering = ["role", "organisation", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    @property
    def display_name(self) -> str:
        name = self.user.get_full_name() or self.user.username
        return f"{name} ({self.organisation})" if self.organisation else name


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Định kỳ hằng tháng")
    AD_HOC = "ad_hoc", _("Đột xuất")


class ObstacleReport(models.Model):
    """A council member's report for a month (``period`` ``YYYY-MM``) or an ad hoc one. A monthly report may list no
    obstacle ("không phát sinh vướng mắc"): it still counts as the member having reported."""

    member = models.ForeignKey(SteeringRole, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period = models.CharField(max_length=7, db_index=True)
    note = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["member", "period"], condition=Q(kind="monthly"),
                                               name="steering_one_monthly_report")]

    def __str__(self) -> str:
        return f"{self.member} — {self.period} ({self.kind})"


class Obstacle(models.Model):
    """One obstacle (vướng mắc, khó khăn): what it concerns, the difficulty, its effect, the proposal; then its
    follow-up. ``status``, ``agency`` and ``due_date`` are the current values; the events hold the history."""

    code = models.CharField(max_length=30, unique=True)
    report = models.ForeignKey(ObstacleReport, on_delete=models.PROTECT, related_name="obstacles")
    number = models.PositiveSmallIntegerField()
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="obstacles")
    legal_document = models.ForeignKey("catalog.LegalDocument", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="obstacles")
    legal_reference = models.CharField(max_length=255, blank=True,
                                       help_text="The regulation concerned, when it is not in the catalog.")
    sector = models.ForeignKey("catalog.Sector", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="obstacles")
    difficulty = models.TextField()
    effect = models.TextField()
    proposal = models.TextField()
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in ObstacleState],
                              default=ObstacleState.SUBMITTED)
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="obstacles")
    due_date = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="steering_obstacle_number_unique"),
            models.CheckConstraint(
                condition=Q(procedure__isnull=False) | Q(legal_document__isnull=False) | ~Q(legal_reference=""),
                name="steering_obstacle_names_subject"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="steering_obstacle_status_due")]

    def __str__(self) -> str:
        return self.code


class DirectiveKind(models.TextChoices):
    CONCLUSION = "conclusion", _("Thông báo kết luận")
    DIRECTIVE = "directive", _("Chỉ thị")
    OTHER = "other", _("Văn bản chỉ đạo khác")


class Directive(models.Model):
    """A document of the Working Group or the Government that assigns tasks (e.g. Announcement 437/TB-VPCP)."""

    number = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=DirectiveKind.choices)
    title = models.TextField()
    issued_on = models.DateField()
    issuer = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where the text comes from.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return self.number


class Task(models.Model):
    """A numbered task of a directive ("Thứ nhất", …) with its deadline as written (day, month, quarter, year or
    continuous)."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    deadline_precision = models.CharField(max_length=10, choices=[(p.value, p.value) for p in Precision],
                                          default=Precision.NONE)
    deadline_date = models.DateField(null=True, blank=True, help_text="Last day on time (end of the month, …).")

    class Meta:
        ordering = ["directive", "number"]
        constraints = [models.UniqueConstraint(fields=["directive", "number"], name="steering_task_number_unique")]

    def __str__(self) -> str:
        return f"{self.directive.number} — {self.number}"

    @property
    def deadline(self):
        return deadline_from_stored(self.deadline_precision, self.deadline_date)


class TaskAssignment(models.Model):
    """A task for one agency. Its deadline starts as the task's and can be extended for this agency alone."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="steering_tasks")
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in TaskState],
                              default=TaskState.ASSIGNED)
    deadline_precision = models.CharField(max_length=10, choices=[(p.value, p.value) for p in Precision],
                                          default=Precision.NONE)
    deadline_date = models.DateField(null=True, blank=True)
    progress = models.TextField(blank=True, help_text="The agency's latest report.")
    reported_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["task", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["task", "agency"], name="steering_assignment_unique")]
        indexes = [models.Index(fields=["agency", "status"], name="steering_assignment_agency"),
                   models.Index(fields=["status", "deadline_date"], name="steering_assignment_due")]

    def __str__(self) -> str:
        return f"{self.task} → {self.agency.code}"

    @property
    def deadline(self):
        return deadline_from_stored(self.deadline_precision, self.deadline_date)






class SteeringEvent(ChainedModel, models.Model):
    """One change of an obstacle or of a task assignment (exactly one of the two). ``seq`` is the subject's version
    after the change. ``state``, ``agency`` and ``due_date`` are the subject's values after it."""

    obstacle = models.ForeignKey(Obstacle, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    assignment = models.ForeignKey(TaskAssignment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")
    hash = models.CharField(max_length=HASH_LENGTH, blank=True, default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["obstacle", "seq"], name="steering_event_obstacle_seq"),
            models.UniqueConstraint(fields=["assignment", "seq"], name="steering_event_assignment_seq"),
            models.CheckConstraint(condition=Q(obstacle__isnull=False, assignment__isnull=True)
                                   | Q(obstacle__isnull=True, assignment__isnull=False),
                                   name="steering_event_one_subject"),
        ]
        indexes = [models.Index(fields=["at"], name="steering_event_at")]

    def __str__(self) -> str:
        return f"{self.obstacle_id or self.assignment_id}#{self.seq} {self.action}"

    def chain_content(self) -> dict:
        """What the hash covers: every column but the id and the hashes."""
        return {"obstacle": self.obstacle_id, "assignment": self.assignment_id, "seq": self.seq,
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": self.actor_id,
                "role": str(self.role), "action": str(self.action), "from": str(self.from_state),
                "state": str(self.state), "agency": self.agency_id,
                "due": self.due_date.isoformat() if self.due_date else None, "note": self.note or "",
                "data": json.loads(canonical_json(self.data))}


class Open311Key(models.Model):
    """An API key for posting PAKN through Open311 GeoReport v2 (``/open311/v2/requests.json``; issue 5 point 4).

    Kept here because the feedback app's models belong to another team; the Open311 views in
    ``motcua.feedback.open311`` read it. Only the SHA-256 of the key is stored (keys are 32 random bytes, so a fast
    hash is enough); ``motcua steering open311-key NAME`` prints a new key once. Revoked keys are kept
    (``active = False``) so that what a key posted stays attributable.
    """

    name = models.CharField(max_length=255, help_text="The client application (and who runs it).")
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="Default receiving agency for what this client posts (optional).")
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ObstacleFact(models.Model):
    """One span of an obstacle's history (issue 15 point 5): its state, agency and deadline from one event
    (``starts_at``) until the next (``ends_at``, empty while it is the latest), with the obstacle's sector and report
    period; ``confirmed`` marks the span a confirmed resolution opens. The monthly figures read these rows
    (``queries.obstacle_figures``), never the events; ``facts.refresh`` keeps them in step with the events after
    :class:`FactMark`, ``facts.rebuild`` recomputes them all with the same result."""

    obstacle = models.ForeignKey(Obstacle, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    seq = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20)
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    sector = models.ForeignKey("catalog.Sector", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    report_period = models.CharField(max_length=10, blank=True)
    confirmed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["obstacle", "seq"], name="steering_obstaclefact_key")]
        indexes = [models.Index(fields=["starts_at"], name="steering_obstaclefact_start")]

    def __str__(self) -> str:
        return f"{self.obstacle_id}#{self.seq} {self.state}"


class FactMark(models.Model):
    """How far the fact tables have read the events: the last :class:`SteeringEvent` id taken in."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ≤ {self.last_id}"
