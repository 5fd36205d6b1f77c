"""Request and response shapes of the PAKN API. Enumerations are plain strings here (the service checks them and
names the bad field), so the schema does not rename the catalog's shared enum components."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Feedback, FeedbackEvent
from ..transitions import STATE_LABELS, State


class SubmitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="report (phản ánh) or proposal (kiến nghị).")
    topic = serializers.CharField(help_text="regulation, procedure or conduct (the PAKN category).")
    title = serializers.CharField(allow_blank=True, max_length=255)
    content = serializers.CharField(allow_blank=True, max_length=10_000)
    proposal = serializers.CharField(required=False, allow_blank=True, max_length=5_000)
    procedure_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    regulation = serializers.CharField(required=False, allow_blank=True, max_length=500)
    officer_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    dossier_code = serializers.CharField(required=False, allow_blank=True, max_length=80)
    agency_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    location = serializers.CharField(required=False, allow_blank=True, max_length=500)
    lat = serializers.DecimalField(required=False, allow_null=True, max_digits=9, decimal_places=6)
    long = serializers.DecimalField(required=False, allow_null=True, max_digits=9, decimal_places=6)
    name = serializers.CharField(allow_blank=True, max_length=255)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    channel = serializers.CharField(required=False, help_text="Officers only: phone or written.")


class PublicItemSerializer(serializers.ModelSerializer):
    """What anyone may read of a published item: no personal data."""

    title = serializers.CharField(source="public_title")
    content = serializers.CharField(source="public_content")
    agency_code = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")

    class Meta:
        model = Feedback
        fields = ["code", "kind", "topic", "title", "content", "procedure_code", "procedure_name", "agency_code",
                  "agency_name", "submitted_at", "answered_at", "published_at", "answer"]


class ItemSerializer(serializers.ModelSerializer):
    """The whole item, for its submitter and the officers of its agency."""

    agency_code = serializers.CharField(source="agency.code")
    received_by_code = serializers.CharField(source="received_by.code")
    state_label = serializers.SerializerMethodField()
    dossier_code = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = ["code", "kind", "topic", "channel", "title", "content", "proposal", "procedure_code",
                  "procedure_name", "regulation", "officer_name", "dossier_code", "location", "lat", "long",
                  "submitter_name", "submitter_phone", "submitter_email", "submitter_address", "agency_code",
                  "received_by_code", "state", "state_label", "version", "classification", "refusal_ground",
                  "refusal_reason", "forward_count", "supplement_request", "submitted_at", "received_at",
                  "decided_at", "forwarded_at", "answered_at", "published_at", "decision_due_at", "forward_due_at",
                  "supplement_due_at", "answer_due_at", "publish_due_at", "answer_draft", "answer", "public_title",
                  "public_content", "rating", "rated_at", "recomplained_at", "flagged", "flag_reasons"]

    def get_state_label(self, obj: Feedback) -> str:
        return STATE_LABELS.get(State(obj.state), obj.state)

    def get_dossier_code(self, obj: Feedback) -> str:
        return obj.dossier.code if obj.dossier_id else ""


class PublicPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = PublicItemSerializer(many=True)


class FeedbackEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackEvent
        fields = ["seq", "at", "action", "role", "actor", "from_state", "to_state", "note", "data", "hash"]

    def get_actor(self, obj: FeedbackEvent) -> str:
        return obj.actor.username if obj.actor_id else ""


class ActionSerializer(serializers.Serializer):
    role = serializers.CharField(required=False, help_text="The role to act in (default: the first that may).")
    classification = serializers.CharField(required=False)
    ground = serializers.CharField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    agency_code = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)
    username = serializers.CharField(required=False)
    answer = serializers.CharField(required=False, allow_blank=True)
    public_title = serializers.CharField(required=False, allow_blank=True)
    public_content = serializers.CharField(required=False, allow_blank=True)


class RatingSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="like or dislike.")


class RecomplaintSerializer(serializers.Serializer):
    content = serializers.CharField(allow_blank=True, max_length=10_000)


class FiguresSerializer(serializers.Serializer):
    all = serializers.IntegerField()
    handled = serializers.IntegerField()
    handled_on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    disliked = serializers.IntegerField()
    liked = serializers.IntegerField()
    recomplained = serializers.IntegerField()
    refused = serializers.IntegerField()
