"""PAKN API under ``/api/v1/feedback/`` (issue 5 points 1–3, 7). Errors are ``application/problem+json``.

- ``GET /`` published answers (public; ``q``, ``procedure``, ``agency``, ``topic``, ``kind``, ``page``);
  ``POST /`` submit (anyone; JSON or multipart with ``attachments``; rate-limited per address and account → 429).
- ``GET /<code>``: the whole item for its submitter and the officers of its agency (the look is recorded), the
  public part of a published item for anyone else, 404 otherwise.
- ``GET /<code>/events``, ``POST /<code>/actions/<action>`` (officers; optional ``If-Match`` with the version),
  ``POST /<code>/rating``, ``POST /<code>/recomplaint`` (the submitter).
- ``GET /queue`` (officers), ``GET /figures?agency=…&start=…&end=…`` (officers and supervisors).
"""

from __future__ import annotations

from datetime import datetime, time

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.badinput import JSONParser
from motcua.core.calendar import TZ
from motcua.core.params import BIG_INT, api_day, api_int, entity_tag_versions
from motcua.core.problems import ProblemResponse, problem
from motcua.units.models import Agency
from motcua.units.roles import HANDLING_ROLES

from .. import queries, ratelimit, services
from ..models import Feedback, FeedbackEvent
from ..transitions import Action, Role, TransitionNotAllowed, allowed_actions
from .serializers import (
    ActionSerializer,
    FeedbackEventSerializer,
    FiguresSerializer,
    ItemSerializer,
    PublicItemSerializer,
    PublicPageSerializer,
    RatingSerializer,
    RecomplaintSerializer,
    SubmitSerializer,
)

OFFICER_ROLES = tuple(Role(r) for r in HANDLING_ROLES)  # who handles an item (motcua.units.roles)


def _problem(code: int, title: str, detail: str = "", errors: dict | None = None, **extra) -> ProblemResponse:
    body = problem(code, title, detail, {k: [v] for k, v in (errors or {}).items()} or None)
    body.update(extra)
    return ProblemResponse(body, code)


def _invalid(error: services.InvalidFeedback) -> ProblemResponse:
    return _problem(400, "Invalid request", "One or more fields are invalid.", error.errors)


def _user(request: Request):
    user = request.user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _page(request: Request) -> int:
    return max(1, min(api_int(request.query_params.get("page", "1"), "page", low=-BIG_INT), 10_000))


class ItemsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(operation_id="feedback_list", tags=["feedback"], summary="Published answers",
                   parameters=[OpenApiParameter(n, str) for n in ("q", "procedure", "agency", "topic", "kind")]
                   + [OpenApiParameter("page", int)], responses={200: PublicPageSerializer})
    def get(self, request: Request) -> Response:
        p = request.query_params
        agency_code = p.get("agency", "").strip()
        agency_ids: tuple[int, ...] = ()
        if agency_code:
            agency_ids = tuple(Agency.objects.filter(code=agency_code).values_list("pk", flat=True)) or (-1,)
        filters = queries.PublicFilters(q=p.get("q", "")[:200], procedure_code=p.get("procedure", "").strip(),
                                        agency_ids=agency_ids, topic=p.get("topic", ""), kind=p.get("kind", ""))
        page = queries.search_page(filters, _page(request), 20)
        return Response({"page": page.number, "per_page": page.per_page, "has_next": page.has_next,
                         "results": PublicItemSerializer(page.items, many=True).data})

    @extend_schema(operation_id="feedback_submit", tags=["feedback"], summary="Submit a report or proposal",
                   request=SubmitSerializer, responses={201: ItemSerializer})
    def post(self, request: Request) -> Response:
        if ratelimit.exceeded("submit", request._request):
            response = _problem(429, "Too many requests", "Too many submissions from this address or account.")
            response["Retry-After"] = str(ratelimit.retry_after("submit"))
            return response
        parsed = SubmitSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        channel = data.pop("channel", "") or "api"
        user = _user(request)
        role = Role.APPLICANT
        if channel in ("phone", "written"):
            role = Role.DESK_OFFICER
            if user is None:
                return _problem(401, "Unauthorized", "Officers sign in to enter calls and letters.")
        ratelimit.hit("submit", request._request)
        try:
            item = services.submit(data, actor=user, role=role, channel=channel,
                                   attachments=request.FILES.getlist("attachments"))
        except services.InvalidFeedback as error:
            return _invalid(error)
        except services.ActorNotAllowed as error:
            return _problem(403, "Forbidden", str(error))
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED,
                        headers={"Location": f"/api/v1/feedback/{item.code}", "ETag": f'"{item.version}"'})


