"""Query and response shapes of the calendar API (``/api/v1/calendar/``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.core.calendar import FIRST_YEAR, LAST_YEAR, TZ, Unit

MAX_AMOUNT = 3650
"""The largest time limit accepted, in any unit (ten years of calendar days is far beyond any procedure)."""

# A "+" in a query string decodes as a space, so "…T10:00:00+07:00" sent unencoded arrives as "…T10:00:00 07:00".
_SPACE_BEFORE_OFFSET = re.compile(r"^(?P<moment>.*\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (?P<offset>\d{2}(?::?\d{2})?)$")
_DIGITS = re.compile(r"^\d{1,12}$")


def parse_aware_datetime(text: str) -> datetime:
    """An ISO 8601 date-time with a UTC offset, in Asia/Ho_Chi_Minh; ``ValueError`` with a usable message otherwise.

    A space in front of the offset is read as "+" (an unencoded "+" in a URL query decodes as a space).
    """
    text = text.strip()
    match = _SPACE_BEFORE_OFFSET.match(text)
    if match:
        text = f"{match['moment']}+{match['offset']}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "Not a valid ISO 8601 date-time; use e.g. 2026-02-13T10:00:00+07:00.") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("The date-time has no UTC offset; add one, e.g. 2026-02-13T10:00:00+07:00.")
    try:
        local = moment.astimezone(TZ)
    except (OverflowError, ValueError):
        raise ValueError(f"The date-time must fall within the years {FIRST_YEAR}–{LAST_YEAR}.") from None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise ValueError(
            f"The date-time must fall within the years {FIRST_YEAR}–{LAST_YEAR}, the years whose public "
            "holidays are known.")
    return local


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """An ISO 8601 date-time that must carry a UTC offset (the instant must be unambiguous)."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data: Any) -> datetime:
        if not isinstance(data, str) or len(data) > 64:
            self.fail("invalid", message="Give an ISO 8601 date-time, e.g. 2026-02-13T10:00:00+07:00.")
        try:
            return parse_aware_datetime(data)
        except ValueError as exc:
            self.fail("invalid", message=str(exc))

    def to_representation(self, value: datetime) -> str:
        return value.astimezone(TZ).isoformat()


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT})
class AmountField(serializers.Field):
    """A whole number from 0 to :data:`MAX_AMOUNT`, written in digits only ("5", not "5.0" or "1e3")."""

    default_error_messages = {
        "invalid": "Give a whole number of units, in digits (e.g. 5).",
        "max_value": f"The amount must be at most {MAX_AMOUNT}.",
    }

    def to_internal_value(self, data: Any) -> int:
        text = str(data).strip()
        if text.startswith("-") and _DIGITS.match(text[1:]):
            raise serializers.ValidationError("The amount must not be negative.", code="min_value")
        if not _DIGITS.match(text):
            self.fail("invalid")
        amount = int(text)
        if amount > MAX_AMOUNT:
            self.fail("max_value")
        return amount

    def to_representation(self, value: int) -> int:
        return value


def _no_agencies(code: str) -> Any:
    return None


# The agency with a code, or None (it has ``office_hours()`` and the calendar exceptions): registered by the units
# app, which sits above core (docs/architecture.md, layers).
_agency_lookup: Callable[[str], Any] = _no_agencies


def register_agency_lookup(lookup: Callable[[str], Any]) -> None:
    """Set how ``?agency=CODE`` finds its agency."""
    global _agency_lookup
    _agency_lookup = lookup


class DueDateQuerySerializer(serializers.Serializer):
    """The query of ``GET /api/v1/calendar/due-date``; unknown or repeated parameters are refused."""

    start = AwareDateTimeField(help_text="When the dossier was received (ISO 8601 with a UTC offset).")
    amount = AmountField(required=False, help_text=f"The time limit, 0–{MAX_AMOUNT}; ignored for same_day.")
    unit = serializers.ChoiceField(choices=[(u.value, u.value) for u in Unit])
    agency = serializers.CharField(required=False, max_length=40,
                                   help_text="Agency code whose office hours and calendar exceptions apply.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if hasattr(data, "getlist"):
            errors: dict[str, list[str]] = {}
            allowed = ", ".join(self.fields)
            for name in data:
                if name not in self.fields:
                    errors[name] = [f"Unknown query parameter; the parameters are {allowed}."]
                elif len(data.getlist(name)) > 1:
                    errors[name] = ["Give this parameter once."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate_agency(self, code: str) -> Any:
        agency = _agency_lookup(code)
        if agency is None:
            raise serializers.ValidationError(f"No agency has the code {code!r}.")
        try:
            agency.office_hours()
        except (TypeError, ValueError) as exc:
            raise serializers.ValidationError(
                f"The office hours of agency {code!r} are not usable ({exc}); ask an administrator to fix them."
            ) from None
        return agency

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "amount" not in attrs:
            if attrs["unit"] != Unit.SAME_DAY:
                raise serializers.ValidationError({"amount": ["This field is required for this unit."]})
            attrs["amount"] = 1  # "trong ngày": the same working day.
        return attrs


class DueDateSerializer(serializers.Serializer):
    """The computed due time."""

    due = AwareDateTimeField(help_text="The due time, ISO 8601 in Asia/Ho_Chi_Minh (+07:00).")
    provisional = serializers.BooleanField(
        help_text="True when the count crosses a year whose days off are provisional (its notice not yet recorded).")
    provisional_years = serializers.ListField(child=serializers.IntegerField(),
                                              help_text="The provisional years from the start's to the due time's.")


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["day_off", "working_day"])
    reason = serializers.CharField()


class CalendarYearSerializer(serializers.Serializer):
    """A year's recorded notice and its nationwide days off and worked days (on top of the statutory holidays)."""

    year = serializers.IntegerField()
    provisional = serializers.BooleanField(help_text="True until the notice's number and date are recorded.")
    notice_number = serializers.CharField(allow_blank=True)
    notice_date = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    days = CalendarDaySerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """An error as application/problem+json (RFC 9457), as rendered by ``motcua.core.problems``."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Messages per offending parameter.")
