"""The documents an API error's `type` URI points to: what each kind of error means (archive.api.problems).

Views of their own, apart from archive.api.errors: the schema class (archive.api.docs) imports the error
shapes, and a view declared beside them would import the schema class while it is being defined."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.api.errors import ErrorResponse
from archive.api.problems import PROBLEM_TYPES, describe


class ProblemTypeDoc(serializers.Serializer):
    type = serializers.URLField()
    code = serializers.CharField()
    status = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()


class ProblemTypeList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="problem_type_list",
        description="What each kind of error means (an error's `type` points to one of these).",
        responses={200: ProblemTypeDoc(many=True), 429: ErrorResponse},
    )
    def get(self, request):
        return Response([describe(request, kind) for kind in PROBLEM_TYPES.values()])


class ProblemTypeDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="problem_type_retrieve",
        description="What one kind of error means: an error's `type` points here.",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, enum=sorted(PROBLEM_TYPES))],
        responses={200: ProblemTypeDoc, 404: ErrorResponse, 429: ErrorResponse},
    )
    def get(self, request, code: str):
        kind = PROBLEM_TYPES.get(code)
        if kind is None:
            raise exceptions.NotFound(_("No kind of error has this code."))
        return Response(describe(request, kind))
