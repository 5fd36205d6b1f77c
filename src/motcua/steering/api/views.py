"""``/api/v1/steering/``: obstacle reports, obstacles and their follow-up, directives and tasks, monthly figures.

Thin views: parse, call :mod:`motcua.steering.services` / :mod:`~motcua.steering.queries`, render. Errors are
problem+json: bad input 400 naming the fields; not allowed 403; an obstacle or task the caller may not see 404; a
move the state table lacks 409 with ``allowed_actions``; a stale ``expected_version`` 412.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.problems import ProblemResponse, problem

from .. import queries, rules, services
from ..models import Directive
from ..rules import Actor
from . import serializers as s

MAX_LIMIT = 200


def _page(request: Request, qs) -> tuple[list, dict]:
    try:
        limit = min(MAX_LIMIT, max(1, int(request.query_params.get("limit", 50))))
        offset = max(0, int(request.query_params.get("offset", 0)))
    except ValueError:
        raise exceptions.ValidationError({"limit": ["limit and offset are integers."]}) from None
    total = qs.count()
    return list(qs[offset:offset + limit]), {"count": total, "limit": limit, "offset": offset}


def _as_of(request: Request) -> date | None:
    text = request.query_params.get("as_of")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise exceptions.ValidationError({"as_of": ["Date as YYYY-MM-DD."]}) from None


def _refused(exc: services.TransitionRefused) -> ProblemResponse:
    body = problem(409, "Action not allowed now", str(exc))
    body["allowed_actions"] = exc.allowed
    return ProblemResponse(body, 409)


def _stale(exc: services.StaleVersion) -> ProblemResponse:
    return ProblemResponse(problem(412, "Precondition failed", str(exc)), 412)


def _require(user, *roles: Actor) -> None:
    if not services.actor_roles(user) & set(roles):
        raise PermissionDenied


class ReportListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.SteeringReportSerializer(many=True), summary="Obstacle reports the caller may see")
    def get(self, request: Request) -> Response:
        qs = queries.visible_reports(request.user).prefetch_related("obstacles__report__member__user")
        if request.query_params.get("period"):
            qs = qs.filter(period=request.query_params["period"])
        rows, meta = _page(request, qs)
        return Response({**meta, "results": s.SteeringReportSerializer(rows, many=True).data})

    @extend_schema(request=s.SteeringReportInputSerializer, responses={201: s.SteeringReportSerializer},
                   summary="A council member submits a monthly or ad hoc report")
    def post(self, request: Request) -> Response:
        data = s.SteeringReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        report = services.submit_report(request.user, kind=v["kind"], period=v.get("period", ""),
                                        note=v.get("note", ""), obstacles=v.get("obstacles", []))
        return Response(s.SteeringReportSerializer(report).data, status=201)


class ObstacleListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("agency", str),
                               OpenApiParameter("period", str), OpenApiParameter("overdue", bool)],
                   responses=s.SteeringObstacleSerializer(many=True), summary="Obstacles the caller may see")
    def get(self, request: Request) -> Response:
        qs = queries.visible_obstacles(request.user)
        p = request.query_params
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("agency"):
            qs = qs.filter(agency__code=p["agency"])
        if p.get("period"):
            qs = qs.filter(report__period=p["period"])
        if p.get("overdue") in ("1", "true"):
            qs = qs.filter(queries.overdue_obstacles_q(queries.today()))
        rows, meta = _page(request, qs)
        return Response({**meta, "results": s.SteeringObstacleSerializer(rows, many=True).data})


class ObstacleDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.SteeringObstacleDetailSerializer, summary="One obstacle with its events")
    def get(self, request: Request, code: str) -> Response:
        obstacle = queries.visible_obstacles(request.user).filter(code=code).first()
        if obstacle is None:
            raise Http404
        data = s.SteeringObstacleDetailSerializer(obstacle).data
        data["allowed_actions"] = rules.allowed_actions(rules.OBSTACLE_ACTIONS, obstacle.status,
                                                        services.actors_for(request.user, obstacle.agency))
        return Response(data)


class ObstacleActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.SteeringObstacleActionSerializer, responses=s.SteeringObstacleDetailSerializer,
                   summary="assign, reassign, extend, reject, report_progress, answer, confirm, reopen")
    def post(self, request: Request, code: str, action: str) -> Response:
        if not queries.visible_obstacles(request.user).filter(code=code).exists():
            raise Http404
        data = s.SteeringObstacleActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            services.act_on_obstacle(request.user, code, action, agency=v.get("agency") or None,
                                     due_date=v.get("due_date"), working_days=v.get("working_days"),
                                     note=v.get("note", ""), expected_version=v.get("expected_version"))
        except services.TransitionRefused as exc:
            return _refused(exc)
        except services.StaleVersion as exc:
            return _stale(exc)
        obstacle = queries.visible_obstacles(request.user).filter(code=code).first()
        if obstacle is None:  # reassigned away from the caller's agency: the change is done
            return Response({"code": code}, status=200)
        return Response(s.SteeringObstacleDetailSerializer(obstacle).data)


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("as_of", str)], responses=dict,
                   summary="The consolidated monthly view (standing agency, group leader)")
    def get(self, request: Request, period: str) -> Response:
        _require(request.user, Actor.STANDING, Actor.LEADER)
        try:
            parsed = rules.parse_period(period)
        except rules.RuleError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]}) from None
        figures = queries.obstacle_figures(parsed, _as_of(request))
        return Response({**figures.as_dict(), "overdue_tasks": [t.as_dict() for t in
                                                                queries.overdue_tasks(None, figures.as_of)]})


class DirectiveListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.SteeringDirectiveSerializer(many=True), summary="Directives and conclusions")
    def get(self, request: Request) -> Response:
        rows, meta = _page(request, Directive.objects.prefetch_related("tasks"))
        return Response({**meta, "results": s.SteeringDirectiveSerializer(rows, many=True).data})

    @extend_schema(request=s.SteeringDirectiveInputSerializer, responses={201: s.SteeringDirectiveSerializer},
                   summary="The standing agency records a directive with its tasks")
    def post(self, request: Request) -> Response:
        _require(request.user, Actor.STANDING)
        data = s.SteeringDirectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        directive = services.create_directive(request.user, **v)
        return Response(s.SteeringDirectiveSerializer(directive).data, status=201)


class DirectiveDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.SteeringDirectiveSerializer, summary="One directive with its tasks and their progress")
    def get(self, request: Request, pk: int) -> Response:
        directive = Directive.objects.filter(pk=pk).first()
        if directive is None:
            raise Http404
        data = s.SteeringDirectiveSerializer(directive).data
        counts = {r["task_id"]: r for r in queries.task_overview(_as_of(request), directive)}
        for task, row in zip(directive.tasks.all(), data["tasks"], strict=True):
            c = counts.get(task.pk, {})
            row["progress"] = {k: c.get(k, 0) for k in ("total", "done", "in_progress", "assigned", "cancelled",
                                                        "overdue")}
        return Response(data)


class AssignmentListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("agency", str), OpenApiParameter("status", str),
                               OpenApiParameter("directive", str), OpenApiParameter("overdue", bool)],
                   responses=s.SteeringAssignmentSerializer(many=True), summary="Tasks per agency")
    def get(self, request: Request) -> Response:
        qs = queries.visible_assignments(request.user)
        p = request.query_params
        if p.get("agency"):
            qs = qs.filter(agency__code=p["agency"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("directive"):
            qs = qs.filter(task__directive__number=p["directive"])
        if p.get("overdue") in ("1", "true"):
            qs = qs.filter(queries.overdue_assignments_q(_as_of(request) or queries.today()))
        rows, meta = _page(request, qs)
        return Response({**meta, "results": s.SteeringAssignmentSerializer(rows, many=True).data})


class AssignmentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.SteeringAssignmentDetailSerializer, summary="One task assignment with its events")
    def get(self, request: Request, pk: int) -> Response:
        assignment = queries.visible_assignments(request.user).filter(pk=pk).first()
        if assignment is None:
            raise Http404
        data = s.SteeringAssignmentDetailSerializer(assignment).data
        data["allowed_actions"] = rules.allowed_actions(rules.TASK_ACTIONS, assignment.status,
                                                        services.actors_for(request.user, assignment.agency))
        return Response(data)


class AssignmentActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.SteeringTaskActionSerializer, responses=s.SteeringAssignmentDetailSerializer,
                   summary="report_progress, complete (agency); extend, reopen, cancel (standing agency)")
    def post(self, request: Request, pk: int, action: str) -> Response:
        if not queries.visible_assignments(request.user).filter(pk=pk).exists():
            raise Http404
        data = s.SteeringTaskActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            services.act_on_assignment(request.user, pk, action, note=v.get("note", ""),
                                       deadline=v.get("deadline", ""), expected_version=v.get("expected_version"))
        except services.TransitionRefused as exc:
            return _refused(exc)
        except services.StaleVersion as exc:
            return _stale(exc)
        assignment = queries.visible_assignments(request.user).get(pk=pk)
        return Response(s.SteeringAssignmentDetailSerializer(assignment).data)


class OverviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("as_of", str)], responses=dict,
                   summary="Per agency: tasks and obstacles, open and overdue (standing agency, group leader)")
    def get(self, request: Request) -> Response:
        _require(request.user, Actor.STANDING, Actor.LEADER)
        as_of = _as_of(request) or queries.today()
        return Response({"as_of": as_of.isoformat(), "agencies": queries.agency_overview(as_of),
                         "overdue_tasks": [t.as_dict() for t in queries.overdue_tasks(None, as_of)]})
