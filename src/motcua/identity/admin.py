from django.contrib import admin

from .models import IdentityAccount, SignIn


@admin.register(IdentityAccount)
class IdentityAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "level", "personal_id", "verified_at"]
    list_filter = ["provider", "level"]
    search_fields = ["user__username", "personal_id"]
    readonly_fields = ["user", "provider", "subject", "personal_id", "level", "verified_at"]


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "level", "at", "demo"]
    list_filter = ["provider", "level", "demo"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
