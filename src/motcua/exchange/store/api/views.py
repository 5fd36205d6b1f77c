"""``/api/v1/me/store/``: the signed-in citizen's personal data store."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.problems import ProblemResponse, problem
from motcua.dossiers.documents import name_for_type

from .. import queries, services
from ..models import StoreItem

STATUS = {"empty_file": 400, "title_required": 400, "file_too_large": 413, "type_not_allowed": 415,
          "not_found": 404}


class StoreItemSerializer(serializers.ModelSerializer):
    origin_dossier = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StoreItem
        fields = ["id", "title", "kind", "source", "issuer", "origin_dossier", "filename", "content_type", "size",
                  "sha256", "added_at"]


class KeepSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    file = serializers.FileField()


def _refused(error: services.StoreError) -> ProblemResponse:
    code = STATUS.get(error.rule, 422)
    return ProblemResponse(problem(code, "Refused", str(error)) | {"rule": error.rule}, code)


class StoreListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(summary="My personal data store", responses=StoreItemSerializer(many=True), tags=["store"])
    def get(self, request: Request) -> Response:
        return Response(StoreItemSerializer(queries.items_of(request.user), many=True).data)

    @extend_schema(summary="Keep a document in my store", request={"multipart/form-data": KeepSerializer},
                   responses={201: StoreItemSerializer, 400: OpenApiResponse(description="Invalid."),
                              413: OpenApiResponse(description="Too large."),
                              415: OpenApiResponse(description="Not a PDF or image.")}, tags=["store"])
    def post(self, request: Request) -> Response:
        data = KeepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.keep_upload(request.user, data.validated_data["file"], data.validated_data["title"])
        except services.StoreError as error:
            return _refused(error)
        return Response(StoreItemSerializer(item).data, status=status.HTTP_201_CREATED)


class StoreItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Download a stored document", responses={(200, "application/octet-stream"): bytes},
                   tags=["store"])
    def get(self, request: Request, item_id: int):
        item = queries.items_of(request.user).filter(pk=item_id).first()
        if item is None:
            return ProblemResponse(problem(404, "Not found", "No such item in your store."), 404)
        response = FileResponse(item.file.open("rb"), as_attachment=True, content_type=item.content_type,
                                filename=name_for_type(item.filename or "tai-lieu", item.content_type))
        response["X-Content-Type-Options"] = "nosniff"  # issue 12 point 14
        return response

    @extend_schema(summary="Remove a document from my store", responses={204: None}, tags=["store"])
    def delete(self, request: Request, item_id: int) -> Response:
        try:
            services.remove(request.user, item_id)
        except services.StoreError as error:
            return _refused(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReuseSerializer(serializers.Serializer):
    dossier = serializers.CharField(max_length=80)
    required_document = serializers.IntegerField()


class StoreReuseView(APIView):
    """``POST /api/v1/me/store/<id>/reuse``: use the item as a document of one of my dossiers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Reuse a stored document in a dossier", request=ReuseSerializer,
                   responses={201: OpenApiResponse(description="The dossier document created."),
                              404: OpenApiResponse(description="No such item or dossier."),
                              409: OpenApiResponse(description="The dossier does not take documents now."),
                              422: OpenApiResponse(description="Not the kind of evidence asked for.")},
                   tags=["store"])
    def post(self, request: Request, item_id: int) -> Response:
        from motcua.dossiers import services as dossier_services

        data = ReuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            document = services.reuse(request.user, item_id, data.validated_data["dossier"],
                                      data.validated_data["required_document"])
        except services.StoreError as error:
            return _refused(error)
        except (dossier_services.DossierNotFound, dossier_services.ActorNotAllowed):
            return ProblemResponse(problem(404, "Not found", "No such dossier of yours."), 404)
        except dossier_services.UploadRejected as rejected:
            code = 409 if rejected.rule == "upload_not_allowed_in_state" else 400
            return ProblemResponse(problem(code, "Refused", str(rejected)) | {"rule": rejected.rule}, code)
        return Response({"id": document.pk, "dossier": document.dossier.code, "name": document.name,
                         "kind": document.kind, "from_personal_store": document.from_personal_store,
                         "reused_from_digitised": document.reused_from_digitised,
                         "provenance": document.provenance}, status=status.HTTP_201_CREATED)


class ReplaceSerializer(serializers.Serializer):
    dossier = serializers.CharField(max_length=80)
    required_document = serializers.IntegerField()


class RegistryExtractView(APIView):
    """``POST /api/v1/me/store/registry-extract``: replace a component of my dossier by registry data."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Replace a component of my dossier by registry data",
        description="For a component flagged replaceable by registry data: reads the registry that holds it about the "
                    "signed-in citizen (purpose-bound, logged) and attaches the extract with its provenance. Needs an "
                    "account e-identified at level 2. When the registry does not answer (503), upload the document "
                    "instead (POST /api/v1/dossiers/{code}/documents).",
        request=ReplaceSerializer,
        responses={201: OpenApiResponse(description="The registry extract attached."),
                   400: OpenApiResponse(description="Not replaceable, or an invalid identifier."),
                   403: OpenApiResponse(description="Not level 2, or the read was refused."),
                   404: OpenApiResponse(description="No such dossier of yours."),
                   409: OpenApiResponse(description="The dossier does not take documents now."),
                   503: OpenApiResponse(description="The registry did not answer: upload instead.")},
        tags=["store"])
    def post(self, request: Request) -> Response:
        from motcua.dossiers import services as dossier_services
        from motcua.exchange.errors import ExchangeError
        from motcua.identity.queries import level_refusal, request_level

        data = ReplaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refusal = level_refusal(2, request_level(request))
        if refusal:
            return ProblemResponse(problem(403, "E-identification level 2 required", refusal)
                                   | {"rule": "identity_level_required"}, 403)
        try:
            document = services.replace_by_registry(request.user, data.validated_data["dossier"],
                                                    data.validated_data["required_document"])
        except services.StoreError as error:
            code = 404 if error.rule == "not_found" else 400
            return ProblemResponse(problem(code, "Refused", str(error)) | {"rule": error.rule}, code)
        except ExchangeError as error:
            return ProblemResponse(problem(error.status, "Registry", str(error)) | {"rule": error.code}, error.status)
        except dossier_services.UploadRejected as rejected:
            code = 409 if rejected.rule == "upload_not_allowed_in_state" else 400
            return ProblemResponse(problem(code, "Refused", str(rejected)) | {"rule": rejected.rule}, code)
        return Response({"id": document.pk, "dossier": document.dossier.code, "name": document.name,
                         "kind": document.kind, "replaced_by_population_data": document.replaced_by_population_data,
                         "reused_from_digitised": document.reused_from_digitised,
                         "provenance": document.provenance}, status=status.HTTP_201_CREATED)
