"""``/api/v1/oversight/``: the service index, its trend and drill-down, the one-stop evaluation, the facts' status.

Same figures as ``motcua oversight index`` and the page ``/giam-sat/chi-so/`` (all read :mod:`..queries`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.params import BIG_INT, api_int

from .. import access, index, queries, rules


def _bad(error: Exception, field: str = "period") -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [str(error)]})


def _period(request: Request) -> str:
    period = request.query_params.get("period", "")
    if not period:
        raise exceptions.ValidationError({"period": ["Give a period: 2026, 2026-Q4, 2026-10 or 2026-W40."]})
    return period


def _q(name: str, description: str, *, required: bool = False, type_=str) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=required, description=description)


PERIOD = _q("period", "2026 (year), 2026-Q4 (quarter), 2026-10 (month) or 2026-W40 (ISO week).", required=True)
LEVEL = _q("level", "country, ministry, province, commune, agency or procedure (default province).")
SCOPE = _q("scope", "A unit to look inside: province:01, ministry:BTP, commune:00004, agency:H01.TTPVHCC.")
FIGURES = {200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT}


def _run(fn):
    try:
        return fn()
    except rules.PeriodError as error:
        raise _bad(error, "period") from error
    except index.IndexError_ as error:
        raise _bad(error, "level") from error


@extend_schema(parameters=[PERIOD, LEVEL, SCOPE], responses=FIGURES)
class IndexView(APIView):
    """The ranked service index (Decision 766/QĐ-TTg) for ``period`` and ``level`` (country, ministry, province,
    commune, agency, procedure), optionally inside ``scope`` (``province:01``, ``ministry:BTP``,
    ``agency:H01.TTPVHCC``). Each row: rank, code, name, total and every indicator's numerator, denominator, rate
    (%), points and max points; N/A is ``null``."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        period = _period(request)
        level = request.query_params.get("level", "province")
        return Response(_run(lambda: queries.index_table(period, level, request.query_params.get("scope"))))


@extend_schema(
    parameters=[
        PERIOD,
        LEVEL,
        SCOPE,
        _q("codes", "Units' codes, comma-separated (≤ 10).", required=True),
        _q("n", "Number of periods (1–24, default 12).", type_=int),
    ],
    responses=FIGURES,
)
class TrendView(APIView):
    """Totals of the units ``codes`` (comma-separated) over the ``n`` (≤ 24) periods ending with ``period``."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        period = _period(request)
        level = request.query_params.get("level", "province")
        codes = [c for c in request.query_params.get("codes", "").split(",") if c][:10]
        if not codes:
            raise exceptions.ValidationError({"codes": ["Give the units' codes, comma-separated."]})
        try:
            n = max(1, min(24, int(request.query_params.get("n", 12))))
        except ValueError as error:
            raise _bad(error, "n") from error
        return Response(_run(lambda: queries.trend(period, level, codes, request.query_params.get("scope"), n)))


@extend_schema(
    parameters=[
        PERIOD,
        LEVEL,
        _q("code", "The unit's code.", required=True),
        _q("indicator", "2.1, 2.2, 3.3, 4.3, 5.1 or 6.3.", required=True),
        _q("part", "numerator or denominator (default)."),
        _q("procedure", "A procedure id.", type_=int),
        _q("offset", "Rows to skip.", type_=int),
        _q("limit", "Rows (≤ 500, default 50).", type_=int),
    ],
    responses={**FIGURES, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
)
class DrillView(APIView):
    """The dossiers behind one figure: ``period``, ``level``, ``code`` (the unit), ``indicator`` (2.1, 2.2, 3.3,
    4.3, 5.1, 6.3), ``part`` (numerator or denominator), optional ``procedure`` (id), ``offset``, ``limit`` (≤ 500).
    Supervisors, leaders and staff only."""

    def get(self, request: Request) -> Response:
        if not access.may_drill(request.user):
            if not getattr(request.user, "is_authenticated", False):
                raise exceptions.NotAuthenticated()
            raise exceptions.PermissionDenied("Only supervisors, leaders and staff may list the dossiers.")
        q = request.query_params
        period = _period(request)
        for name in ("level", "code", "indicator"):
            if not q.get(name):
                raise exceptions.ValidationError({name: ["This parameter is required."]})
        offset = max(0, api_int(q.get("offset", 0), "offset", low=-BIG_INT))
        limit = max(1, min(500, api_int(q.get("limit", 50), "limit", low=-BIG_INT)))
        procedure = api_int(q["procedure"], "procedure", low=1) if q.get("procedure") else None
        return Response(
            _run(
                lambda: queries.drill(
                    period,
                    q["level"],
                    q["code"],
                    q["indicator"],
                    q.get("part", "denominator"),
                    procedure,
                    offset,
                    limit,
                    access.drill_scope(request.user),
                )
            )
        )


@extend_schema(
    parameters=[
        PERIOD,
        LEVEL,
        _q("code", "The unit's code (default the country)."),
        _q("indicator", "1.1, 1.2, 1.3, 3.1, 3.2, 4.2 or 5.6.", required=True),
        _q("part", "numerator or denominator (default)."),
    ],
    responses=FIGURES,
)
class ProceduresView(APIView):
    """The procedures behind a catalog indicator's figure (1.1, 1.2, 1.3, 3.1, 3.2, 4.2, 5.6) of one unit:
    ``period``, ``level``, ``code``, ``indicator``, ``part``. Catalog data is public."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        q = request.query_params
        period = _period(request)
        for name in ("level", "indicator"):
            if not q.get(name):
                raise exceptions.ValidationError({name: ["This parameter is required."]})
        rows = _run(
            lambda: index.procedures_behind(
                period, q["level"], q.get("code", index.COUNTRY), q["indicator"], q.get("part", "denominator")
            )
        )
        return Response({"count": len(rows), "results": rows})


@extend_schema(parameters=[PERIOD, SCOPE], responses=FIGURES)
class EvaluationView(APIView):
    """The evaluation under the law of the period's end (``kind``): since 1/7/2025 Decree 118/2025 Art. 32(1) — per
    agency the criteria a–đ in % (``null`` = N/A), the index total, the band (configuration), the applicants'
    evaluations (Art. 33(1)) and the national evaluator (Art. 30(4)); before 1/7/2025 (history, Circular 01/2018)
    nine scores 0/1/2, total, band."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        period = _period(request)
        return Response(_run(lambda: queries.evaluation_table(period, request.query_params.get("scope"))))


@extend_schema(responses={200: OpenApiTypes.OBJECT})
class FactsView(APIView):
    """How far the facts have read the event log."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(queries.facts_status())