def _load(code: str) -> Feedback:
    item = Feedback.objects.select_related("agency", "received_by", "dossier").filter(code=code).first()
    if item is None:
        raise exceptions.NotFound("No item has this code.")
    return item


def _is_officer(user, item: Feedback, roles=(*OFFICER_ROLES, Role.SUPERVISOR)) -> bool:
    return user is not None and any(services._holds_role(user, item.agency, r) for r in roles)


def _is_submitter(user, item: Feedback) -> bool:
    return user is not None and item.submitter_user_id == user.pk


class ItemView(APIView):
    @extend_schema(operation_id="feedback_read", tags=["feedback"], summary="One item",
                   responses={200: ItemSerializer})
    def get(self, request: Request, code: str) -> Response:
        item, user = _load(code), _user(request)
        if _is_officer(user, item):
            services.record_access(item, user, "api_read")
            return Response(ItemSerializer(item).data, headers={"ETag": f'"{item.version}"'})
        if _is_submitter(user, item):
            return Response(ItemSerializer(item).data, headers={"ETag": f'"{item.version}"'})
        public = queries.published_item(code)
        if public is None:
            raise exceptions.NotFound("No item has this code.")
        return Response(PublicItemSerializer(public).data)


class EventsView(APIView):
    @extend_schema(operation_id="feedback_events", tags=["feedback"], summary="The item's history",
                   responses={200: FeedbackEventSerializer(many=True)})
    def get(self, request: Request, code: str) -> Response:
        item, user = _load(code), _user(request)
        if not (_is_officer(user, item) or _is_submitter(user, item)):
            raise exceptions.NotFound("No item has this code.")
        events = FeedbackEvent.objects.filter(feedback=item).select_related("actor").order_by("seq")
        return Response(FeedbackEventSerializer(events, many=True).data)


class ActionView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="feedback_act", tags=["feedback"], summary="Take a handling action",
                   parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH,
                                                enum=[str(a) for a in Action if a not in ("submit", "rate",
                                                                                          "recomplain")])],
                   request=ActionSerializer, responses={200: ItemSerializer})
    def post(self, request: Request, code: str, action: str) -> Response:
        item, user = _load(code), _user(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        if action not in {str(a) for a in Action} or action in ("submit", "rate", "recomplain"):
            raise exceptions.NotFound(f"Unknown action {action!r}.")
        parsed = ActionSerializer(data=request.data if isinstance(request.data, dict) else {})
        parsed.is_valid(raise_exception=True)
        payload = dict(parsed.validated_data)
        wanted = payload.pop("role", "")
        if _is_submitter(user, item) and action == Action.SUBMIT_SUPPLEMENT:
            roles = [Role.APPLICANT]
        else:
            roles = [r for r in OFFICER_ROLES if services._holds_role(user, item.agency, r)]
        if not roles:
            raise exceptions.NotFound("No item has this code.") if not _is_officer(user, item) else \
                exceptions.PermissionDenied("Read-only access.")
        if wanted:
            if wanted not in roles:
                return _problem(403, "Forbidden", f"You do not act as {wanted} on this item.")
            roles = [wanted]
        able = [r for r in roles if action in allowed_actions(item.state, r)]
        if not able:
            allowed = sorted({a for r in roles for a in allowed_actions(item.state, r)})
            return _problem(409, "Conflict", f"'{action}' is not allowed in state '{item.state}'.",
                            allowed_actions=allowed)
        expected = None
        if_match = request.headers.get("If-Match")
        if if_match:
            versions = entity_tag_versions(if_match)
            if len(versions) != 1:
                return _problem(400, "Invalid request", "If-Match must be the item's ETag, e.g. \"3\".")
            expected = versions.pop()
        try:
            item = services.act(code, action, actor=user, role=able[0], expected_version=expected, **payload)
        except services.InvalidFeedback as error:
            return _invalid(error)
        except services.VersionConflict as error:
            return _problem(412, "Precondition failed", str(error), current_version=error.item.version)
        except (services.ActorNotAllowed, TransitionNotAllowed) as error:
            return _problem(403, "Forbidden", str(error))
        return Response(ItemSerializer(item).data, headers={"ETag": f'"{item.version}"'})


class RatingView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="feedback_rate", tags=["feedback"], summary="Rate the published answer (once)",
                   request=RatingSerializer, responses={200: ItemSerializer})
    def post(self, request: Request, code: str) -> Response:
        return _submitter_call(request, code, RatingSerializer,
                               lambda user, data: services.rate(code, data["rating"], actor=user))


