"""Tables of the personal data store (kho dữ liệu cá nhân; issue 4 point 7).

A :class:`StoreItem` is a document kept for a citizen: an electronic result issued by motcua (Decree 45/2020 Art. 10:
the electronic result is stored in the citizen's data store) or a file the citizen chose to keep. A
:class:`StoreItemUse` records, per dossier document, that an item was reused instead of an upload (append-only).
Written only by :mod:`.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.eventlog import AppendOnlyError as AppendOnlyError  # re-exported: one for every log


class ItemSource(models.TextChoices):
    ISSUED_RESULT = "issued_result", _("Kết quả điện tử do cơ quan cấp")
    KEPT = "kept", _("Giấy tờ công dân tự lưu")


def item_upload_to(instance: StoreItem, filename: str) -> str:
    return f"store/{instance.owner_id}/{filename}"


class StoreItem(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_items")
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=60, blank=True, help_text="Evidence kind (rules.KINDS) or empty.")
    source = models.CharField(max_length=20, choices=ItemSource.choices)
    origin_dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", help_text="The dossier whose result or document this is.")
    origin_document = models.ForeignKey("dossiers.DossierDocument", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    issuer = models.CharField(max_length=255, blank=True, help_text="The issuing agency, for results.")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=item_upload_to, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True, help_text="When the citizen removed it (kept rows).")

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "origin_document"],
                                    condition=models.Q(origin_document__isnull=False),
                                    name="store_item_once_per_document"),
        ]
        indexes = [models.Index(fields=["owner", "kind"], name="store_item_owner_kind")]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.title}"


class UseQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Store item uses are append-only.")

    def delete(self):
        raise AppendOnlyError("Store item uses are append-only.")


class StoreItemUse(models.Model):
    """An item reused in a dossier, as one of its documents (append-only)."""

    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="uses")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField("dossiers.DossierDocument", on_delete=models.PROTECT, related_name="store_use")
    used_at = models.DateTimeField()

    objects = UseQuerySet.as_manager()

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.document_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Store item uses are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Store item uses are append-only.")
