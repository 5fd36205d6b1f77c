"""Fact tables of oversight: small, derived, rebuildable from the dossier event log at any time.

Written only by :mod:`motcua.oversight.facts` (``motcua oversight refresh``). Pages, the service index, evaluations
and reports read these tables, never the raw history, inside a web request (docs/architecture.md "Data flow" 4).

- :class:`FactWatermark` — how far the event log has been read (the last ``DossierEvent.id`` taken into account).
- :class:`DossierFact` — one row per dossier: the outcome facts the index needs (received, ended and how, on time or
  late for the index, supplements, channel, electronic result, online payment, rating). Recomputed whole for every
  dossier an event touched since the watermark.
- :class:`DailyFact` — additive counters per agency × procedure × day (Asia/Ho_Chi_Minh calendar day). Each counter
  is keyed by the day of *its* moment: ``received*`` by the receipt day, ``ended*`` by the day processing ended,
  ``returned*`` by the return day, ``rated*`` by the rating day, ``became_late`` by the day the dossier became late
  for the index. Sums over any span of days give the figures of any period; sums of (received − ended) and
  (became_late − ended_late) over every day up to a period's end give the dossiers still open, and still open and
  late, at that end.
- :class:`CatalogFact` — one row per procedure with a published current version: what the publicity, online and
  payment indicators count (recomputed whole at each refresh: tens of thousands of rows at most).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The additive counters of DailyFact, in a fixed order (facts.py builds rows in this order).
DAILY_COUNTERS: tuple[str, ...] = (
    "received",                 # dossiers received (accepted at the desk), by receipt day
    "received_online",          # ... of which submitted online
    "received_postal",          # ... of which by post
    "not_received",             # dossiers that ended without being received (refused at receipt, withdrawn, stopped)
    "ended",                    # received dossiers whose processing ended, by that day (Decision 766 indicator 2.1)
    "ended_on_time",            # ... on time for the index
    "ended_early",              # ... before the due day (evaluation before 1/7/2025, "trước hạn")
    "ended_late",               # ... late for the index
    "ended_multi_supplement",   # ... with more than one supplement request (late whatever the times)
    "ended_supplemented",       # ... with at least one supplement request during appraisal
    "ended_no_due",             # ... without a due time (no or fractional time limit): counted on time
    "processing_seconds",       # sum over ended dossiers of (end − receipt) minus the supplement wait, in seconds
    "supplement_wait_seconds",  # sum over ended dossiers of the working time waiting for supplements
    "contacts_0",               # ended dossiers by supplement requests overall (receipt + appraisal): none
    "contacts_1",               # ... exactly one
    "contacts_more",            # ... two or more
    "became_late",              # dossiers that became late for the index while open, by that day
    "returned",                 # results returned, by return day
    "returned_electronic",      # ... electronically (Decree 45/2020)
    "returned_online",          # ... of dossiers submitted online
    "returned_online_electronic",
    "returned_document",        # results returned of dossiers whose procedure version issues a document (5.1)
    "returned_document_electronic",
    "returned_online_document_paper",  # ... online dossiers whose document result was not electronic (3.3)
    "payment_requested",        # ended dossiers that were asked to pay (fee-bearing), by end day
    "paid_online",              # ... paid through the online gateway
    "rated",                    # ratings given, by rating day
    "rated_not_satisfied",      # ... "not satisfied"
)


class FactWatermark(models.Model):
    """How far a source has been read. ``dossier_events``: the largest ``DossierEvent.id`` processed."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"


