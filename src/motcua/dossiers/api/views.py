"""Dossiers API (issue 3 points 1, 2, 8, 10): submit, list, read, timeline, documents and actions.

Thin views: parse, check who may see (:mod:`.access`), call :mod:`motcua.dossiers.services`, render. Every error is
``application/problem+json``:

- a dossier the client may not see is *not found* (404), whether it exists or not;
- actions need ``If-Match`` with the dossier's ``ETag`` (the quoted version, ``"3"``): missing → 428, stale → 412
  with the current state and ``ETag``; an action the client's roles cannot take in the current state → 409 listing
  ``allowed_actions``; a legal rule that forbids it now → 422 naming the ``rule``;
- ``POST /dossiers`` honours ``Idempotency-Key``: the same key and body replay the first response (201, same body);
  the same key with another body → 422.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api.serializers import ProblemSerializer
from motcua.core.badinput import JSONParser
from motcua.core.calendar import TZ
from motcua.core.params import entity_tag_versions
from motcua.core.problems import ProblemResponse, problem
from motcua.units.models import Agency

from .. import access, documents, evidence, groups, queries, rules, services
from ..models import Dossier
from ..transitions import Action, Role, allowed_actions
from .fast_serialization import represent, represent_list_row, validate_submission
from .serializers import (
    ActionInputSerializer,
    DocumentInputSerializer,
    DossierDetailSerializer,
    DossierDocumentSerializer,
    DossierPageSerializer,
    DossierQuerySerializer,
    DossierSerializer,
    DossierSubmitSerializer,
    EventSerializer,
    deadline_flags,
    encode_cursor,
)

PROBLEM_JSON = "application/problem+json"
IDEMPOTENCY_KEY_MAX = 255
# Filtering on at_risk is done row by row (it needs the calendar and the steps): stop after this many rows and let
# the client follow ``next``.
AT_RISK_SCAN_LIMIT = 5000
UPLOAD_STATUS = {"empty_file": 400, "unknown_required_document": 400, "file_too_large": 413,
                 "type_not_allowed": 415, "upload_not_allowed_in_state": 409, "rejected_by_scanner": 422,
                 "storage_full": 507}


def _problem(status_code: int, title: str, detail: str = "", *, errors: dict[str, list[str]] | None = None,
             headers: dict[str, str] | None = None, **extra: Any) -> ProblemResponse:
    body = problem(status_code, title, detail, errors)
    body.update(extra)
    response = ProblemResponse(body, status_code)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def etag(version: int) -> str:
    """The dossier's entity tag: its version, quoted."""
    return f'"{version}"'


def _if_match_versions(header: str) -> set[int]:
    """The versions named by an ``If-Match`` header (weak tags accepted); unparseable tags name none."""
    return entity_tag_versions(header)


def _problem_errors(errors: dict[str, str]) -> dict[str, list[str]]:
    return {field: [message] for field, message in errors.items()}


def _current(dossier: Dossier) -> dict[str, Any]:
    return {"state": dossier.state, "status": dossier.status, "version": dossier.version}


def _precondition_failed(dossier: Dossier) -> ProblemResponse:
    return _problem(412, "Precondition failed",
                    "The dossier changed since you read it: read it again and decide on its current state.",
                    headers={"ETag": etag(dossier.version)}, current=_current(dossier))


class DossierAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def visible_dossier(self, request: Request, code: str, viewer: access.Viewer | None = None) -> Dossier:
        viewer = viewer or access.viewer_for(request.user)
        # A code given before the competent authority's identifier (Decree 118/2025 Art. 28(2)(a)) still finds the
        # dossier, under the same visibility.
        dossier = queries.dossier_by_code(code, Dossier.objects.visible_to(viewer))
        if dossier is None:
            raise exceptions.NotFound(f"Không tìm thấy hồ sơ {code} (no such dossier).")
        return dossier


PROBLEM_401 = OpenApiResponse(ProblemSerializer,
                              description="No or bad credentials (header `Authorization: Bearer TOKEN`).")
