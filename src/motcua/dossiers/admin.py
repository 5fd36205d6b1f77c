"""Admin: dossiers and their events are read-only here (every change goes through the dossier service); internal
process definitions are edited here."""

from django.contrib import admin

from .models import Dossier, DossierEvent, ProcessDefinition, ProcessStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("seq", "at", "action", "from_state", "to_state", "role", "actor", "step", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "state", "status_code", "agency", "procedure", "channel", "received_at", "due_at")
    list_filter = ("state", "channel")
    search_fields = ("code", "applicant_name", "applicant_personal_id", "applicant_enterprise_code")
    list_select_related = ("agency", "procedure")
    raw_id_fields = ("agency", "procedure", "procedure_version", "assigned_to", "applicant_user")
    inlines = [EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "seq", "at", "action", "from_state", "to_state", "role", "actor")
    list_filter = ("action", "role")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "actor")


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 1
    raw_id_fields = ("unit",)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "name", "updated_at")
    search_fields = ("procedure__code", "name")
    raw_id_fields = ("procedure",)
    inlines = [StepInline]
