"""Exchange API (issue 4 points 2, 4, 6, 11).

- ``GET /api/v1/prefill?procedure=<code>`` — the signed-in citizen's applicant fields from the base registries, each
  with its source; a registry that does not answer leaves ``value: null`` and an ``error`` (200, never 500).
- ``GET /api/v1/me/data-access?page=&page_size=`` — who looked at the signed-in person's data, newest first.
- ``GET /api/v1/registries`` — the registries, their identifier and attributes.
- ``POST /api/v1/registries/<name>/lookup`` — an officer's purpose-bound lookup (``identifier, attributes, dossier``
  and optionally ``role``): the agency, role and purpose logged come from the signed-in officer and the dossier, never
  from the body; 200 values with provenance; 400 malformed identifier or request; 403 refused (logged); 404 no
  record; 503 registry unavailable (``Retry-After``).

Every error is problem+json with a stable ``code``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.central import supervises_everything
from motcua.core.problems import ProblemResponse, problem

from .. import queries, registries, rules, services
from ..errors import AccessRefused, ExchangeError

MAX_PAGE_SIZE = 100
TITLES = {400: "Invalid request", 403: "Access refused", 404: "Not found", 503: "Registry unavailable"}


def error_response(error: ExchangeError) -> ProblemResponse:
    body = problem(error.status, TITLES.get(error.status, "Error"), str(error))
    body["code"] = error.code
    response = ProblemResponse(body, error.status)
    if error.status == 503:
        response["Retry-After"] = "30"
    return response


def _invalid(field: str, message: str) -> ProblemResponse:
    body = problem(400, "Invalid request", message, {field: [message]})
    body["code"] = "invalid_request"
    return ProblemResponse(body, 400)


def _positive(value: str | None, default: int, field: str, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    if not str(value).isdigit() or int(value) < 1:
        raise ValueError(field)
    return min(int(value), maximum) if maximum else int(value)


class PrefillView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("procedure", str, required=True, description="Procedure code")],
                   responses={200: inline_serializer("Prefill", {"procedure": serializers.CharField(),
                                                                 "fields": serializers.DictField()})},
                   tags=["exchange"], summary="Applicant fields from the base registries, with their sources")
    def get(self, request: Request) -> Response:
        code = (request.query_params.get("procedure") or "").strip()
        if not code:
            return _invalid("procedure", "Thiếu mã thủ tục (procedure).")
        try:
            fields = services.prefill(request.user, code)
        except ExchangeError as error:
            return error_response(error)
        return Response({"procedure": code, "fields": fields})


class DataAccessView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses={200: inline_serializer("DataAccessPage", {
                       "count": serializers.IntegerField(), "page": serializers.IntegerField(),
                       "next": serializers.CharField(allow_null=True),
                       "previous": serializers.CharField(allow_null=True),
                       "results": serializers.ListField(child=serializers.DictField())})},
                   tags=["exchange"], summary="Who looked at my data (newest first)")
    def get(self, request: Request) -> Response:
        personal_id = queries.personal_id_of(request.user)
        if not personal_id:
            return error_response(AccessRefused("Tài khoản chưa gắn số định danh cá nhân.", code="no_personal_id"))
        try:
            page = _positive(request.query_params.get("page"), 1, "page")
            size = _positive(request.query_params.get("page_size"), 20, "page_size", MAX_PAGE_SIZE)
        except ValueError as error:
            return _invalid(str(error), f"{error} phải là số nguyên dương.")
        rows, total = queries.data_access_page(personal_id, page, size)

        def link(n: int) -> str:
            return request.build_absolute_uri(f"{request.path}?page={n}&page_size={size}")

        return Response({"count": total, "page": page, "page_size": size,
                         "next": link(page + 1) if page * size < total else None,
                         "previous": link(page - 1) if page > 1 else None, "results": rows})


class RegistryListView(APIView):
    @extend_schema(responses={200: inline_serializer("Registries", {"registries": serializers.ListField()})},
                   tags=["exchange"], summary="Base registries: identifier and attributes")
    def get(self, request: Request) -> Response:
        return Response({"registries": [spec.describe() for spec in registries.SPECS.values()]})


class LookupInput(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    attributes = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    dossier = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=sorted(rules.ROLES - {rules.SYSTEM}), required=False, help_text=(
        "Which of the roles you hold at the dossier's agency to act in (default: the first that handles "
        "dossiers). Never trusted beyond that: the logged role and agency are the ones you hold."))
    # Accepted for compatibility and ignored (issue 12 point 10): the agency is the dossier's (or yours), the
    # purpose the dossier's procedure.
    agency = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    procedure = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(max_length=rules.MAX_PURPOSE, required=False, allow_blank=True, default="")


def lookup_context(user, dossier_code: str, wanted_role: str | None) -> dict[str, Any]:
    """Agency, role and purpose of a look-up, from the signed-in actor and the dossier — never from the request body
    (issue 12 point 10: the person's "who looked at my data" page shows what these say)."""
    from motcua.units.models import Membership

    from .. import cases

    dossier = cases.find(dossier_code)
    held = list(Membership.objects.filter(user=user).select_related("agency").order_by("agency__code", "role"))
    here = [m for m in held if dossier is not None and m.agency_id == dossier.agency_id]
    pick = next((m for m in here if m.role == wanted_role), None) or next(
        (m for m in here if m.role in rules.HANDLING_ROLES), None) or (here[0] if here else None) or (
        held[0] if held else None)
    if pick is None:  # no officer role anywhere: a citizen's own look-up
        purpose = (f"Tự tra cứu dữ liệu của mình cho hồ sơ {dossier.code}" if dossier is not None
                   else "Tự tra cứu dữ liệu của mình")
        return {"agency": None, "role": rules.SELF_SERVICE, "purpose": purpose, "procedure_code": None}
    purpose = (f"Giải quyết hồ sơ {dossier.code}, thủ tục {dossier.procedure_code}" if dossier is not None
               else "Tra cứu không gắn hồ sơ")
    return {"agency": pick.agency, "role": pick.role, "purpose": purpose,
            "procedure_code": dossier.procedure_code if dossier is not None else None}


class LookupView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=LookupInput, responses={200: inline_serializer("Lookup", {
        "registry": serializers.CharField(), "identifier": serializers.CharField(), "values": serializers.DictField(),
        "provenance": serializers.DictField()})}, tags=["exchange"], summary="A purpose-bound registry lookup")
    def post(self, request: Request, name: str) -> Response:
        data = LookupInput(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        context = lookup_context(request.user, v["dossier"], v.get("role"))
        try:
            result = services.fetch(name, v["identifier"], attributes=v["attributes"], actor=request.user,
                                    dossier_code=v["dossier"], **context)
        except ExchangeError as error:
            return error_response(error)
        return Response({"registry": result.registry, "identifier": result.identifier, "values": result.values,
                         "source": result.source, "provenance": result.provenance()})


def _may_supervise(user, agency_code: str) -> bool:
    """Superusers; supervisors of the agency or of an agency above it; supervisors at the central agency of the day
    (all: ``core.central``)."""
    if getattr(user, "is_superuser", False):
        return True
    codes = set(user.memberships.filter(role="supervisor").values_list("agency__code", flat=True))
    if supervises_everything(codes, timezone.now()):
        return True
    return bool(agency_code) and any(agency_code == c or agency_code.startswith(f"{c}.") for c in codes)


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("agency", str), OpenApiParameter("start", str, required=True),
                               OpenApiParameter("end", str, required=True)],
                   responses={200: inline_serializer("ExchangeFigures", {"registries": serializers.DictField()})},
                   tags=["exchange"], summary="Once-only figures: prefilled fields, documents replaced or reused, "
                                              "registry latency and failure rates")
    def get(self, request: Request) -> Response:
        import datetime as dt

        from motcua.core.calendar import TZ

        agency = (request.query_params.get("agency") or "").strip()
        bounds = {}
        for name in ("start", "end"):
            try:
                bounds[name] = dt.datetime.combine(dt.date.fromisoformat(request.query_params.get(name) or ""),
                                                   dt.time(), tzinfo=TZ)
            except ValueError:
                return _invalid(name, f"{name}: ngày theo dạng YYYY-MM-DD.")
        if bounds["end"] <= bounds["start"]:
            return _invalid("end", "end phải sau start.")
        if not _may_supervise(request.user, agency):
            return error_response(AccessRefused("Chỉ cán bộ giám sát của cơ quan (hoặc cấp trên) xem được số liệu này.",
                                                code="not_supervisor"))
        return Response(queries.exchange_figures(bounds["start"], bounds["end"], agency or None))
