"""A session's SCA seats and its report through the API, as the session and report
pages: the seats sitting, seated and unseated, and the report published. Only the
secretariat learns that these exist (404 to everyone else)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.enums import SeatRole
from institutions.models import Seat
from institutions.permissions import is_secretariat
from nhri_portal.errors import DomainError
from reviews.api.base import ServiceListView, ServiceView, checked, sent
from reviews.forms.sessions import SeatForm
from reviews.models import Session
from reviews.services.publication import publish_report
from reviews.services.sessions import seat_in_session, unseat_from_session
from reviews.views.sessions import seatable


class SeatSerializer(serializers.ModelSerializer[Seat]):
    institution = serializers.CharField(source="institution.name")
    region = serializers.CharField(source="region.code")
    role = serializers.ChoiceField(choices=SeatRole.choices)

    class Meta:
        model = Seat
        fields = ["id", "institution", "region", "role", "starts_on", "ends_on"]


class SeatRequestSerializer(serializers.Serializer[Any]):
    """Documents the request; the session page's form checks it."""

    seat = serializers.IntegerField(
        help_text=_("An SCA seat whose term covers the session's first day, not sitting yet.")
    )


class ReportSerializer(serializers.ModelSerializer[Session]):
    class Meta:
        model = Session
        fields = ["id", "report_final_on", "report_published_on"]


def _session(user: Any, pk: int) -> Session:
    if not is_secretariat(user):
        raise Http404  # as the pages: nobody else may learn that they exist
    return get_object_or_404(Session, pk=pk)


class Seats(ServiceListView):
    """The SCA seats sitting in the session, by region, members before alternates."""

    queryset = Seat.objects.none()  # for the schema
    serializer_class = SeatSerializer

    def get_queryset(self) -> QuerySet[Seat]:
        session = _session(self.request.user, self.kwargs["pk"])
        alternate_last = Case(When(role=SeatRole.ALTERNATE, then=1), default=0)
        return session.seats.select_related("institution", "region").order_by(
            "region__code", alternate_last, "institution__name", "pk"
        )

    @extend_schema(request=SeatRequestSerializer, responses={201: SeatSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Seat an SCA seat for the session; its people may then read the session's
        cases, except their own."""
        session = _session(request.user, pk)
        form = checked(SeatForm(sent(request), seats=seatable(session)))
        chosen = form.cleaned_data["seat"]
        try:
            seat_in_session(session=session, seat=chosen, by=request.user)  # type: ignore[arg-type]
        except DomainError as error:  # as the page: the refusal is about the seat chosen
            raise exceptions.ValidationError({"seat": [str(error)]}) from error
        return Response(SeatSerializer(chosen).data, status=status.HTTP_201_CREATED)


class SeatDetail(ServiceView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, seat_pk: int) -> Response:
        """Take the seat out of the session, before the session starts."""
        session = _session(request.user, pk)
        chosen = get_object_or_404(session.seats.all(), pk=seat_pk)
        unseat_from_session(session=session, seat=chosen, by=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublishReport(ServiceView):
    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Publish the session's report once every case is final; publishing it again
        changes nothing."""
        session = publish_report(session=_session(request.user, pk), by=request.user)  # type: ignore[arg-type]
        return Response(ReportSerializer(session).data)
