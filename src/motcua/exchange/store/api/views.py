"""``/api/v1/me/store/``: the signed-in citizen's personal data store. Reusing an item in a dossier and replacing a
component by registry data (``<id>/reuse``, ``registry-extract``) write dossiers: they are served by
``motcua.dossiers.api.store`` at the same addresses."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.files import name_for_type
from motcua.core.problems import ProblemResponse, problem

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


def refused(error: services.StoreError) -> ProblemResponse:
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
            return refused(error)
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
            return refused(error)
        return Response(status=status.HTTP_204_NO_CONTENT)
