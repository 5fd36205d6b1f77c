"""``/api/v1/exchange/``: the inbox of signed messages from peer deployments, and this deployment's public key.

No user authentication: the Ed25519 signature of a known peer is the authentication (issue 4 point 9).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api.serializers import ProblemSerializer
from motcua.core.problems import ProblemResponse, problem

from .. import keys, services

PROBLEM_JSON = "application/problem+json"

Answer = inline_serializer("ExchangeMessageAnswer", {"status": serializers.CharField(), "id": serializers.CharField()})


class MessagesView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="exchange_message_receive",
        summary="Receive a signed message from a peer deployment",
        request=inline_serializer("ExchangeMessage", {"envelope": serializers.JSONField(),
                                                      "signature": serializers.CharField()}),
        responses={200: Answer,
                   (400, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Malformed, wrong recipient "
                                                        "or unknown kind."),
                   (403, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Unknown or invalid signer."),
                   (409, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description="Cannot be processed yet: "
                                                        "retry later.")},
    )
    def post(self, request: Request) -> Response:
        try:
            status_code, body = services.receive(request.data)
        except services.Refused as refused:
            body = problem(refused.status, "Message refused", str(refused))
            body["reason"] = refused.reason
            return ProblemResponse(body, refused.status)
        return Response(body, status=status_code)


class WhoAmIView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="exchange_whoami", summary="This deployment's id and Ed25519 public key",
                   responses={200: inline_serializer("ExchangeWhoAmI", {"deployment_id": serializers.CharField(),
                                                                        "public_key": serializers.CharField()})})
    def get(self, request: Request) -> Response:
        try:
            public = keys.public_key_text()
        except keys.KeyMissing:
            public = ""
        return Response({"deployment_id": services.local_id(), "public_key": public})
