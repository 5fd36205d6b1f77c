"""Request and response shapes of the dossiers API. Field names follow the glossary; the schema is generated from
these. Input serializers check the shape and the identifiers; the service checks everything about the catalog."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.core.identifiers import enterprise_code_error, personal_id_error
from motcua.core.params import DayField

from .. import rules
from ..models import ApplicantKind, ChannelKind, Dossier, DossierDocument, DossierEvent, Rating
from ..queries import calendar_for
from ..transitions import STATE_STATUS, Role

STATE_VALUES = [str(s) for s in STATE_STATUS]
ROLE_VALUES = [str(r) for r in Role]


def choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field whose schema keeps its enum inline (wrapped in ``anyOf``, which drf-spectacular does not turn
    into a shared component): the catalog already names ``KindEnum``, ``RoleEnum`` … after other choice sets, and
    the dossiers' fields of the same names must not rename them."""
    values = [c[0] if isinstance(c, tuple | list) else c for c in choices]
    schema = {"anyOf": [{"type": "string", "enum": values + ([""] if kwargs.get("allow_blank") else [])}]}
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


# Requests --------------------------------------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    kind = choice(ApplicantKind.choices)
    personal_id = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                        help_text="12-digit personal identification number; required for a citizen.")
    enterprise_code = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                            help_text="10-digit enterprise code, optionally -XXX for a branch; "
                                                      "required for a business.")
    full_name = serializers.CharField(max_length=255)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        personal_id = attrs.get("personal_id", "").strip()
        enterprise_code = attrs.get("enterprise_code", "").strip()
        if attrs["kind"] == ApplicantKind.CITIZEN and not personal_id:
            errors["personal_id"] = [_("A citizen gives the 12-digit personal identification number.")]
        elif personal_id and (error := personal_id_error(personal_id)):
            errors["personal_id"] = [error]
        if attrs["kind"] == ApplicantKind.BUSINESS and not enterprise_code:
            errors["enterprise_code"] = [_("A business gives its enterprise code.")]
        elif enterprise_code and (error := enterprise_code_error(enterprise_code)):
            errors["enterprise_code"] = [error]
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, "personal_id": personal_id, "enterprise_code": enterprise_code}


class DossierSubmitSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40, required=False,
                                      help_text="Procedure code, e.g. 1.000001 or 1.000948.H38.")
    group = serializers.CharField(max_length=40, required=False,
                                  help_text="Instead of procedure: a linked procedure group (Decree 63/2024), e.g. "
                                            "LT-KS-TT-BHYT; makes a parent dossier and a child per agency.")
    agency = serializers.CharField(max_length=40, help_text="Receiving agency code, e.g. H01.TTPVHCC.")
    channel = choice(ChannelKind.choices)
    applicant = ApplicantInputSerializer()
    form_data = serializers.DictField(required=False, default=dict, help_text="The procedure's form, as filled in.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("procedure")) == bool(attrs.get("group")):
            raise serializers.ValidationError({"procedure": ["Give either procedure or group (a linked group)."]})
        return attrs


class ActionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                   help_text="Written reasons (required to refuse, stop or apologise).")
    data = serializers.DictField(required=False, default=dict, help_text=(
        "The action's details: `missing` (list of texts) for request_supplement; `assignee` (user name) for "
        "assign; `unit` and `due_at` or `working_days` for consult; `new_due_at` for apologise; `amount_vnd` for "
        "request_payment."))
    role = choice(["applicant", "desk_officer", "specialist", "leader"], required=False,
                                   help_text="The role to act in, when the user holds several.")


class DocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False,
                                 help_text="The file; its type is detected from its content.")
    required_document = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                 help_text="Id of the catalog component (thành phần hồ sơ) it answers.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=500)
    # Decree 118/2025 Art. 19(2): the document's minimum data fields, for officers' scans and results (issue 11
    # point 8); the holder's identifier and name come from the dossier, a result's type code from the catalog.
    document_type_code = serializers.RegexField(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,59}$", required=False,
                                                help_text="Mã loại giấy tờ (a result's default: the procedure's "
                                                          "result code).")
    summary = serializers.CharField(required=False, allow_blank=True, max_length=1000,
                                    help_text="Trích yếu nội dung chính.")
    valid_until = serializers.DateField(required=False, help_text="Thời hạn có hiệu lực (last day).")
    valid_indefinitely = serializers.BooleanField(required=False, help_text="No time limit.")
    validity_scope = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                           help_text="Phạm vi có hiệu lực, if any.")

    DIGITAL_FIELDS = ("document_type_code", "summary", "valid_until", "valid_indefinitely", "validity_scope")


class DossierQuerySerializer(serializers.Serializer):
    state = choice(STATE_VALUES, required=False)
    status = serializers.IntegerField(required=False, min_value=1, max_value=10, help_text="National status code.")
    agency = serializers.CharField(required=False, max_length=40, help_text="Receiving agency code.")
    procedure = serializers.CharField(required=False, max_length=40, help_text="Procedure code.")
    overdue = serializers.BooleanField(required=False, help_text="Past the legal due time and not finished.")
    at_risk = serializers.BooleanField(required=False, help_text=(
        "Not overdue, but the working time left is less than the remaining steps' budgets."))
    received_from = DayField(required=False, help_text="Received on or after this date (Vietnam).")
    received_to = DayField(required=False, help_text="Received on or before this date.")
    due_from = DayField(required=False, help_text="Due on or after this date.")
    due_to = DayField(required=False, help_text="Due on or before this date.")
    cursor = serializers.CharField(required=False, max_length=500, help_text="From the previous page's `next`.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)

    def validate_cursor(self, value: str) -> tuple[datetime | None, str]:
        return decode_cursor(value)


def encode_cursor(due_at: datetime | None, code: str) -> str:
    raw = json.dumps([due_at.isoformat() if due_at else None, code], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime | None, str]:
    try:
        due, code = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        due_at = datetime.fromisoformat(due) if due is not None else None
        if not isinstance(code, str) or (due_at is not None and timezone.is_naive(due_at)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise serializers.ValidationError(_("Not a cursor of this list.")) from error
    return due_at, code


# Responses -------------------------------------------------------------------------------------------------------


class StatusSerializer(serializers.Serializer):
    code = serializers.IntegerField(min_value=1, max_value=10)
    name = serializers.CharField()


def mask(value: str, keep: int = 3) -> str:
    """``001090012345`` → ``*********345``: what a reader who does not handle the dossier sees."""
    value = value or ""
    return "" if not value else "*" * max(len(value) - keep, 0) + value[-keep:]


class ApplicantSerializer(serializers.Serializer):
    """The applicant. Issue 12 point 15: the personal ID and phone are shown in full only to whoever handles the
    dossier or is its applicant (``context["unmasked"](dossier)``); supervisors, who only read, see them masked
    (Law on Personal Data Protection 2025: minimum data for the purpose)."""

    kind = choice(ApplicantKind.choices, source="applicant_kind")
    personal_id = serializers.CharField(source="applicant_personal_id", allow_blank=True)
    enterprise_code = serializers.CharField(source="applicant_enterprise_code", allow_blank=True)
    full_name = serializers.CharField(source="applicant_name")
    phone = serializers.CharField(source="applicant_phone", allow_blank=True)
    email = serializers.CharField(source="applicant_email", allow_blank=True)
    address = serializers.CharField(source="applicant_address", allow_blank=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        unmasked = self.context.get("unmasked")
        if unmasked is not None and not unmasked(instance):
            data["personal_id"], data["phone"] = mask(data["personal_id"]), mask(data["phone"])
        return data


class DeadlineFlagsSerializer(serializers.Serializer):
    overdue = serializers.BooleanField()
    at_risk = serializers.BooleanField()


def deadline_flags(dossier: Dossier, context: dict) -> dict[str, bool]:
    """Overdue and at risk at ``context["now"]`` (issue 3 point 4); calendars are cached in ``context``."""
    now = context.get("now") or timezone.now()
    open_ = dossier.finished_at is None
    overdue = open_ and rules.is_overdue(now, dossier.due_at)
    at_risk = False
    if open_ and not overdue and dossier.due_at is not None and dossier.waiting_since is None and dossier.steps:
        calendars = context.setdefault("calendars", {})
        calendar = calendars.get(dossier.agency_id)
        if calendar is None:
            calendar = calendars[dossier.agency_id] = calendar_for(dossier.agency)
        spent = rules.waited(calendar, dossier.step_started_at, now)
        at_risk = rules.is_at_risk(now, dossier.due_at,
                                   rules.remaining_budgets(dossier.steps, dossier.current_step, spent), calendar)
    return {"overdue": overdue, "at_risk": at_risk}


@extend_schema_field(DeadlineFlagsSerializer)
class DeadlineFlagsField(serializers.Field):
    """Overdue and at-risk flags at the time of the request (calendars cached per agency in the context)."""

    def get_attribute(self, instance: Dossier) -> Dossier:
        return instance

    def to_representation(self, dossier: Dossier) -> dict[str, bool]:
        return deadline_flags(dossier, self.context)


class DossierSerializer(serializers.ModelSerializer):
    status = StatusSerializer()
    state = choice(STATE_VALUES)
    channel = choice(ChannelKind.choices)
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    applicant = ApplicantSerializer(source="*")
    deadline = DeadlineFlagsField(read_only=True)
    rating = choice(Rating.choices, allow_blank=True)

    class Meta:
        model = Dossier
        fields = ["code", "status", "state", "procedure", "procedure_name", "agency", "agency_name", "channel",
                  "applicant", "form_data", "submitted_at", "received_at", "due_at", "finished_at", "returned_at",
                  "deadline", "supplement_count", "missing_items", "apology_count", "current_step", "rating",
                  "rated_at", "version"]
        read_only_fields = fields


class DossierDocumentSerializer(serializers.ModelSerializer):
    uploaded_role = choice(ROLE_VALUES)
    required_document = serializers.IntegerField(source="required_document_id", allow_null=True)
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = ["id", "name", "filename", "required_document", "content_type", "size", "sha256", "uploaded_by",
                  "uploaded_role", "uploaded_at", "signature_kind", "signed_by", "signed_at", "signed_sha256",
                  "document_type_code", "document_code", "digital_data"]
        read_only_fields = fields

    def get_uploaded_by(self, document: DossierDocument) -> str | None:
        return document.uploaded_by.get_username() if document.uploaded_by_id else None


class DossierDetailSerializer(DossierSerializer):
    steps = serializers.JSONField(help_text="The process snapshot: key, name, role, unit, budget_seconds, due_at.")
    documents = DossierDocumentSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField(help_text="Linked group (issue 4 point 8): the parent's members and "
                                              "their child dossiers, or a child's parent; null otherwise.")

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "steps", "documents", "allowed_actions", "group"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "nullable": True})
    def get_group(self, dossier: Dossier) -> dict | None:
        from ..groups import describe

        return describe(dossier)

    def get_allowed_actions(self, dossier: Dossier) -> list[str]:
        """What the requesting user may do now, in the roles they hold on this dossier."""
        return list(self.context.get("allowed_actions", []))


class DossierPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last.")
    results = DossierSerializer(many=True, help_text="By due time (dossiers without one last), then code.")


class EventSerializer(serializers.ModelSerializer):
    role = choice(ROLE_VALUES)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["seq", "action", "from_state", "to_state", "role", "actor", "at", "step", "reason", "data"]
        read_only_fields = fields

    def get_actor(self, event: DossierEvent) -> str | None:
        return event.actor.get_username() if event.actor_id else None


class CurrentDossierSerializer(serializers.Serializer):
    state = choice(STATE_VALUES)
    status = StatusSerializer()
    version = serializers.IntegerField()
