"""Calendar API: compute a due time from a receipt time and a time limit (domain.md §2)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api.serializers import (
    MAX_AMOUNT,
    CalendarYearSerializer,
    DueDateQuerySerializer,
    DueDateSerializer,
    ProblemSerializer,
)
from motcua.core.calendar import TZ, CalendarRangeError, Unit, WorkingCalendar, cutoff_rule
from motcua.core.models import CalendarException, CalendarYear, provisional_years

PROBLEM_JSON = "application/problem+json"


class DueDateView(APIView):
    """``GET /api/v1/calendar/due-date``: when a time limit that starts at a given instant ends. Public."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_due_date",
        tags=["calendar"],
        summary="Compute a due time",
        description=(
            "Applies the law of the start's date (docs/law.md) and the Civil Code 2015 Art. 147–148 counting rules "
            "(the receipt day is not counted; a period ending on a day off ends on the next working day). From "
            "1/7/2025 (Decree 118/2025 Art. 17(3), 18(2)) the limit runs from the receipt whatever the hour: a "
            "receipt after the cut-off (15:00) counts from the next working day only for same_day; for a start "
            "before 1/7/2025 it does for every unit (the earlier practice). Working days are Monday–Friday "
            "(Decision 188/1999) minus public holidays (Labour Code 2019 Art. 112) and the days off and make-up "
            "working days an administrator entered."
        ),
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATETIME, required=True,
                description=(
                    "When the dossier was received: ISO 8601 with a UTC offset, e.g. 2026-02-13T10:00:00+07:00. "
                    "Encode '+' as %2B; an unencoded '+' arrives as a space, and a space before the offset is "
                    "read as '+'. Years 1901–2100."
                ),
            ),
            OpenApiParameter(
                "amount", {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT},
                description=f"The time limit (0–{MAX_AMOUNT}). Required except for same_day, where it is ignored.",
            ),
            OpenApiParameter(
                "unit", OpenApiTypes.STR, required=True, enum=[u.value for u in Unit],
                description=(
                    "working_days: end of office hours of the N-th working day after the receipt day; "
                    "working_hours: N hours counted through office hours; same_day: end of office hours of the "
                    "receipt day; calendar_days: receipt day + N days, moved to the next working day if off."
                ),
            ),
            OpenApiParameter(
                "agency", OpenApiTypes.STR,
                description="Agency code (e.g. H38.TTPVHCC): use its office hours, cut-off and calendar exceptions.",
            ),
        ],
        responses={
            200: OpenApiResponse(DueDateSerializer, examples=[
                OpenApiExample("Received Friday 10:00 before Tết, 5 working days",
                               value={"due": "2026-02-27T17:00:00+07:00", "provisional": False,
                                      "provisional_years": []}),
            ]),
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="A parameter is missing or invalid."),
        },
    )
    def get(self, request: Request) -> Response:
        query = DueDateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        calendar = WorkingCalendar.from_db(params.get("agency"))
        try:
            due = calendar.due(params["start"], params["amount"], params["unit"],
                               cutoff_moves_start=cutoff_rule(params["start"], params["unit"]))
        except CalendarRangeError as exc:
            raise serializers.ValidationError({"amount": [f"The due time falls outside the calendar: {exc}"]}) from None
        years = provisional_years(range(params["start"].astimezone(TZ).year, due.year + 1))
        return Response(DueDateSerializer({"due": due, "provisional": bool(years), "provisional_years": years}).data)


class CalendarYearsView(APIView):
    """``GET /api/v1/calendar/years``: each recorded year's notice and days. Public."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_years",
        tags=["calendar"],
        summary="The working calendar's year data",
        description=(
            "Each year an administrator recorded: the notice that decided its days off and worked days (number and "
            "date), whether the year is still provisional (no notice recorded yet: Tết and the day next to 2/9 are "
            "decided late in the previous year), and the nationwide days off and worked days entered on top of the "
            "statutory holidays (Labour Code 2019 Art. 112)."
        ),
        responses={200: CalendarYearSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        days: dict[int, list[dict]] = {}
        for row in CalendarException.objects.filter(agency__isnull=True).order_by("date"):
            days.setdefault(row.date.year, []).append({"date": row.date, "kind": row.kind, "reason": row.reason})
        years = [{"year": y.year, "provisional": y.provisional, "notice_number": y.notice_number,
                  "notice_date": y.notice_date, "source": y.source, "days": days.get(y.year, [])}
                 for y in CalendarYear.objects.order_by("year")]
        return Response(CalendarYearSerializer(years, many=True).data)
