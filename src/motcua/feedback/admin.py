"""Read-only admin views of PAKN items and their history. Every write goes through :mod:`.services`; the
submitter's personal data is not shown here (officers read it on their item page, where each look is recorded)."""

from django.contrib import admin

from .models import Feedback, FeedbackEvent, PersonalDataAccess

PRIVATE = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address", "submitter_user", "content",
           "title", "proposal")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly):
    list_display = ("code", "kind", "topic", "state", "agency", "submitted_at", "answer_due_at", "published_at",
                    "flagged")
    list_filter = ("state", "topic", "kind", "channel", "flagged")
    search_fields = ("code",)
    exclude = PRIVATE
    raw_id_fields = ("agency", "received_by", "procedure", "dossier", "recomplaint_of")


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(ReadOnly):
    list_display = ("feedback", "seq", "action", "role", "at")
    search_fields = ("feedback__code",)
    raw_id_fields = ("feedback", "actor")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnly):
    list_display = ("feedback", "user", "at", "purpose")
    raw_id_fields = ("feedback", "user")
