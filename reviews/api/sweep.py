"""The deadline sweep for a day, run by the secretariat through the API: the same code as
``manage.py process_deadlines --as-of``; the answer says what it did."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.permissions import is_secretariat
from reviews.api.base import ServiceView
from reviews.services.sweep import process_deadlines


class SweepRequestSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField(
        required=False, help_text=_("Replay the sweep as of this day; today by default.")
    )


class SweepReportSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    actions = serializers.ListField(child=serializers.CharField())
    conflicts = serializers.ListField(child=serializers.CharField())


class Sweep(ServiceView):
    @extend_schema(request=SweepRequestSerializer, responses=SweepReportSerializer)
    def post(self, request: Request) -> Response:
        if not is_secretariat(request.user):
            raise Http404  # as the secretariat's pages: nobody else learns it exists
        given = SweepRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        report = process_deadlines(as_of=given.validated_data.get("as_of"))
        return Response(SweepReportSerializer(report).data)
