"""The challenge of a recommendation through the API: read it, lodge it. The same
permission loader as the page (404 to those who may not know the review) and the same
service (its refusal is the 400's message)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nhri_portal.errors import DomainError, status_of
from reviews.api.serializers import LodgeSerializer, StandingSerializer
from reviews.decision_permissions import load_challenge_review
from reviews.services.challenges import lodge_challenge, standing


class ChallengeView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=StandingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        review = load_challenge_review(request.user, pk)
        return Response(StandingSerializer(standing(review)).data)

    @extend_schema(request=LodgeSerializer, responses={201: StandingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        review = load_challenge_review(request.user, pk)
        given = LodgeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            lodge_challenge(
                review=review,
                reasons=given.validated_data["reasons"],
                files=given.validated_data.get("documents", []),
                by=request.user,  # type: ignore[arg-type]  # IsAuthenticated
            )
        except DomainError as error:
            return _refused(error)
        return Response(StandingSerializer(standing(review)).data, status=status.HTTP_201_CREATED)


def _refused(error: DomainError) -> Response:
    return Response({"detail": str(error)}, status=status_of(error))
