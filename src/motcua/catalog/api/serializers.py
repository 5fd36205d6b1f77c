"""Response shapes of the procedures API. Field names follow the glossary; the schema is generated from these."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog import models as m


class SectorSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="Use as the `sector` filter.")
    name = serializers.CharField()


class LevelsField(serializers.ListField):
    child = serializers.ChoiceField(choices=m.Level.choices)

    def get_attribute(self, instance: m.ProcedureVersion) -> list[str]:
        return instance.level_list


class ProcedureSummarySerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code")
    name = serializers.CharField()
    sector = SectorSerializer(allow_null=True)
    levels = LevelsField()
    online_level = serializers.ChoiceField(choices=m.OnlineLevel.choices)
    version = serializers.IntegerField(source="number", help_text="Number of the current published version.")


class ProcedurePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProcedureSummarySerializer(many=True, help_text="In rank order with `q`, else in code order.")
    suggestions = serializers.ListField(child=serializers.CharField(),
                                        help_text="Close procedure names when `q` matched nothing; else empty.")


class TimeLimitSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False, min_value=0)
    unit = serializers.ChoiceField(choices=m.TimeUnit.choices)


class FeeSerializer(serializers.Serializer):
    amount_vnd = serializers.IntegerField(allow_null=True, min_value=0, help_text="null when not stated.")
    description = serializers.CharField(allow_blank=True)


class ChannelSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=m.ChannelKind.choices)
    time_limit = serializers.SerializerMethodField()
    time_limit_text = serializers.CharField(allow_blank=True, help_text="The source's words, verbatim.")
    fees = FeeSerializer(many=True)
    description = serializers.CharField(allow_blank=True)

    @extend_schema_field(TimeLimitSerializer(allow_null=True))
    def get_time_limit(self, channel: m.Channel) -> dict[str, Any] | None:
        if not channel.has_time_limit:
            return None
        return TimeLimitSerializer({"amount": channel.time_limit_amount, "unit": channel.time_limit_unit}).data


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    case = serializers.CharField(allow_blank=True, help_text="The case (trường hợp) this document belongs to.")
    originals = serializers.IntegerField(min_value=0)
    copies = serializers.IntegerField(min_value=0)
    form = serializers.CharField(allow_blank=True)
    form_url = serializers.CharField(allow_blank=True)


class LegalBasisSerializer(serializers.Serializer):
    number = serializers.CharField(source="document.number")
    title = serializers.CharField(source="document.title", allow_blank=True)
    issued_date = serializers.DateField(source="document.issued_on", allow_null=True)
    effective_date = serializers.DateField(source="document.effective_on", allow_null=True)


class AgencySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=m.AgencyRole.choices)
    name = serializers.CharField()
    code = serializers.SerializerMethodField(help_text="units agency code when the name resolved to one.")

    def get_code(self, va: m.VersionAgency) -> str | None:
        return va.agency.code if va.agency_id else None


class ResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class StepSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    status = serializers.ChoiceField(choices=m.VersionStatus.choices)
    kind = serializers.CharField(allow_blank=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    decision_number = serializers.CharField(allow_blank=True)
    decision_date = serializers.DateField(allow_null=True)
    subjects = serializers.ListField(child=serializers.CharField())
    requirements = serializers.CharField(allow_blank=True)
    submission_address = serializers.CharField(allow_blank=True)
    channels = ChannelSerializer(many=True)
    documents = DocumentSerializer(many=True)
    legal_basis = LegalBasisSerializer(many=True)
    agencies = AgencySerializer(many=True)
    results = ResultSerializer(many=True)
    steps = StepSerializer(many=True)
    parse_issue_count = serializers.SerializerMethodField(
        help_text="Components the importer could not standardise (kept verbatim in the source record).")
    source_url = serializers.CharField(allow_blank=True)

    def get_parse_issue_count(self, version: m.ProcedureVersion) -> int:
        return len(version.parse_issues or [])
