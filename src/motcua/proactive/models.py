"""Tables of proactive online public services (Decree 224/2026 Art. 16–19; issue 16).

- :class:`Trigger` — a rule as data: the source in the registries' change feed, the procedure(s) or linked group it
  leads to, the level (1–4), the legal basis (instrument, article) and the effective dates. A trigger without a
  legal basis cannot be saved (model validation and a database constraint) nor run (:func:`.rules.runnable`).
- :class:`TriggerWatermark` — the last change-feed id a trigger has read: each run reads only what came after.
- :class:`OptOut` — a person refuses proactive services, all (``trigger`` empty) or one trigger (Art. 17(3)).
- :class:`ProactiveCase` — what one change opened for one person: the reason, the data used and its source, the
  prepared dossier and what is still missing, and what became of it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from . import rules


class Trigger(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=255)
    source = models.CharField(max_length=40, choices=[(k, v[2]) for k, v in rules.SOURCES.items()])
    condition = models.JSONField(default=dict, blank=True, help_text='E.g. {"ages": [25, 40, 60]}.')
    procedure_codes = models.JSONField(default=list, blank=True, help_text="Procedures the trigger leads to.")
    group_code = models.CharField(max_length=40, blank=True, help_text="Linked procedure group (Decree 63/2024).")
    agency_code = models.CharField(max_length=40, blank=True, help_text="Receiving agency of the prepared dossier.")
    level = models.PositiveSmallIntegerField(choices=sorted(rules.LEVELS.items()), default=1)
    auto_allowed = models.BooleanField(default=False, help_text="Level 4: the law allows handling without a "
                                                                "submission (Decree 224/2026 Art. 16(4)).")
    respond_days = models.PositiveSmallIntegerField(default=30, help_text="Level 4: days to confirm, refuse or "
                                                                          "ask for a correction.")
    legal_instrument = models.CharField(max_length=255, help_text="E.g. Luật Căn cước 2023.")
    legal_article = models.CharField(max_length=255, help_text="E.g. Điều 21 khoản 1.")
    purpose = models.TextField(help_text="The purpose of the data use, shown in the access log.")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=~Q(legal_instrument="") & ~Q(legal_article="") & ~Q(purpose=""),
            name="proactive_trigger_legal_basis")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs):
        self.full_clean(exclude=["code"] if self.pk else None, validate_unique=False)
        super().save(*args, **kwargs)

    @property
    def legal_basis(self) -> str:
        return f"{self.legal_article} {self.legal_instrument}".strip()

    def clean(self) -> None:
        errors = {}
        # Decree 224/2026 Art. 17(2): a clear legal basis for every use of data by a proactive service.
        for name in ("legal_instrument", "legal_article"):
            if not (getattr(self, name) or "").strip():
                errors[name] = "Tín hiệu phải có căn cứ pháp lý (văn bản, điều khoản) — NĐ 224/2026 Điều 17 khoản 2."
        if not (self.purpose or "").strip():
            errors["purpose"] = "Phải nêu mục đích sử dụng dữ liệu."
        if self.level == 4 and not self.auto_allowed:
            errors["auto_allowed"] = "Mức 4 chỉ khi pháp luật cho phép tự động thực hiện."
        if self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "Ngày hết hiệu lực trước ngày có hiệu lực."
        if errors:
            raise ValidationError(errors)


class TriggerWatermark(models.Model):
    trigger = models.OneToOneField(Trigger, on_delete=models.CASCADE, related_name="watermark")
    last_change_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class OptOut(models.Model):
    personal_id = models.CharField(max_length=12, db_index=True)
    trigger = models.ForeignKey(Trigger, null=True, blank=True, on_delete=models.CASCADE,
                                help_text="Empty: every proactive service.")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["personal_id", "trigger"], name="proactive_optout_once"),
                       models.UniqueConstraint(fields=["personal_id"], condition=Q(trigger__isnull=True),
                                               name="proactive_optout_all_once")]


class CaseState(models.TextChoices):
    REMINDED = "reminded", "Đã nhắc"
    PREPARED = "prepared", "Hồ sơ đã chuẩn bị sẵn, chờ xác nhận"
    SUBMITTED = "submitted", "Đã xác nhận và nộp"
    DISMISSED = "dismissed", "Người dân bỏ qua"
    AUTO_DONE = "auto_done", "Đã tự động thực hiện, chờ ý kiến"
    CONFIRMED = "confirmed", "Người dân xác nhận kết quả"
    REFUSED = "refused", "Người dân từ chối; dữ liệu đã khôi phục"
    CORRECTION = "correction", "Người dân yêu cầu điều chỉnh; dữ liệu đã khôi phục"


OPEN_STATES = (CaseState.REMINDED, CaseState.PREPARED, CaseState.AUTO_DONE)


class ProactiveCase(models.Model):
    trigger = models.ForeignKey(Trigger, on_delete=models.PROTECT, related_name="cases")
    personal_id = models.CharField(max_length=12, help_text="The person whose task it is.")
    subject = models.CharField(max_length=32, help_text="Whom the change is about (the child, the deceased).")
    change_id = models.BigIntegerField()
    event_on = models.DateField()
    level = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=CaseState.choices)
    reason = models.TextField()
    data_used = models.JSONField(default=list, blank=True)  # [{label, value, source, registry, log_entry}]
    form_data = models.JSONField(default=dict, blank=True)  # the prepared dossier's form
    applicant = models.JSONField(default=dict, blank=True)
    missing = models.JSONField(default=list, blank=True)  # what the person must still add
    dossier_code = models.CharField(max_length=60, blank=True)
    before = models.JSONField(null=True, blank=True)  # level 4: the registry value just before acting
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    respond_by = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trigger", "change_id", "personal_id"],
                                               name="proactive_case_once")]
        indexes = [models.Index(fields=["personal_id", "state"], name="proactive_case_person"),
                   # services._already_served: who already has a trigger's result, by subject, once per batch.
                   models.Index(fields=["subject", "state"], name="proactive_case_subject")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trigger_id}/{self.personal_id}/{self.state}"
