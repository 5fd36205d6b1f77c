"""``/api/v1/oversight/review/``: the stored review results, and reviewers' entries (verdicts, plans).

Reads only stored rows; reviewers only (staff, supervisors, catalog officers), others get 403 problem+json.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import queries, services
from ..models import OverlapVerdict, ProposalAction

PAGE_SIZE = 100


class IsReviewer(BasePermission):
    message = "Chỉ cán bộ giám sát hoặc quản lý TTHC được xem và ghi kết quả rà soát."

    def has_permission(self, request, view) -> bool:
        if request.user is None or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return services.can_review(request.user)


def _paged(request: Request, rows: list | object, render) -> Response:
    try:
        number = int(request.query_params.get("page", "1"))
        page = Paginator(rows, PAGE_SIZE).page(number)
    except (ValueError, EmptyPage):
        raise exceptions.ValidationError({"page": ["Số trang không hợp lệ."]}) from None
    return Response({"count": page.paginator.count, "page": number, "results": [render(r) for r in page]})


PAGE = OpenApiParameter("page", int, description="Page number (100 rows a page).")


class ReviewView(APIView):
    permission_classes = [IsReviewer]


class DormantView(ReviewView):
    @extend_schema(summary="Procedures with no dossier in 36 months", parameters=[
        PAGE, OpenApiParameter("scope", str, enum=["national", "agency"]), OpenApiParameter("level", str),
        OpenApiParameter("agency", str)], responses={200: dict})
    def get(self, request: Request) -> Response:
        scope = request.query_params.get("scope", "national")
        if scope not in ("national", "agency"):
            raise exceptions.ValidationError({"scope": ["national hoặc agency."]})
        rows = queries.dormant(request.query_params.get("level", ""), request.query_params.get("agency", ""), scope)
        return _paged(request, rows, lambda r: {
            "procedure": r.procedure.code, "name": r.procedure.current_version.name if r.procedure.current_version
            else "", "agency": r.agency.code if r.agency else None, "levels": r.levels, "status": r.status,
            "last_dossier_on": r.last_dossier_on, "dossiers_total": r.dossiers_total, "as_of": r.as_of})


class DecisionSerializer(serializers.Serializer):
    a = serializers.CharField(help_text="Procedure code")
    b = serializers.CharField(help_text="Procedure code")
    verdict = serializers.ChoiceField(choices=OverlapVerdict.values)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OverlapsView(ReviewView):
    @extend_schema(summary="Candidate overlaps, best first", parameters=[PAGE], responses={200: dict})
    def get(self, request: Request) -> Response:
        return _paged(request, queries.overlaps(), lambda c: {
            "a": c.procedure_a.code, "b": c.procedure_b.code, "score": c.score, "name": c.name_similarity,
            "documents": c.documents_similarity, "steps": c.steps_similarity})

    @extend_schema(summary="Record a verdict on a pair (not proposed again)", request=DecisionSerializer,
                   responses={201: dict})
    def post(self, request: Request) -> Response:
        s = DecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = services.decide_overlap(request.user, s.validated_data["a"], s.validated_data["b"],
                                    s.validated_data["verdict"], s.validated_data["note"])
        return Response({"a": d.procedure_a.code, "b": d.procedure_b.code, "verdict": d.verdict,
                         "decided_at": d.decided_at}, status=201)


class ProposalsView(ReviewView):
    @extend_schema(summary="Proposal per procedure", parameters=[PAGE, OpenApiParameter(
        "action", str, enum=ProposalAction.values)], responses={200: dict})
    def get(self, request: Request) -> Response:
        action = request.query_params.get("action", "")
        if action and action not in ProposalAction.values:
            raise exceptions.ValidationError({"action": [f"Một trong {', '.join(ProposalAction.values)}."]})
        return _paged(request, queries.proposals(action), lambda p: {
            "procedure": p.procedure.code, "action": p.action, "reasons": p.reasons,
            "related": p.related.code if p.related else None, "facts": p.facts})


class PracticeView(ReviewView):
    @extend_schema(summary="Provinces' versions of national procedures", parameters=[PAGE], responses={200: dict})
    def get(self, request: Request) -> Response:
        return _paged(request, queries.local_practice(request.query_params.get("flagged") == "1"), lambda r: {
            "national": r.national.code, "procedure": r.procedure.code, "province": r.province.code,
            "documents": r.documents, "time_limit_days": r.time_limit_days, "fee_vnd": r.fee_vnd,
            "dossiers": r.dossiers, "median_days": r.median_days, "online_share": r.online_share,
            "satisfaction": r.satisfaction, "flags": r.flags, "best": r.best})


class PlanSerializer(serializers.Serializer):
    agency = serializers.CharField()
    procedure = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    before_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    after_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    before_fees_vnd = serializers.IntegerField(required=False, default=0)
    after_fees_vnd = serializers.IntegerField(required=False, default=0)
    before_other_vnd = serializers.IntegerField(required=False, default=0)
    after_other_vnd = serializers.IntegerField(required=False, default=0)
    before_days = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True,
                                           default=None)
    after_days = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True,
                                          default=None)
    subjects_per_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CostProfileSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    other_costs_vnd = serializers.IntegerField(required=False, default=0, min_value=0)
    performances_per_subject = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, default=1)
    subjects_per_year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CostProfilesView(ReviewView):
    @extend_schema(summary="Enter a procedure's cost inputs (Circular 02/2017 Art. 27)", request=CostProfileSerializer,
                   responses={200: dict})
    def post(self, request: Request) -> Response:
        s = CostProfileSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        profile = services.set_cost_profile(request.user, data.pop("procedure"), **data)
        return Response({"procedure": profile.procedure.code, "hours": str(profile.hours),
                         "other_costs_vnd": profile.other_costs_vnd,
                         "performances_per_subject": str(profile.performances_per_subject),
                         "subjects_per_year": profile.subjects_per_year})


class CostView(ReviewView):
    @extend_schema(summary="Compliance cost per procedure and agencies' progress against the targets",
                   parameters=[PAGE], responses={200: dict})
    def get(self, request: Request) -> Response:
        response = _paged(request, queries.analyses("cost").order_by("-data__annual", "procedure__code"),
                          lambda c: {"procedure": c.procedure.code, **c.data})
        response.data["targets"] = [{"agency": t.agency.code, **t.data}
                                    for t in queries.analyses("targets").order_by("agency__code")]
        return response


class PlansView(ReviewView):
    @extend_schema(summary="Record a simplification plan", request=PlanSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        s = PlanSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = services.create_plan(request.user, **s.validated_data)
        figures = services.plan_figures(plan, services.hourly_income(), services._plan_subjects(plan))
        return Response({"id": plan.pk, **{k: str(v) if v is not None else None for k, v in figures.items()}},
                        status=201)


class BottlenecksView(ReviewView):
    @extend_schema(summary="Step times, overdue attribution and the directly-follows graph", parameters=[
        OpenApiParameter("procedure", str), OpenApiParameter("agency", str), PAGE], responses={200: dict})
    def get(self, request: Request) -> Response:
        code, agency = request.query_params.get("procedure", ""), request.query_params.get("agency", "")
        if code:
            row = queries.bottleneck(code, agency)
            if row is None:
                raise exceptions.NotFound("Chưa có phân tích điểm nghẽn cho thủ tục và đơn vị này.")
            return Response({"procedure": code, "agency": agency or None, **row.data})
        rows = queries.analyses("bottleneck").filter(procedure__isnull=False, agency__isnull=True).order_by(
            "-overdue", "procedure__code")
        return _paged(request, rows, lambda r: {"procedure": r.procedure.code, "dossiers": r.data["dossiers"],
                                                "overdue": r.data["overdue"], "attribution": r.data["attribution"],
                                                "supplement_rate": r.data["supplement_rate"],
                                                "refusal_rate": r.data["refusal_rate"]})


class WorkloadView(ReviewView):
    @extend_schema(summary="Workload per unit and officer, and the reallocation", responses={200: dict})
    def get(self, request: Request) -> Response:
        realloc = queries.analyses("reallocation").first()
        return Response({"units": [{"agency": r.agency.code, **r.data}
                                   for r in queries.analyses("workload").order_by("agency__code")],
                         "reallocation": realloc.data if realloc else None})
