"""Admin views of the reviews: entered rows editable through the services only (read-only here), computed rows and
the append-only log for inspection."""

from django.contrib import admin

from . import models as m


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.OverlapDecision)
class OverlapDecisionAdmin(ReadOnly):
    list_display = ["procedure_a", "procedure_b", "verdict", "decided_by", "decided_at"]
    list_filter = ["verdict"]


@admin.register(m.SimplificationPlan)
class SimplificationPlanAdmin(ReadOnly):
    list_display = ["agency", "procedure", "title", "year", "created_by", "created_at"]
    list_filter = ["year"]


@admin.register(m.CostProfile)
class CostProfileAdmin(ReadOnly):
    list_display = ["procedure", "hours", "other_costs_vnd", "performances_per_subject", "subjects_per_year",
                    "updated_by", "updated_at"]


@admin.register(m.ReviewLog)
class ReviewLogAdmin(ReadOnly):
    list_display = ["at", "user", "action", "object_repr"]
    list_filter = ["action"]


@admin.register(m.ReviewRun)
class ReviewRunAdmin(ReadOnly):
    list_display = ["kind", "as_of", "started_at", "finished_at"]
    list_filter = ["kind"]