class RecomplaintView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(operation_id="feedback_recomplain", tags=["feedback"], summary="Complain again about the answer",
                   request=RecomplaintSerializer, responses={201: ItemSerializer})
    def post(self, request: Request, code: str) -> Response:
        return _submitter_call(request, code, RecomplaintSerializer,
                               lambda user, data: services.recomplain(code, data["content"], actor=user),
                               created=True)


def _submitter_call(request: Request, code: str, serializer, call, created: bool = False) -> Response:
    item, user = _load(code), _user(request)
    if user is None:
        raise exceptions.NotAuthenticated()
    if not _is_submitter(user, item):
        if queries.published_item(code) is None:
            raise exceptions.NotFound("No item has this code.")
        raise exceptions.PermissionDenied("Only the submitter may do this.")
    if ratelimit.exceeded("rate", request._request):
        response = _problem(429, "Too many requests", "Try again later.")
        response["Retry-After"] = str(ratelimit.retry_after("rate"))
        return response
    ratelimit.hit("rate", request._request)
    parsed = serializer(data=request.data if isinstance(request.data, dict) else {})
    parsed.is_valid(raise_exception=True)
    try:
        result = call(user, parsed.validated_data)
    except services.InvalidFeedback as error:
        return _invalid(error)
    except TransitionNotAllowed as error:
        return _problem(409, "Conflict", str(error), allowed_actions=error.allowed)
    return Response(ItemSerializer(result).data, status=201 if created else 200)


class QueueView(APIView):
    @extend_schema(operation_id="feedback_queue", tags=["feedback"], summary="Officers' queue",
                   parameters=[OpenApiParameter("state", str), OpenApiParameter("page", int)],
                   responses={200: ItemSerializer(many=True)})
    def get(self, request: Request) -> Response:
        user = _user(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        agencies = services.officer_agencies(user)
        if not agencies:
            raise exceptions.PermissionDenied("Officers only.")
        state = request.query_params.get("state", "")
        page = queries.page_of(queries.queue(agencies, [state] if state else None), _page(request), 50)
        return Response({"page": page.number, "has_next": page.has_next,
                         "results": ItemSerializer(page.items, many=True).data})


def _day(value: str, name: str) -> datetime:
    return datetime.combine(api_day(value, name), time(0), tzinfo=TZ)


class FiguresView(APIView):
    @extend_schema(operation_id="feedback_figures", tags=["feedback"],
                   summary="Satisfaction figures (Decision 766 group 6)",
                   parameters=[OpenApiParameter("agency", str, many=True), OpenApiParameter("start", str),
                               OpenApiParameter("end", str)], responses={200: FiguresSerializer})
    def get(self, request: Request) -> Response:
        user = _user(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        visible = set(services.officer_agencies(user))
        if not visible:
            raise exceptions.PermissionDenied("Officers and supervisors only.")
        start = _day(request.query_params.get("start", ""), "start")
        end = _day(request.query_params.get("end", ""), "end")
        if end <= start:
            raise exceptions.ValidationError({"end": ["After start."]})
        codes = request.query_params.getlist("agency")
        ids = set(Agency.objects.filter(code__in=codes).values_list("pk", flat=True)) if codes else visible
        if codes and len(ids) != len(set(codes)):
            raise exceptions.ValidationError({"agency": ["Unknown agency code."]})
        if not ids <= visible:
            raise exceptions.PermissionDenied("You do not oversee these agencies.")
        return Response(queries.pakn_figures(sorted(ids), start, end))
