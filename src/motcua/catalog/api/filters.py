"""Query parameters of ``GET /api/v1/procedures``: validated, unknown ones refused (400 problem+json)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from motcua.catalog import models as m
from motcua.catalog.search import SearchFilters

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class ProcedureQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, trim_whitespace=True,
                              help_text="Words or a (partial) code; case and diacritics are ignored "
                                        "(\"dang ky khai sinh\" finds \"Đăng ký khai sinh\").")
    level = serializers.ChoiceField(choices=m.Level.choices, required=False,
                                    help_text="Level that carries the procedure out.")
    sector = serializers.SlugField(required=False, max_length=255,
                                   help_text="Sector slug (e.g. ho-tich), as in the sector's `slug`.")
    agency = serializers.RegexField(r"^[0-9A-Za-z._-]+$", required=False, max_length=40,
                                    help_text="Agency code (units), e.g. BTP or H38.TTPVHCC: procedures naming it "
                                              "in any role.")
    province = serializers.IntegerField(required=False, min_value=1, max_value=99,
                                        help_text="Province statistical code: its localised procedures and the "
                                                  "national procedures at province or commune level it has not "
                                                  "localised.")
    online_level = serializers.ChoiceField(choices=m.OnlineLevel.choices, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=100000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE,
                                         default=DEFAULT_PAGE_SIZE)

    def validate_sector(self, value: str) -> str:
        if not m.Sector.objects.filter(slug=value).exists():
            raise serializers.ValidationError("Không có lĩnh vực với mã này (unknown sector slug).")
        return value

    def validate_agency(self, value: str) -> str:
        from motcua.units.models import Agency

        if not Agency.objects.filter(code=value).exists():
            raise serializers.ValidationError("Không có cơ quan với mã này (unknown agency code).")
        return value

    def validate_province(self, value: int) -> int:
        from motcua.units.models import AdministrativeUnit, UnitLevel

        if not AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=value).exists():
            raise serializers.ValidationError("Không có tỉnh với mã này (unknown province code).")
        return value

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Tham số không được hỗ trợ (unknown parameter)."]
                                               for name in unknown})
        return super().to_internal_value(data)

    def search_filters(self) -> SearchFilters:
        d = self.validated_data
        return SearchFilters(level=d.get("level"), sector=d.get("sector"), agency=d.get("agency"),
                             province=d.get("province"), online_level=d.get("online_level"))
