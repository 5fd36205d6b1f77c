"""The procedure catalog: procedures in versions, with every component of Decree 63/2010 Art. 8(2) as data.

Decree 63/2010 Art. 8(2) (amended by Decree 92/2017): a) name; b) steps; c) channels; d) dossier components and
copies; đ) time limit; e) subjects; g) implementing agency; h) forms, result, requirements, fees where applicable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    ABOLISHED = "abolished", _("Đã bãi bỏ")


class ChannelKind(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    WORKING_HOURS = "working_hours", _("Giờ làm việc")
    SAME_DAY = "same_day", _("Trong ngày")
    CALENDAR_DAYS = "calendar_days", _("Ngày")
    UNKNOWN = "unknown", _("Không rõ đơn vị")


class AgencyRole(models.TextChoices):
    IMPLEMENTING = "implementing", _("Cơ quan thực hiện")
    COMPETENT = "competent", _("Cơ quan có thẩm quyền")
    COORDINATING = "coordinating", _("Cơ quan phối hợp")
    AUTHORISED = "authorised", _("Cơ quan được ủy quyền")


class Sector(models.Model):
    """Lĩnh vực. The portal gives names only; ``code`` (``MX1X2-LV``; Decree 118/2025 Art. 35(1)(h); the format
    is the one used before 1/7/2025, history: Circular 01/2018 Art. 20) when known."""

    name = models.CharField(max_length=255, unique=True)
    code = models.CharField(max_length=40, blank=True)
    slug = models.SlugField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """A procedure's identity across versions. ``code`` like ``1.007073``; a localised copy ``1.000948.H38``."""

    code = models.CharField(max_length=40, unique=True)
    national = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="localised_copies",
                                 help_text="For a province's localised copy: the national procedure.")
    province = models.ForeignKey("units.AdministrativeUnit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="localised_procedures")
    current_version = models.ForeignKey("ProcedureVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", help_text="The published version valid now.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """One version of a procedure, valid in a window, published by a decision."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    # a) name and the rest of the public record
    name = models.TextField()
    kind = models.CharField(max_length=255, blank=True, help_text="loại thủ tục")
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="versions")
    levels = models.CharField(max_length=40, blank=True, help_text="Comma-separated Level values.")
    online_level = models.CharField(max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    subjects = models.JSONField(default=list, blank=True, help_text="e) đối tượng thực hiện")
    requirements = models.TextField(blank=True, help_text="h) yêu cầu, điều kiện")
    submission_address = models.TextField(blank=True)
    related_procedures_text = models.TextField(blank=True)

    # Publication (Decree 63/2010 Art. 15; domain.md §1)
    decision_number = models.CharField(max_length=100, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    uploaded_on = models.DateField(null=True, blank=True, help_text="Date uploaded to the national database.")
    published_at = models.DateTimeField(null=True, blank=True)
    publication_checks = models.JSONField(default=dict, blank=True,
                                          help_text="Results of the publication checks, stored with the version.")

    # Import provenance: what could not be parsed is kept verbatim and flagged, never dropped.
    source = models.CharField(max_length=40, blank=True, help_text="dvcqg, json, manual")
    source_url = models.URLField(max_length=500, blank=True)
    source_folder = models.CharField(max_length=100, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The source record's verbatim fields.")
    parse_issues = models.JSONField(default=list, blank=True,
                                    help_text='[{"component", "message", "raw"}] for what could not be parsed.')

    # Search: folded (diacritics-free, lower-case) copies, kept in step by catalog.services.
    search_name = models.TextField(blank=True)
    search_text = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True)
                                   | models.Q(valid_to__gte=models.F("valid_from")), name="version_window_ordered"),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["online_level"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def level_list(self) -> list[str]:
        return [lv for lv in self.levels.split(",") if lv]


class Step(models.Model):
    """b) A public step (trình tự thực hiện)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]


class Channel(models.Model):
    """c) + đ) A way to submit, with its time limit. A kind may appear more than once (several cases)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    time_limit_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(max_length=15, choices=TimeUnit.choices, blank=True,
                                       help_text="Empty when the source states no time limit.")
    time_limit_text = models.TextField(blank=True, help_text="The source's words for the time limit, verbatim.")
    # Decree 118/2025 Art. 17(3), 18(2): the 15:00 cut-off moves only the hand-over of the paper file, unless the
    # procedure's own law moves the start of its limit (same-day limits; Decree 63/2024 Art. 7 as replaced by Decree
    # 301/2026 Art. 5). None: by the law (on for same-day limits, off otherwise; dossiers.lawsets.cutoff_moves_start).
    cutoff_moves_start = models.BooleanField(
        null=True, blank=True, verbose_name=_("Sau 15 giờ tính từ ngày làm việc tiếp theo"),
        help_text=_("Để trống: theo luật (bật với thời hạn trong ngày, tắt với thời hạn khác). Chỉ bật khi văn bản "
                    "quy định thủ tục nói hồ sơ nhận sau 15 giờ được tính từ ngày làm việc tiếp theo."))
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]

    @property
    def has_time_limit(self) -> bool:
        return bool(self.time_limit_unit) and self.time_limit_amount is not None


class Fee(models.Model):
    """h) A fee or charge (phí, lệ phí) on a channel, in VND."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveIntegerField()
    amount_vnd = models.BigIntegerField(null=True, blank=True, help_text="Empty when the amount is not stated.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["channel", "position"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_vnd__gte=0) | models.Q(amount_vnd__isnull=True),
                                              name="fee_not_negative")]


class RequiredDocument(models.Model):
    """d) A dossier component with numbers of originals and copies, and its form (h)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField()
    case = models.TextField(blank=True, help_text="The case (trường hợp) heading this document belongs to, if any.")
    name = models.TextField()
    originals = models.PositiveIntegerField(default=0)
    copies = models.PositiveIntegerField(default=0)
    form = models.TextField(blank=True, help_text="Form template name (mẫu đơn, tờ khai).")
    form_url = models.URLField(max_length=500, blank=True)
    replaceable_by_registry = models.BooleanField(default=False,
                                                  help_text="Can be replaced by data from a base registry.")
    reusable_from_result = models.BooleanField(default=False,
                                               help_text="Can be reused from an earlier procedure's result.")

    class Meta:
        ordering = ["version", "position"]


class LegalDocument(models.Model):
    """A legal document (căn cứ pháp lý), shared by the versions that cite it. ``number`` like 123/2015/NĐ-CP."""

    number = models.CharField(max_length=100, unique=True)
    title = models.TextField(blank=True)
    issued_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class LegalBasis(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="legal_basis")
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "document"], name="legal_basis_unique")]


class VersionAgency(models.Model):
    """g) An agency in a role for a version. ``agency`` is set when the name resolves to a known agency."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="agencies")
    role = models.CharField(max_length=15, choices=AgencyRole.choices)
    position = models.PositiveIntegerField()
    name = models.TextField()
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="procedure_roles")

    class Meta:
        ordering = ["version", "role", "position"]


class Result(models.Model):
    """h) A result (kết quả) of the procedure."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField()
    name = models.TextField()
    code = models.CharField(max_length=60, blank=True, help_text="The portal's result code, e.g. KQ.G01.00262.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]


class LinkedProcedureGroup(models.Model):
    """A group of linked procedures (liên thông), e.g. birth + residence + health insurance (Decree 63/2024)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    procedures = models.ManyToManyField(Procedure, related_name="linked_groups", blank=True)

    def __str__(self) -> str:
        return self.name
