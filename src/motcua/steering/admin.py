"""Admin for the Working Group's follow-up: roles and keys are edited here; reports, obstacles, directives, tasks
and events are read-only (every change goes through the services, which write the events)."""

from django.contrib import admin

from .models import (
    Directive,
    Obstacle,
    ObstacleReport,
    Open311Key,
    SteeringEvent,
    SteeringRole,
    Task,
    TaskAssignment,
)


@admin.register(SteeringRole)
class SteeringRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "active", "since")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "organisation")


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "agency", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):  # keys are made by `motcua steering open311-key` (shown once)
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ObstacleReport)
class ObstacleReportAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "period", "submitted_at")
    list_filter = ("kind", "period")


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyAdmin):
    list_display = ("code", "status", "agency", "due_date", "created_at")
    list_filter = ("status",)
    search_fields = ("code", "difficulty", "proposal")


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "issued_on", "issuer")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("directive", "number", "deadline_precision", "deadline_date")


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("task", "agency", "status", "deadline_date", "reported_at")
    list_filter = ("status",)


@admin.register(SteeringEvent)
class SteeringEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "role", "state", "obstacle", "assignment", "actor")
    list_filter = ("action", "role")
