"""Admin of the exchange core: the access log and grants are read-only here (grants are added and revoked through
``motcua registry grant`` / ``revoke`` or the services, never edited); person links can be viewed."""

from django.contrib import admin

from .models import AccessGrant, AccessLogEntry, PersonLink


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnly):
    list_display = ("id", "at", "registry", "outcome", "agency_code", "actor_username", "role", "dossier_code",
                    "purpose")
    list_filter = ("registry", "outcome", "role")
    search_fields = ("=subject", "=dossier_code", "agency_code", "actor_username")
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnly):
    list_display = ("id", "agency", "registry", "procedure_codes", "granted_at", "revoked_at")
    list_filter = ("registry",)
    search_fields = ("agency__code",)


@admin.register(PersonLink)
class PersonLinkAdmin(ReadOnly):
    list_display = ("user", "personal_id", "source", "linked_at")
    search_fields = ("=personal_id", "user__username")
