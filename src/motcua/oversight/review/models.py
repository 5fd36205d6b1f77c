"""Tables of the reviews (issue 6 points 4–7).

Two kinds of rows:

- **computed** by the batch commands (``motcua oversight review|cost|bottlenecks|workload``) from the catalog and
  the dossier history, replaced on each run: web pages and the API read them, never the raw history;
- **entered** by reviewers: overlap decisions, cost profiles and simplification plans. Every entry also appends a
  :class:`ReviewLog` row (who, when, what), which is never updated or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverlapVerdict(models.TextChoices):
    DUPLICATE = "duplicate", _("Trùng lặp")
    RELATED = "related", _("Có liên quan")
    DISTINCT = "distinct", _("Khác nhau")


class ProposalAction(models.TextChoices):
    ABOLISH = "abolish", _("Bãi bỏ")
    MERGE = "merge", _("Hợp nhất")
    SIMPLIFY = "simplify", _("Đơn giản hóa")
    KEEP = "keep", _("Giữ nguyên")


class ReviewRun(models.Model):
    """One batch computation: what it computed, as of when, and how long it took."""

    kind = models.CharField(max_length=30)
    as_of = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at"]
        indexes = [models.Index(fields=["kind", "-finished_at"], name="review_run_kind")]


class DormantProcedure(models.Model):
    """A published procedure without a dossier in the last 36 months, nationally (``agency`` empty) or at one
    implementing agency. ``status`` is ``dormant`` or ``young`` (in force for less than the window)."""

    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    levels = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10)
    last_dossier_on = models.DateField(null=True, blank=True)
    dossiers_total = models.PositiveIntegerField(default=0)
    as_of = models.DateField()

    class Meta:
        ordering = ["procedure__code", "agency__code"]
        indexes = [models.Index(fields=["agency", "status"], name="review_dormant_agency")]


class OverlapCandidate(models.Model):
    """A pair of procedures that may overlap, with the similarity of each field. ``procedure_a`` has the lower id."""

    procedure_a = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    procedure_b = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    name_similarity = models.FloatField()
    documents_similarity = models.FloatField()
    steps_similarity = models.FloatField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["procedure_a", "procedure_b"], name="review_overlap_pair_unique"),
            models.CheckConstraint(condition=models.Q(procedure_a__lt=models.F("procedure_b")),
                                   name="review_overlap_pair_ordered"),
        ]


class OverlapDecision(models.Model):
    """A reviewer's verdict on a pair. Append-only: a new verdict adds a row; the latest one holds. Decided pairs are
    not proposed again."""

    procedure_a = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    procedure_b = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=10, choices=OverlapVerdict.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(procedure_a__lt=models.F("procedure_b")),
                                              name="review_decision_pair_ordered")]
        indexes = [models.Index(fields=["procedure_a", "procedure_b"], name="review_decision_pair")]


class Proposal(models.Model):
    """The proposal for a procedure (abolish, merge, simplify, keep) with its reasons."""

    procedure = models.OneToOneField("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=ProposalAction.choices)
    reasons = models.JSONField(default=list)
    related = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The procedure to merge with.")
    facts = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["procedure__code"]
        indexes = [models.Index(fields=["action"], name="review_proposal_action")]


class LocalPractice(models.Model):
    """A province's version of a national procedure beside the national version: what it asks and how it is
    handled. ``flags``: more_documents, more_time, higher_fees; ``best``: the practice to replicate."""

    national = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+",
                                  help_text="The localised copy, or the national procedure when none.")
    province = models.ForeignKey("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    documents = models.PositiveIntegerField(default=0)
    time_limit_days = models.FloatField(null=True, blank=True)
    fee_vnd = models.BigIntegerField(null=True, blank=True)
    dossiers = models.PositiveIntegerField(default=0)
    median_days = models.FloatField(null=True, blank=True, help_text="Median working days, receipt to decision.")
    online_share = models.FloatField(null=True, blank=True)
    satisfaction = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    best = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["national__code", "province__code"]
        constraints = [models.UniqueConstraint(fields=["national", "province"], name="review_practice_unique")]


class CostProfile(models.Model):
    """The inputs of Circular 02/2017/TT-VPCP Art. 27 for a procedure that the catalog does not hold: the hours an
    applicant spends, other lawful costs, performances per subject and subjects per year (empty: observed dossiers)."""

    procedure = models.OneToOneField("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=8, decimal_places=2)
    other_costs_vnd = models.BigIntegerField(default=0)
    performances_per_subject = models.DecimalField(max_digits=8, decimal_places=2, default=1)
    subjects_per_year = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=0) & models.Q(other_costs_vnd__gte=0)
                                   & models.Q(performances_per_subject__gt=0), name="review_cost_profile_positive"),
        ]


class SimplificationPlan(models.Model):
    """A plan to simplify a procedure at an agency: the figures per performance before and after, in force from a
    year. Savings are computed (Circular 02/2017 Art. 27: benefit = annual cost before − after)."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=255)
    year = models.PositiveIntegerField(help_text="The year the plan takes effect.")
    before_hours = models.DecimalField(max_digits=8, decimal_places=2)
    before_fees_vnd = models.BigIntegerField(default=0)
    before_other_vnd = models.BigIntegerField(default=0)
    before_days = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                      help_text="Processing time limit before, in working days.")
    after_hours = models.DecimalField(max_digits=8, decimal_places=2)
    after_fees_vnd = models.BigIntegerField(default=0)
    after_other_vnd = models.BigIntegerField(default=0)
    after_days = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    subjects_per_year = models.PositiveIntegerField(null=True, blank=True,
                                                    help_text="Empty: the dossiers observed in the baseline year.")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__code", "year", "procedure__code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(before_hours__gte=0) & models.Q(after_hours__gte=0)
                                   & models.Q(before_fees_vnd__gte=0) & models.Q(after_fees_vnd__gte=0)
                                   & models.Q(before_other_vnd__gte=0) & models.Q(after_other_vnd__gte=0),
                                   name="review_plan_not_negative"),
        ]


class Analysis(models.Model):
    """A stored result of a batch computation, read by pages: ``kind`` bottleneck (per procedure, and per procedure
    and agency), workload (per agency), reallocation, cost, targets (per agency)."""

    kind = models.CharField(max_length=30)
    procedure = models.ForeignKey("catalog.Procedure", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    # Copied out of ``data`` so that lists sort and show rows without reading every row's (large) JSON.
    dossiers = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "procedure", "agency"], name="review_analysis_key"),
                   models.Index(fields=["kind", "-overdue"], name="review_analysis_overdue")]


class ReviewLog(models.Model):
    """Append-only trace of every entry by a reviewer (decisions, cost profiles, plans)."""

    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    action = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Review log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review log rows are append-only.")
