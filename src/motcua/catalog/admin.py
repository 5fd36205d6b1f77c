"""Officers' catalog screens in the admin: catalog officers see, draft and publish their own agency's procedures."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import models as m
from . import services


def _manageable(request, qs: QuerySet) -> QuerySet:
    if request.user.is_superuser:
        return qs
    from motcua.units.models import Membership, Role

    agencies = Membership.objects.filter(user=request.user, role=Role.CATALOG_OFFICER).values("agency_id")
    return qs.filter(procedure__versions__agencies__agency_id__in=agencies).distinct()


class ChannelInline(admin.TabularInline):
    model = m.Channel
    extra = 0
    fields = ["position", "kind", "time_limit_amount", "time_limit_unit", "cutoff_moves_start", "time_limit_text",
              "description"]


class DocumentInline(admin.TabularInline):
    model = m.RequiredDocument
    extra = 0
    fields = ["position", "case", "name", "originals", "copies", "form", "replaceable_by_registry",
              "reusable_from_result"]


class StepInline(admin.TabularInline):
    model = m.Step
    extra = 0


class ResultInline(admin.TabularInline):
    model = m.Result
    extra = 0


class AgencyInline(admin.TabularInline):
    model = m.VersionAgency
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(m.ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "name", "status", "online_level", "decision_number", "valid_from"]
    list_filter = ["status", "online_level", "sector"]
    search_fields = ["procedure__code", "name", "search_name"]
    list_select_related = ["procedure"]
    readonly_fields = ["procedure", "number", "status", "published_at", "checks_table", "parse_issues", "source",
                       "source_url", "search_name", "search_text"]
    exclude = ["raw", "publication_checks"]
    inlines = [StepInline, ChannelInline, DocumentInline, AgencyInline, ResultInline]
    actions = ["make_draft", "publish"]

    def get_queryset(self, request):
        return _manageable(request, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != m.VersionStatus.DRAFT:
            return False  # published and abolished versions are never edited in place
        return super().has_change_permission(request, obj)

    @admin.display(description=_("Kết quả kiểm tra công bố"))
    def checks_table(self, obj: m.ProcedureVersion):
        checks = (obj.publication_checks or {}).get("checks", [])
        overlaps = (obj.publication_checks or {}).get("overlaps", [])
        if not checks and not overlaps:
            return "—"
        symbol = {True: "✔", False: "✘", None: "?"}
        return format_html("<ul>{}{}</ul>", format_html_join(
            "", "<li>{} {}: {}</li>", ((symbol[c["ok"]], c["name"], c["detail"]) for c in checks)),
            format_html_join("", "<li>⚠ Có thể trùng với thủ tục {} — {} (điểm {})</li>",
                             ((o["code"], o["name"], o["score"]) for o in overlaps)))

    def save_related(self, request, form, formsets, change):
        """After a draft and its components are saved: warn of published procedures it may duplicate (oversight
        review's overlap check, Announcement 437/TB-VPCP direction 1)."""
        super().save_related(request, form, formsets, change)
        if form.instance.status == m.VersionStatus.DRAFT:
            for o in services.check_version(form.instance).get("overlaps", []):
                self.message_user(request, f"Cảnh báo: dự thảo có thể trùng với thủ tục đã công bố {o['code']} — "
                                  f"{o['name']} (điểm tương đồng {o['score']:.2f}). Đề nghị rà soát trước khi công "
                                  "bố.", messages.WARNING)

    @admin.action(description=_("Tạo phiên bản dự thảo mới"))
    def make_draft(self, request, queryset):
        for version in queryset:
            try:
                draft = services.create_draft(version.procedure, request.user)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"{draft}: dự thảo đã sẵn sàng.", messages.SUCCESS)

    @admin.action(description=_("Công bố các dự thảo đã chọn (theo số và ngày quyết định đã nhập)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(version, request.user, decision_number=version.decision_number,
                                         decision_date=version.decision_date, valid_from=version.valid_from,
                                         uploaded_on=version.uploaded_on)
            except services.PublicationRefused as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{version}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.ERROR)
            else:
                self.message_user(request, f"{version}: đã công bố.", messages.SUCCESS)


@admin.register(m.Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "current_version", "province", "updated_at"]
    search_fields = ["code"]
    raw_id_fields = ["national", "current_version"]


@admin.register(m.Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name"]


@admin.register(m.LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "issued_on", "effective_on"]
    search_fields = ["number", "title"]


@admin.register(m.LinkedProcedureGroup)
class LinkedProcedureGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["procedures"]
