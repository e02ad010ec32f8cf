"""The published session reports through the API, for anyone, without a token: the
sessions whose report is published, and each report's sections and recommendation
paragraphs as the public report page shows them (``public_reviews``, ``assemble``)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.decision_permissions import public_reviews, published_sessions
from reviews.enums import Outcome, ParagraphKind, ReviewKind
from reviews.models import RecommendationParagraph, Session
from reviews.report import Report, Section, assemble


class PublishedSessionSerializer(serializers.ModelSerializer[Session]):
    class Meta:
        model = Session
        fields = [
            "id",
            "number",
            "name",
            "starts_on",
            "ends_on",
            "place",
            "is_virtual",
            "report_published_on",
        ]


class PublishedParagraphSerializer(serializers.ModelSerializer[RecommendationParagraph]):
    kind = serializers.ChoiceField(choices=ParagraphKind.choices)
    principles: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text=_("Paris Principles cited.")
    )
    general_observations: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="observations",
        slug_field="number",
        many=True,
        read_only=True,
        help_text=_("General Observations cited."),
    )

    class Meta:
        model = RecommendationParagraph
        fields = [
            "id",
            "number",
            "kind",
            "text",
            "notes",
            "standard",
            "verb",
            "request",
            "principles",
            "general_observations",
        ]


class PublishedInstitutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    country = serializers.CharField(source="country.code")
    region = serializers.CharField(source="region.code")


class PublishedSectionSerializer(serializers.Serializer[Section]):
    number = serializers.CharField(help_text=_("The section's number in the report, as 1.2."))
    kind = serializers.ChoiceField(source="review.kind", choices=ReviewKind.choices)
    institution = PublishedInstitutionSerializer(source="review.institution")
    outcome = serializers.ChoiceField(source="recommendation.outcome", choices=Outcome.choices)
    outcome_label = serializers.CharField()
    outcome_text = serializers.CharField(help_text=_("The recommendation in the report's words."))
    takes_effect_in_a_year = serializers.BooleanField()
    paragraphs = PublishedParagraphSerializer(source="recommendation.paragraphs.all", many=True)


class PublishedReportSerializer(serializers.Serializer[Any]):
    session = PublishedSessionSerializer()
    sections = PublishedSectionSerializer(many=True, help_text=_("In the report's order."))


def report_data(report: Report) -> dict[str, Any]:
    sections = [section for group in report.groups for section in group.sections]
    return {"session": report.session, "sections": sections}


class PublishedReportList(generics.ListAPIView[Session]):
    """The sessions whose report is published, newest first."""

    permission_classes = [AllowAny]
    serializer_class = PublishedSessionSerializer

    def get_queryset(self) -> Any:
        return published_sessions().order_by("-starts_on", "-pk")


class PublishedReport(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PublishedReportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """A published report: its sections in the report's order, each with the
        recommendation and its paragraphs. A session not yet published is not found."""
        session = get_object_or_404(published_sessions(), pk=pk)
        report = assemble(session, public_reviews(session))
        return Response(PublishedReportSerializer(report_data(report)).data)