PROBLEM_404 = OpenApiResponse(ProblemSerializer, description="No such dossier, or not one you may see.")
CODE_PARAMETER = OpenApiParameter("code", str, OpenApiParameter.PATH, description="Dossier code, e.g. "
                                  "H01.TTPVHCC-260302-0001.")


class DossierListView(DossierAPIView):
    """``GET /api/v1/dossiers`` (the dossiers the client may see) and ``POST /api/v1/dossiers`` (submit)."""

    @extend_schema(
        operation_id="dossiers_list",
        tags=["dossiers"],
        summary="List dossiers",
        description=(
            "The dossiers the client may see: officers their agencies' (and child units'), supervisors their "
            "province's or ministry's (all at the Government Office), applicants their own. Ordered by legal due "
            "time (dossiers without one last), then code; follow `next` (cursor pagination). Dates are Vietnamese "
            "calendar dates, ranges inclusive. With `at_risk`, rows are checked one by one: a page may be shorter "
            "than `page_size` with a `next`. Unknown parameters and bad values are refused with 400."
        ),
        parameters=[DossierQuerySerializer],
        responses={
            200: DossierPageSerializer,
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="A parameter is unknown or invalid."),
            (401, PROBLEM_JSON): PROBLEM_401,
        },
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - set(DossierQuerySerializer().fields))
        if unknown:
            raise exceptions.ValidationError({name: ["Unknown parameter."] for name in unknown})
        params = DossierQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        now = timezone.now()
        viewer = access.viewer_for(request.user)
        queryset = _filtered(Dossier.objects.select_related("agency", "procedure", "procedure_version")
                             .defer(*_list_row_unused()).visible_to(viewer), data, now)
        context = {"now": now, "calendars": {}}
        predicate = None
        if "at_risk" in data:
            def predicate(dossier: Dossier) -> bool:
                return deadline_flags(dossier, context)["at_risk"] == data["at_risk"]

        rows, next_position = _page(queryset, data.get("cursor"), data["page_size"], predicate)
        next_url = None
        if next_position is not None:
            query = request.query_params.copy()
            query["cursor"] = encode_cursor(*next_position)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        context["unmasked"] = functools.partial(access.sees_personal_data, viewer)
        unmasked = [row for row in rows if context["unmasked"](row)]
        _log_personal_data_read(request, len(unmasked))
        if unmasked:  # applicants' data in full in a list (page_size=1 too): a bulk read, into the access log
            services.record_personal_data_read(request.user, unmasked, role=_reader_role(viewer, unmasked[0]),
                                               purpose="Danh sách hồ sơ (API): " + request.get_full_path()[:200])
        return Response({"next": next_url, "results": [represent_list_row(row, context) for row in rows]})

    @extend_schema(
        operation_id="dossiers_create",
        tags=["dossiers"],
        summary="Submit a dossier",
        description=(
            "Online, the authenticated user is the applicant; in person or by post, a desk officer of the receiving "
            "agency enters it. The dossier gets its code (`<agency>-YYMMDD-XXXX`, Decree 118/2025 Art. 28) and "
            "state `submitted` (status 1). With `Idempotency-Key`, a retry with the same body returns the same "
            "dossier (201, same body, `Idempotent-Replayed: true`); the same key with another body is refused (422)."
        ),
        request=DossierSubmitSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="A unique key per submission (at most 255 characters), e.g. a "
                                                 "UUID, to retry safely.")],
        responses={
            201: DossierSerializer,
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Invalid fields: `errors` names them."),
            (401, PROBLEM_JSON): PROBLEM_401,
            (403, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Only desk officers enter dossiers "
                                                 "in person or by post."),
            (422, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Idempotency-Key reused with "
                                                 "another body."),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        data = validate_submission(body)
        user = request.user
        role = Role.APPLICANT
        if data["channel"] != "online":
            role = Role.DESK_OFFICER
            agency = Agency.objects.filter(code=data["agency"]).values("id", "parent_id").first()
            if agency and not access.viewer_for(user).is_desk_officer_of(agency["id"], agency["parent_id"]):
                return _problem(403, "Forbidden", "Dossiers in person or by post are entered by a desk officer of "
                                "the receiving agency.")
        if data["channel"] == "online" and data["applicant"].get("kind") == "citizen":
            refused = _online_identity(user, data["applicant"])
            if refused is not None:
                return refused
        identity_level = 0
        if data["channel"] == "online" and data.get("procedure"):
            # Issue 4 point 3: a procedure whose documents registry data replaces needs VNeID level 2; the level is
            # recorded on the dossier (the service index's "verified account" flag).
            from motcua.identity.queries import submission_check

            identity_level, refusal = submission_check(request, data["procedure"])
            if refusal:
                return _problem(403, "E-identification level 2 required", refusal, rule="identity_level_required")
        kwargs = {"procedure_code": data.get("procedure"), "agency_code": data["agency"], "channel": data["channel"],
                  "applicant": dict(data["applicant"]), "form_data": data["form_data"], "actor": user,
                  "role": str(role)}
        # A linked procedure group (issue 4 point 8): "group" instead of "procedure" → a parent and its children.
        submit_one, submit_once = services.submit, services.submit_once
        if data.get("group"):
            kwargs["group_code"] = data["group"]
            del kwargs["procedure_code"]
            submit_one, submit_once = groups.submit_group, groups.submit_group_once

        def render(dossier: Dossier) -> tuple[int, dict]:
            if identity_level and not dossier.group_code:
                dossier.applicant_identity_level = identity_level
                if not dossier._state.adding:
                    # Already inserted (SQLite, or without an Idempotency-Key): stored in the same transaction with
                    # a key, right after the submission without one. On PostgreSQL with a key the response is built
                    # before the row is inserted (codes.py), and the attribute set above goes into that insert.
                    evidence.record_sources(dossier.code, identity_level=identity_level, prefill=None)
            represented = represent(dossier, {"now": timezone.now(), "calendars": {}})
            if dossier.group_code:
                represented["group"] = groups.describe(dossier)
            return 201, represented

        key = request.headers.get("Idempotency-Key")
        replayed = False
        try:
            if key is None:
                status_code, response_body = render(submit_one(**kwargs))
            else:
                key = key.strip()
                if not key or len(key) > IDEMPOTENCY_KEY_MAX:
                    return _problem(400, "Invalid request", "Idempotency-Key must have 1 to 255 characters.",
                                    errors={"Idempotency-Key": ["1 to 255 characters."]})
                outcome = submit_once(key, user, services.request_fingerprint(body), render, **kwargs)
                status_code, response_body, replayed = (outcome.record.status_code, outcome.record.response,
                                                        outcome.replayed)
        except services.InvalidSubmission as invalid:
            return _problem(400, "Invalid request", "One or more fields are invalid.",
                            errors=_problem_errors(invalid.errors))
        except services.IdempotencyKeyReused as reused:
            return _problem(422, "Idempotency-Key reused", str(reused))
        response = Response(response_body, status=status_code)
        response["ETag"] = etag(response_body["version"])
        response["Location"] = request.build_absolute_uri(f"{request.path.rstrip('/')}/{response_body['code']}")
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


def _filtered(queryset: QuerySet[Dossier], data: dict, now: datetime) -> QuerySet[Dossier]:
    if "state" in data:
        queryset = queryset.filter(state=data["state"])
    if "status" in data:
        queryset = queryset.filter(status_code=data["status"])
    if "agency" in data:
        # By id, not through the join: then the (agency, due_at, code) index gives the first page in order
        # without reading and sorting all of a busy agency's dossiers (bench/RESULTS.md, officer queue).
        agency_id = Agency.objects.filter(code=data["agency"]).values_list("id", flat=True).first()
        queryset = queryset.filter(agency_id=agency_id) if agency_id is not None else queryset.none()
    if "procedure" in data:
        queryset = queryset.filter(procedure__code=data["procedure"])
    overdue = Q(finished_at__isnull=True, due_at__lt=now)
    if "overdue" in data:
        queryset = queryset.filter(overdue) if data["overdue"] else queryset.exclude(overdue)
    if data.get("at_risk"):
        queryset = queryset.filter(finished_at__isnull=True, waiting_since__isnull=True, due_at__gte=now)
    for field, name in (("received_at", "received"), ("due_at", "due")):
        if f"{name}_from" in data:
            queryset = queryset.filter(**{f"{field}__gte": _day_start(data[f"{name}_from"])})
        if f"{name}_to" in data:
            queryset = queryset.filter(**{f"{field}__lt": _day_start(data[f"{name}_to"] + timedelta(days=1))})
    return queryset


@functools.cache
def _list_row_unused() -> tuple[str, ...]:
    """The columns a list row does not show (``represent_list_row``): the procedure version's texts (requirements,
    legal basis, forms… — kilobytes per row) and the prefill snapshot stay in the database."""
    from motcua.catalog.models import Procedure, ProcedureVersion

    version = [f"procedure_version__{f.name}" for f in ProcedureVersion._meta.concrete_fields
               if f.name not in ("id", "procedure", "name")]
    procedure = [f"procedure__{f.name}" for f in Procedure._meta.concrete_fields if f.name not in ("id", "code")]
    return ("prefill", *version, *procedure)


def _after(queryset: QuerySet[Dossier], position: tuple[datetime | None, str] | None) -> QuerySet[Dossier]:
    """Keyset: the rows after ``position`` in (due_at nulls last, code) order."""
    if position is None:
        return queryset
    due_at, code = position
    if due_at is None:
        return queryset.filter(due_at__isnull=True, code__gt=code)
    return queryset.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, code__gt=code) | Q(due_at__isnull=True))


