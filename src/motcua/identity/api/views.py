"""``GET /api/v1/me/identity``: how the signed-in account is e-identified."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import IdentityAccount
from ..queries import request_level


class MyIdentityView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in account's e-identification",
        description="The provider and level (1 or 2; 0 when never e-identified) the account was last identified at, "
                    "and the level this request acts with.",
        responses=inline_serializer("MyIdentity", {
            "provider": serializers.CharField(), "level": serializers.IntegerField(),
            "request_level": serializers.IntegerField(), "personal_id": serializers.CharField(),
            "verified_at": serializers.DateTimeField(allow_null=True)}),
    )
    def get(self, request: Request) -> Response:
        account = IdentityAccount.objects.filter(user=request.user).first()
        return Response({
            "provider": account.provider if account else "",
            "level": account.level if account else 0,
            "request_level": request_level(request),
            "personal_id": account.personal_id if account else "",
            "verified_at": account.verified_at if account else None,
        })