class DossierFact(models.Model):
    """The outcome facts of one dossier, as of the last refresh (see :func:`motcua.oversight.rules.dossier_outcome`).

    ``late_at`` is the moment the dossier became late for the index: its index due time, or its second supplement
    request during appraisal, whichever comes first (Decision 766 indicator 2.1 [practice]); empty when it cannot be
    late (no due time, or waiting for the applicant at the refresh). ``on_time`` is empty while the dossier is open.
    """

    dossier = models.OneToOneField("dossiers.Dossier", primary_key=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    # No index of its own: agency is the first column of the key and of the other indexes.
    agency = models.ForeignKey("units.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                               db_index=False)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    channel = models.CharField(max_length=10)
    state = models.CharField(max_length=30)
    submitted_day = models.DateField()
    received_at = models.DateTimeField(null=True, blank=True)
    received_day = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="First of processed > returned > "
                                    "stopped/refused/withdrawn (Decision 766 indicator 2.1).")
    ended_day = models.DateField(null=True, blank=True)
    returned_day = models.DateField(null=True, blank=True)
    index_due_at = models.DateTimeField(null=True, blank=True)
    due_day = models.DateField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    supplement_requests = models.PositiveSmallIntegerField(default=0, help_text="At receipt and in appraisal.")
    supplement_wait_seconds = models.BigIntegerField(default=0)
    late_at = models.DateTimeField(null=True, blank=True)
    late_day = models.DateField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    electronic_result = models.BooleanField(default=False)
    issues_document = models.BooleanField(default=False, help_text="The dossier's procedure version issues a "
                                          "document (has a result).")
    payment_requested = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    rating = models.CharField(max_length=15, blank=True)
    rated_day = models.DateField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "ended_day"], name="dossierfact_agency_ended"),
            models.Index(fields=["agency", "received_day"], name="dossierfact_agency_received"),
            # The dashboard's watch list: open dossiers by the day they became (or become) late.
            models.Index(fields=["late_day", "agency"], condition=models.Q(ended_day__isnull=True),
                         name="dossierfact_open_late"),
            models.Index(fields=["due_day", "agency"], condition=models.Q(ended_day__isnull=True),
                         name="dossierfact_open_due"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


def _counter() -> models.BigIntegerField:
    return models.BigIntegerField(default=0)


class DailyFact(models.Model):
    """Additive counters per agency × procedure × day (the counters: :data:`DAILY_COUNTERS`)."""

    # No index of its own: agency is the first column of the key and of the other indexes.
    agency = models.ForeignKey("units.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                               db_index=False)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    day = models.DateField()
    received = _counter()
    received_online = _counter()
    received_postal = _counter()
    not_received = _counter()
    ended = _counter()
    ended_on_time = _counter()
    ended_early = _counter()
    ended_late = _counter()
    ended_multi_supplement = _counter()
    ended_supplemented = _counter()
    ended_no_due = _counter()
    processing_seconds = _counter()
    supplement_wait_seconds = _counter()
    contacts_0 = _counter()
    contacts_1 = _counter()
    contacts_more = _counter()
    became_late = _counter()
    returned = _counter()
    returned_electronic = _counter()
    returned_online = _counter()
    returned_online_electronic = _counter()
    returned_document = _counter()
    returned_document_electronic = _counter()
    returned_online_document_paper = _counter()
    payment_requested = _counter()
    paid_online = _counter()
    rated = _counter()
    rated_not_satisfied = _counter()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "procedure", "day"], name="dailyfact_key")]
        indexes = [models.Index(fields=["day", "agency"], name="dailyfact_day_agency")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id}/{self.day}"


class AgencyMonthFact(models.Model):
    """The same counters per agency × month (``month`` is the first day): bounded by agencies × months whatever the
    number of dossiers, so the index of every province for a year reads ~100,000 rows at most."""

    # No index of its own: agency is the first column of the key and of the other indexes.
    agency = models.ForeignKey("units.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                               db_index=False)
    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="agencymonthfact_key")]
        indexes = [models.Index(fields=["month", "agency"], name="agencymonthfact_month")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.month:%Y-%m}"


for _name in DAILY_COUNTERS:
    AgencyMonthFact.add_to_class(_name, _counter())


class ProcedureMonthFact(models.Model):
    """Per agency × procedure × month, only where the procedure received an online dossier or an online payment:
    which online services received dossiers (3.2) and which fee-bearing procedures were paid online (4.2)."""

    # No index of its own: agency is the first column of the key and of the other indexes.
    agency = models.ForeignKey("units.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                               db_index=False)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    month = models.DateField()
    received_online = _counter()
    paid_online = _counter()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "procedure", "month"], name="proceduremonthfact_key")]
        indexes = [models.Index(fields=["month", "agency"], name="proceduremonthfact_month")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id}/{self.month:%Y-%m}"