def _page(queryset: QuerySet[Dossier], cursor, size: int, predicate=None):
    """One page and the position to continue from (``None`` on the last page)."""
    ordered = queryset.order_by(F("due_at").asc(nulls_last=True), "code")
    if predicate is None:
        rows = list(_after(ordered, cursor)[: size + 1])
        if len(rows) > size:
            return rows[:size], (rows[size - 1].due_at, rows[size - 1].code)
        return rows, None
    rows: list[Dossier] = []
    position, scanned, batch = cursor, 0, max(4 * size, 100)
    while True:
        chunk = list(_after(ordered, position)[:batch])
        for dossier in chunk:
            position = (dossier.due_at, dossier.code)
            if predicate(dossier):
                rows.append(dossier)
                if len(rows) == size:
                    return rows, position
        scanned += len(chunk)
        if len(chunk) < batch:
            return rows, None
        if scanned >= AT_RISK_SCAN_LIMIT:
            return rows, position


class DossierDetailView(DossierAPIView):
    """``GET /api/v1/dossiers/<code>``."""

    @extend_schema(
        operation_id="dossiers_retrieve",
        tags=["dossiers"],
        summary="Read a dossier",
        description=("With its process steps, documents and the actions the client may take now. The `ETag` "
                     "header is what actions need in `If-Match`; `If-None-Match` with it gives 304."),
        parameters=[CODE_PARAMETER],
        responses={
            200: DossierDetailSerializer,
            304: OpenApiResponse(description="Not modified since the ETag in If-None-Match."),
            (401, PROBLEM_JSON): PROBLEM_401,
            (404, PROBLEM_JSON): PROBLEM_404,
        },
    )
    def get(self, request: Request, code: str) -> Response:
        viewer = access.viewer_for(request.user)
        dossier = self.visible_dossier(request, code, viewer)
        tag = etag(dossier.version)
        if dossier.version in _if_match_versions(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return _detail(dossier, viewer, status.HTTP_200_OK)


_personal_data_log = logging.getLogger("motcua.personal_data")


def _reader_role(viewer: access.Viewer, dossier: Dossier) -> str:
    roles = access.acting_roles(viewer, dossier)
    return next(iter(roles), "") or "officer"


def _log_personal_data_read(request: Request, count: int) -> None:
    """Issue 12 point 15: a page of dossiers with applicants' personal data in full is a bulk read: who, how many,
    with which filters — a trace in the application log (``motcua.personal_data``)."""
    if count:
        _personal_data_log.info("personal data read: %s dossiers by %s (%s)", count, request.user.get_username(),
                                request.get_full_path(), extra={"user": request.user.get_username(), "count": count,
                                                                "path": request.get_full_path()})


def _detail(dossier: Dossier, viewer: access.Viewer, status_code: int) -> Response:
    roles = access.acting_roles(viewer, dossier)
    context = {"now": timezone.now(), "calendars": {},
               "allowed_actions": access.actions_for_roles(dossier.state, roles),
               "unmasked": lambda _dossier: bool(roles)}
    dossier = Dossier.objects.select_related("agency", "procedure", "procedure_version").prefetch_related(
        "documents__uploaded_by").get(pk=dossier.pk)
    return Response(DossierDetailSerializer(dossier, context=context).data, status=status_code,
                    headers={"ETag": etag(dossier.version)})


class DossierEventsView(DossierAPIView):
    """``GET /api/v1/dossiers/<code>/events``."""

    @extend_schema(
        operation_id="dossiers_events",
        tags=["dossiers"],
        summary="The dossier's timeline",
        description="Every event in order: submission, each action, each upload, the rating. Append-only.",
        parameters=[CODE_PARAMETER],
        responses={200: EventSerializer(many=True), (401, PROBLEM_JSON): PROBLEM_401, (404, PROBLEM_JSON): PROBLEM_404},
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = self.visible_dossier(request, code)
        events = dossier.events.select_related("actor").order_by("seq")
        return Response(EventSerializer(events, many=True).data, headers={"ETag": etag(dossier.version)})


class DossierDocumentsView(DossierAPIView):
    """``POST /api/v1/dossiers/<code>/documents`` (multipart)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dossiers_documents_create",
        tags=["dossiers"],
        summary="Upload a document",
        description=(
            "Multipart with `file`. The type is detected from the content (accepted by default: PDF, JPEG, PNG, "
            "TIFF), the size is limited (20 MiB by default), the SHA-256 is stored, the file is scanned before it is "
            "stored. The applicant uploads before receipt and to answer a supplement request; officers while the "
            "dossier is open. Appends an `upload_document` event (the state does not change) and bumps the version: "
            "`If-Match` is optional here, and checked when given."
        ),
        parameters=[CODE_PARAMETER,
                    OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False,
                                     description="The dossier's ETag, to upload only if it did not change.")],
        request={"multipart/form-data": DocumentInputSerializer},
        responses={
            201: DossierDocumentSerializer,
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="No file, an empty file, or an "
                                                 "unknown component."),
            (401, PROBLEM_JSON): PROBLEM_401,
            (403, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Read-only access."),
            (404, PROBLEM_JSON): PROBLEM_404,
            (409, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Not in this state."),
            (412, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Stale If-Match."),
            (413, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="The file is too large."),
            (415, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="The content type is not accepted."),
            (422, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Rejected by the scan."),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        viewer = access.viewer_for(request.user)
        dossier = self.visible_dossier(request, code, viewer)
        expected = None
        if "If-Match" in request.headers:
            if dossier.version not in _if_match_versions(request.headers["If-Match"]):
                return _precondition_failed(dossier)
            expected = dossier.version
        upload = DocumentInputSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        roles = access.acting_roles(viewer, dossier)
        if not roles:
            return _problem(403, "Forbidden", "Your access to this dossier is read-only.")
        role = next((r for r in roles if documents.may_upload(dossier.state, r)), None)
        if role is None:
            return _problem(409, "Conflict", f"Documents cannot be added in state '{dossier.state}'.",
                            rule="upload_not_allowed_in_state", state=dossier.state)
        try:
            document = services.add_document(code, data["file"], actor=request.user, role=role,
                                              required_document=data.get("required_document"),
                                              name=data.get("name", ""), expected_version=expected,
                                              digital_data={k: data[k] for k in upload.DIGITAL_FIELDS if k in data})
        except services.UploadRejected as rejected:
            status_code = UPLOAD_STATUS.get(rejected.rule, 422)
            errors = {"required_document": [str(rejected)]} if rejected.rule == "unknown_required_document" else (
                {"file": [str(rejected)]} if status_code == 400 else None)
            title = {400: "Invalid request", 409: "Conflict", 413: "Payload too large",
                     415: "Unsupported media type", 507: "Insufficient storage"}.get(status_code,
                                                                                     "Unprocessable content")
            return _problem(status_code, title, str(rejected), errors=errors, rule=rejected.rule, **rejected.details)
        except services.VersionConflict as conflict:
            return _precondition_failed(conflict.current)
        except services.ActorNotAllowed as refused:
            return _problem(403, "Forbidden", str(refused))
        return Response(DossierDocumentSerializer(document).data, status=status.HTTP_201_CREATED,
                        headers={"ETag": etag(document.dossier.version)})


class DossierActionView(DossierAPIView):
    """``POST /api/v1/dossiers/<code>/actions/<action>``."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="dossiers_actions_create",
        tags=["dossiers"],
        summary="Take an action",
        description=(
            "One action of the lifecycle (receive, request_supplement, submit_supplement, refuse, assign, "
            "complete_step, consult, answer_consultation, request_payment, confirm_payment, approve, issue_result, "
            "return_result, withdraw, stop, apologise), in one of the roles the client holds on the dossier (the "
            "first that may take it, or `role`). Requires `If-Match` with the dossier's ETag. Appends one event. "
            "On the parent of a linked group only `resubmit_child` (`data.member`: a member whose child ended "
            "without a result) is taken: the parent's state follows its children."
        ),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter("action", str, OpenApiParameter.PATH,
                             enum=[*(str(a) for a in Action if a != "submit"), "resubmit_child"]),
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                             description="The dossier's ETag, as read (e.g. \"3\")."),
        ],
        request=ActionInputSerializer,
        responses={
            200: DossierDetailSerializer,
            (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Malformed body."),
            (401, PROBLEM_JSON): PROBLEM_401,
            (403, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Read-only access, or a role you "
                                                 "do not hold."),
            (404, PROBLEM_JSON): PROBLEM_404,
            (409, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Not allowed in the current state: "
                                                 "`allowed_actions` lists what you may do."),
            (412, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="The dossier changed: `current` "
                                                 "gives its state, the ETag header its version."),
            (422, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="A legal rule forbids it now: "
                                                 "`rule` names it."),
            (428, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="If-Match is missing."),
        },
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        viewer = access.viewer_for(request.user)
        dossier = self.visible_dossier(request, code, viewer)
        if action == "resubmit_child" and dossier.group_code and not dossier.group_parent_code:
            return _resubmit_child(request, viewer, dossier)  # a linked group's member (issue 4 point 8)
        if action not in {str(a) for a in Action}:
            raise exceptions.NotFound(f"Unknown action {action!r}.")
        if_match = request.headers.get("If-Match")
        if if_match is None or if_match.strip() == "*":
            return _problem(428, "Precondition required", "Send If-Match with the dossier's ETag (read it first).",
                            headers={"ETag": etag(dossier.version)})
        if dossier.version not in _if_match_versions(if_match):
            return _precondition_failed(dossier)
        body = request.data if isinstance(request.data, dict) else None
        if body is None:
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        parsed = ActionInputSerializer(data=body)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        roles = access.acting_roles(viewer, dossier)
        if not roles:
            return _problem(403, "Forbidden", "Your access to this dossier is read-only.")
        if "role" in data:
            if data["role"] not in roles:
                return _problem(403, "Forbidden", f"You do not act as {data['role']} on this dossier.")
            role = data["role"]
        else:
            role = next((r for r in roles if action in allowed_actions(dossier.state, r)), None)
            if role is None:
                return _not_allowed(dossier, action, roles)
        try:
            dossier = services.act(dossier.code, action, actor=request.user, role=role,
                                   expected_version=dossier.version, reason=data["reason"], data=data["data"])
        except services.ActionDataInvalid as invalid:  # issue 12 point 5: undeclared keys, wrong types
            return _problem(400, "Invalid request", str(invalid), errors=invalid.errors)
        except services.VersionConflict as conflict:
            return _precondition_failed(conflict.current)
        except services.TransitionNotAllowed:
            return _not_allowed(dossier, action, roles)
        except rules.RuleViolation as violation:
            return _problem(422, "Unprocessable content", str(violation), rule=violation.rule,
                            **{k: str(v) for k, v in violation.details.items()})
        except services.ActorNotAllowed as refused:
            return _problem(403, "Forbidden", str(refused))
        except services.DossierNotFound:
            raise exceptions.NotFound(f"Không tìm thấy hồ sơ {code} (no such dossier).") from None
        return _detail(dossier, viewer, status.HTTP_200_OK)


def _online_identity(user, applicant: dict) -> Response | None:
    """Issue 12 point 12: online, a citizen applicant is the signed-in person — their personal ID is the verified one
    of the e-identification (``PersonLink``), never a number typed in the body. The body's number, when given, must
    be that one; when left out, it is filled in."""
    from motcua.exchange.queries import personal_id_of

    own = personal_id_of(user)
    if not own:
        return _problem(403, "E-identification required", "Nộp trực tuyến với tư cách công dân cần đăng nhập bằng "
                        "tài khoản định danh điện tử (số định danh cá nhân gắn với tài khoản).",
                        rule="identity_required")
    given = str(applicant.get("personal_id") or "").strip()
    if given and given != own:
        return _problem(403, "Forbidden", "Số định danh cá nhân khác với số của tài khoản định danh điện tử đang "
                        "đăng nhập: chỉ nộp trực tuyến cho chính mình.", rule="identity_mismatch",
                        errors={"applicant.personal_id": ["Not the signed-in person's."]})
    applicant["personal_id"] = own
    return None


def _resubmit_child(request: Request, viewer: access.Viewer, parent: Dossier) -> Response:
    """``POST /dossiers/<parent>/actions/resubmit_child`` with ``{"data": {"member": "<key>"}}``: submit again a
    member of a linked group whose child ended without a result (:func:`motcua.dossiers.groups.resubmit_child`); by
    the applicant or a desk officer of the receiving agency, with ``If-Match`` like every action."""
    if_match = request.headers.get("If-Match")
    if if_match is None or if_match.strip() == "*":
        return _problem(428, "Precondition required", "Send If-Match with the dossier's ETag (read it first).",
                        headers={"ETag": etag(parent.version)})
    if parent.version not in _if_match_versions(if_match):
        return _precondition_failed(parent)
    body = request.data if isinstance(request.data, dict) else {}
    member = (body.get("data") or {}).get("member") if isinstance(body.get("data"), dict) else None
    if not isinstance(member, str) or not member:
        return _problem(400, "Invalid request", "Name the member to submit again (data.member).",
                        errors={"data.member": ["Required."]})
    roles = access.acting_roles(viewer, parent)
    role = next((r for r in (Role.APPLICANT, Role.DESK_OFFICER) if r in roles), None)
    if role is None:
        return _problem(403, "Forbidden", "The applicant or a desk officer of the receiving agency submits again.")
    try:
        groups.resubmit_child(parent.code, member, actor=request.user, role=str(role))
    except rules.RuleViolation as violation:
        return _problem(422, "Unprocessable content", str(violation), rule=violation.rule)
    except services.InvalidSubmission as invalid:
        return _problem(400, "Invalid request", "One or more fields are invalid.",
                        errors=_problem_errors(invalid.errors))
    return _detail(Dossier.objects.get(pk=parent.pk), viewer, status.HTTP_200_OK)


def _not_allowed(dossier: Dossier, action: str, roles: list[str]) -> ProblemResponse:
    allowed = access.actions_for_roles(dossier.state, roles)
    return _problem(409, "Action not allowed",
                    f"'{action}' cannot be taken in state '{dossier.state}'. Allowed: {', '.join(allowed) or 'none'}.",
                    state=dossier.state, allowed_actions=allowed, headers={"ETag": etag(dossier.version)})

