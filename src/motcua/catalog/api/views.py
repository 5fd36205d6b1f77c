"""Procedures API: search the catalog and read a procedure's current published version."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.queries import current_version
from motcua.catalog.search import search_procedures
from motcua.core.api.serializers import ProblemSerializer

from .filters import ProcedureQuerySerializer
from .serializers import ProcedureDetailSerializer, ProcedurePageSerializer, ProcedureSummarySerializer

PROBLEM_JSON = "application/problem+json"


class ProcedureListView(APIView):
    """``GET /api/v1/procedures``: search and filter current published procedures."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_list",
        tags=["catalog"],
        summary="Search procedures",
        description=(
            "Current published versions. With `q`: ranked — exact code, code prefix, exact name, every term in the "
            "name (shorter names first), then the other fields (sector, agencies, documents, results, legal basis). "
            "Without `q`: code order. When `q` matches nothing, `suggestions` lists close names. "
            "Unknown parameters and bad values are refused with 400."
        ),
        parameters=[ProcedureQuerySerializer],
        responses={
            200: ProcedurePageSerializer,
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="A parameter is unknown or invalid."),
            (404, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="The page is beyond the last."),
        },
    )
    def get(self, request: Request) -> Response:
        params = ProcedureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = search_procedures(data.get("q", ""), params.search_filters())
        paginator = Paginator(result.versions, data["page_size"])
        try:
            page = paginator.page(data["page"])
        except InvalidPage:
            raise exceptions.NotFound("Trang không tồn tại (no such page).") from None
        count = paginator.count
        return Response({
            "count": count,
            "next": self._page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": self._page_url(request, page.previous_page_number()) if page.has_previous() else None,
            "results": ProcedureSummarySerializer(page.object_list, many=True).data,
            "suggestions": result.suggestions() if count == 0 else [],
        })

    @staticmethod
    def _page_url(request: Request, number: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class ProcedureDetailView(APIView):
    """``GET /api/v1/procedures/<code>``: the current published version with every component."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_retrieve",
        tags=["catalog"],
        summary="Read a procedure",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH,
                                     description="Procedure code, e.g. 1.000080 or 1.000948.H38.")],
        responses={
            200: ProcedureDetailSerializer,
            (404, PROBLEM_JSON): OpenApiResponse(ProblemSerializer,
                                                 description="No procedure with a current published version."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        version = current_version(code)
        if version is None:
            raise exceptions.NotFound(f"Không có thủ tục đang có hiệu lực với mã {code} (no such procedure).")
        return Response(ProcedureDetailSerializer(version).data)