class CatalogFact(models.Model):
    """One procedure's current published version, as the publicity, online and payment indicators count it."""

    procedure = models.OneToOneField("catalog.Procedure", primary_key=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+")
    version_id = models.BigIntegerField()
    province = models.ForeignKey("units.AdministrativeUnit", null=True, blank=True, on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+", help_text="Set for a localised copy.")
    ministry = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+",
                                 help_text="The ministry-level agency named competent or implementing, if any.")
    levels = models.CharField(max_length=40, blank=True)
    online_level = models.CharField(max_length=10, blank=True)
    has_fee = models.BooleanField(default=False)
    issues_document = models.BooleanField(default=False)
    registry_connected = models.BooleanField(default=False,
                                             help_text="A component can be replaced by a base-registry look-up.")
    published_on_time = models.BooleanField(null=True, help_text="1.1; empty when the dates are unknown.")
    updated_on_time = models.BooleanField(null=True, help_text="1.2; empty when the dates are unknown.")
    complete = models.BooleanField(default=False, help_text="1.3: components a–g all present.")

    def __str__(self) -> str:
        return f"catalog fact {self.procedure_id}"


class PaknFact(models.Model):
    """PAKN counts per agency and period (``2026-10``, ``2026-Q4``, ``2026``, ``2026-W40``), as
    :func:`motcua.feedback.queries.pakn_counts` computes them (Decision 766 group 6, indicators 6.1 and 6.2); the
    dashboard and the monthly report read them (``queries.pakn_figures``)."""

    agency = models.ForeignKey("units.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    period = models.CharField(max_length=10)
    all_items = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)
    handled_on_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    disliked = models.IntegerField(default=0)
    recomplained = models.IntegerField(default=0)
    liked = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)  # not accepted for handling: outside the population, for information

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "period"], name="paknfact_key")]
        indexes = [models.Index(fields=["period", "agency"], name="paknfact_period")]

    def __str__(self) -> str:
        return f"PAKN {self.agency_id} {self.period}"


class IndexSnapshot(models.Model):
    """A computed table (service index or one-stop evaluation) for a period, level and scope, as of a watermark.

    Pages and the API read the snapshot matching the current watermark and compute (and store) it on a miss, so a
    table is computed once per refresh. Old snapshots are dropped by the next refresh.
    """

    kind = models.CharField(max_length=20)  # index, evaluation
    period = models.CharField(max_length=10)
    level = models.CharField(max_length=20)
    scope = models.CharField(max_length=60, blank=True)
    watermark = models.BigIntegerField()
    payload = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "period", "level", "scope", "watermark"],
                                               name="indexsnapshot_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.level} {self.scope} @{self.watermark}"


class CitizenEvaluation(models.Model):
    """One applicant's evaluation of the handling of a dossier (Decree 118/2025 Art. 33(1)(a)–(i)), given online on
    the dossier page after the result (Art. 31(1)(c)) or on paper at the desk and recorded by the officer
    (Art. 31(1)(a)). Source data (not a fact table): published per agency (Art. 34(1), ``/cong-khai/danh-gia/``).

    Each of (a)–(h) is 2 (satisfied), 1 (acceptable) or 0 (not satisfied), or empty when the applicant gave no
    answer; (i) is free text. ``satisfied`` is the overall verdict (the dossier's ``rating``, used by index 6.3).
    """

    CHANNELS = (("online", "Trực tuyến"), ("desk", "Phiếu giấy tại Bộ phận Một cửa"))

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="citizen_evaluation")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=CHANNELS)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField()
    day = models.DateField(help_text="The day of the evaluation in Vietnam (the period it counts in).")
    satisfied = models.BooleanField()
    time_vs_limit = models.SmallIntegerField(null=True, blank=True)  # (a)
    agencies_contacted = models.SmallIntegerField(null=True, blank=True)  # (b)
    contacts_to_complete = models.SmallIntegerField(null=True, blank=True)  # (c)
    information_accuracy = models.SmallIntegerField(null=True, blank=True)  # (d)
    officer_conduct = models.SmallIntegerField(null=True, blank=True)  # (e)
    lawfulness_and_costs = models.SmallIntegerField(null=True, blank=True)  # (f)
    extra_costs = models.BooleanField(null=True, blank=True)  # (f) costs outside the law were asked for
    explanations = models.SmallIntegerField(null=True, blank=True)  # (g)
    online_service = models.SmallIntegerField(null=True, blank=True)  # (h)
    other = models.TextField(blank=True)  # (i)

    class Meta:
        indexes = [models.Index(fields=["day", "agency"], name="citizen_eval_day_agency")]
