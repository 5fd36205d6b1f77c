"""Admin for administrative units, agencies and officers' memberships (reference data and role assignment)."""

from __future__ import annotations

from django.contrib import admin

from motcua.units.models import AdministrativeUnit, Agency, Membership


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "division_type", "province")
    list_filter = ("level", "division_type")
    search_fields = ("name", "=code")
    list_select_related = ("province",)
    raw_id_fields = ("province",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "level", "parent")
    list_filter = ("kind", "level")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    raw_id_fields = ("parent", "unit")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "level", "parent", "unit")}),
        ("Office hours", {"fields": (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"),
                                     "cutoff")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role")
    list_filter = ("role", "agency__kind")
    search_fields = ("user__username", "agency__code", "agency__name")
    list_select_related = ("user", "agency")
    raw_id_fields = ("user", "agency")
