"""Sessions through the API, as the secretariat's pages show them: the list, one
session with its deadlines, and its agenda. Nobody else learns that they exist."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.permissions import is_secretariat
from reviews.agenda import agenda_of
from reviews.api.base import ServiceListView, ServiceView
from reviews.models import Review, Session


class DeadlineSerializer(serializers.Serializer[Any]):
    rule_key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    due_on = serializers.DateField()
    anchor_label = serializers.CharField()
    anchor_on = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.source


class SessionSerializer(serializers.ModelSerializer[Session]):
    review_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "number", "name", "starts_on", "ends_on", "place", "is_virtual",
                  "dates_confirmed", "report_published_on", "review_count"]  # fmt: skip


class SessionDetailSerializer(SessionSerializer):
    deadlines = DeadlineSerializer(many=True, source="deadlines.all")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "deadlines"]


class AgendaItemSerializer(serializers.ModelSerializer[Review]):
    institution = serializers.CharField(source="institution.name")
    region = serializers.CharField(source="institution.region.code")

    class Meta:
        model = Review
        fields = ["id", "institution", "region", "kind", "state", "agenda_position"]


def sessions_for(user: Any) -> QuerySet[Session]:
    if not is_secretariat(user):
        raise Http404  # as the pages: nobody else may learn that they exist
    return Session.objects.annotate(review_count=Count("reviews"))


class SessionList(ServiceListView):
    queryset = Session.objects.none()  # for the schema
    serializer_class = SessionSerializer

    def get_queryset(self) -> QuerySet[Session]:
        return sessions_for(self.request.user).order_by("-starts_on", "-pk")


class SessionDetail(ServiceView):
    @extend_schema(responses=SessionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(sessions_for(request.user), pk=pk)
        return Response(SessionDetailSerializer(session).data)


class Agenda(ServiceListView):
    """The session's cases in the order the secretariat set."""

    queryset = Review.objects.none()  # for the schema
    serializer_class = AgendaItemSerializer

    def get_queryset(self) -> QuerySet[Review]:
        session = get_object_or_404(sessions_for(self.request.user), pk=self.kwargs["pk"])
        return agenda_of(session)
