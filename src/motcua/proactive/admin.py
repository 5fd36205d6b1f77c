"""Catalog officers manage triggers in the admin (issue 16 point 1)."""

from django.contrib import admin

from .models import OptOut, ProactiveCase, Trigger, TriggerWatermark


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "source", "level", "legal_instrument", "legal_article", "valid_from",
                    "valid_to", "active")
    list_filter = ("source", "level", "active")
    search_fields = ("code", "name", "legal_instrument")


@admin.register(ProactiveCase)
class ProactiveCaseAdmin(admin.ModelAdmin):
    list_display = ("id", "trigger", "personal_id", "state", "event_on", "created_at", "dossier_code")
    list_filter = ("state", "level", "trigger")
    readonly_fields = [f.name for f in ProactiveCase._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(TriggerWatermark)
admin.site.register(OptOut)
