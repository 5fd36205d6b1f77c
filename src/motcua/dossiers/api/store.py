"""``/api/v1/me/store/<id>/reuse`` and ``/api/v1/me/store/registry-extract``: the citizen's personal data store used
in one of their dossiers (issue 4 points 2 and 7). They write the dossier (:mod:`motcua.dossiers.personal_store`), so
they live with the dossiers; the rest of ``/api/v1/me/store/`` is the store's (``motcua.exchange.store.api``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.problems import ProblemResponse, problem
from motcua.exchange.errors import ExchangeError
from motcua.exchange.store.api.views import refused
from motcua.exchange.store.services import StoreError
from motcua.identity.queries import level_refusal, request_level

from .. import personal_store
from .. import services as dossier_services


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
        data = ReuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            document = personal_store.reuse(request.user, item_id, data.validated_data["dossier"],
                                            data.validated_data["required_document"])
        except StoreError as error:
            return refused(error)
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
        data = ReplaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refusal = level_refusal(2, request_level(request))
        if refusal:
            return ProblemResponse(problem(403, "E-identification level 2 required", refusal)
                                   | {"rule": "identity_level_required"}, 403)
        try:
            document = personal_store.replace_by_registry(request.user, data.validated_data["dossier"],
                                                          data.validated_data["required_document"])
        except StoreError as error:
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
