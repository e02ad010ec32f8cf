"""The public data of the accreditation through the API, for anyone, without a token:
the register of institutions, each institution's status history, and the status chart
of any day. The same status layer as the pages (:mod:`accreditation.status`,
:mod:`accreditation.chart`), so the API and the pages cannot disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation.chart import ChartRow, chart_on
from accreditation.enums import Grade
from accreditation.forms import ChartDayForm
from accreditation.models import StatusRecord
from accreditation.status import Status, fold, statuses_on
from institutions.enums import InstitutionKind, RegionCode
from institutions.models import Institution
from nhri_portal import clock


class PublicView(APIView):
    """Anyone may read; nobody may write (only GET is routed)."""

    permission_classes = [AllowAny]


# -- serializers: what the public reads, field by field --


class PublicStatusSerializer(serializers.Serializer[Status]):
    grade = serializers.ChoiceField(choices=Grade.choices)
    suspended = serializers.BooleanField()
    since = serializers.DateField(
        allow_null=True, help_text=_("The day the grade (or its end) took effect.")
    )
    decided_on = serializers.DateField(allow_null=True)


class PublicInstitutionRowSerializer(serializers.Serializer[ChartRow]):
    id = serializers.IntegerField(source="institution.pk")
    name = serializers.CharField(source="institution.name")
    acronym = serializers.CharField(source="institution.acronym")
    country = serializers.CharField(source="institution.country.code")
    country_name = serializers.CharField()
    region = serializers.CharField(source="institution.region.code")
    kind = serializers.CharField(source="institution.kind", help_text=_("Empty when unknown."))
    status = PublicStatusSerializer(help_text=_("The status today."))


class PublicStatusRecordSerializer(serializers.ModelSerializer[StatusRecord]):
    class Meta:
        model = StatusRecord
        fields = ["event", "grade", "decided_on", "effective_on", "basis", "reference", "note"]


@dataclass(frozen=True)
class InstitutionFile:
    institution: Institution
    status: Status
    records: list[StatusRecord]

    @property
    def country_name(self) -> str:
        return str(self.institution.country.name)  # type: ignore[attr-defined]


class PublicInstitutionSerializer(serializers.Serializer[InstitutionFile]):
    id = serializers.IntegerField(source="institution.pk")
    name = serializers.CharField(source="institution.name")
    other_names = serializers.DictField(
        child=serializers.CharField(),
        source="institution.other_names",
        help_text=_("Names in other languages, by language code."),
    )
    acronym = serializers.CharField(source="institution.acronym")
    country = serializers.CharField(source="institution.country.code")
    country_name = serializers.CharField()
    region = serializers.CharField(source="institution.region.code")
    kind = serializers.CharField(source="institution.kind")
    established_on = serializers.DateField(source="institution.established_on", allow_null=True)
    website = serializers.CharField(source="institution.website")
    predecessor = serializers.IntegerField(source="institution.predecessor_id", allow_null=True)
    status = PublicStatusSerializer(help_text=_("The status today."))
    records = PublicStatusRecordSerializer(
        many=True, help_text=_("Every decision on its status, oldest first.")
    )


# -- the register --


class InstitutionFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(field_name="region__code", choices=RegionCode.choices)
    kind = django_filters.ChoiceFilter(choices=InstitutionKind.choices)
    country = django_filters.CharFilter(
        method="filter_country", help_text=_("The ISO 3166 code, such as FR or PR.")
    )
    grade = django_filters.ChoiceFilter(
        choices=Grade.choices, method="filter_grade", help_text=_("The grade held today.")
    )

    class Meta:
        model = Institution
        fields = ["region", "kind", "country", "grade"]

    def filter_country(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        return queryset.filter(country=value.upper())

    def filter_grade(
        self, queryset: QuerySet[Institution], name: str, value: str
    ) -> QuerySet[Institution]:
        # The grade is derived from the status records, never stored: fold them first.
        statuses = statuses_on(queryset.values_list("pk", flat=True), clock.today())
        return queryset.filter(pk__in=[pk for pk, s in statuses.items() if s.grade == value])


class InstitutionList(generics.ListAPIView[Any]):
    """The register: every institution with its status today, by country code and name."""

    permission_classes = [AllowAny]
    queryset = Institution.objects.select_related("region").order_by("country", "name", "pk")
    filterset_class = InstitutionFilter
    serializer_class = PublicInstitutionRowSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # every list is paginated
        statuses = statuses_on([institution.pk for institution in page], clock.today())
        rows = [ChartRow(institution=each, status=statuses[each.pk]) for each in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class InstitutionDetail(PublicView):
    @extend_schema(responses=PublicInstitutionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One institution with its status today and the decisions on its status."""
        institution = get_object_or_404(
            Institution.objects.select_related("region", "predecessor"), pk=pk
        )
        today = clock.today()
        records = list(institution.status_records.filter(decided_by(today)))
        file = InstitutionFile(
            institution=institution, status=fold(records, today), records=records
        )
        return Response(PublicInstitutionSerializer(file).data)


def decided_by(day: dt.date) -> Q:
    """Status records decided by ``day`` (those imported without a decision day, in
    effect by then): a record never shows before its decision."""
    return Q(decided_on__lte=day) | Q(decided_on__isnull=True, effective_on__lte=day)


# -- the status chart of a day --


class PublicCountsSerializer(serializers.Serializer[Any]):
    a = serializers.IntegerField(help_text=_("A and A(R) together, as on the chart."))
    a_reserve = serializers.IntegerField(help_text=_("Of the A count, those holding A(R)."))
    b = serializers.IntegerField()
    c = serializers.IntegerField()
    suspended = serializers.IntegerField()
    total = serializers.IntegerField()


class PublicChartRowSerializer(PublicInstitutionRowSerializer):
    column = serializers.CharField(
        help_text=_("The chart's column: A, A(R), B, C or suspended."),
    )
    status = PublicStatusSerializer(help_text=_("The status on the day asked."))


class PublicRegionChartSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(source="region.code")
    name = serializers.CharField(source="region.get_code_display")
    network = serializers.CharField(source="region.network")
    counts = PublicCountsSerializer()
    rows = PublicChartRowSerializer(many=True)


class PublicChartSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField(source="day")
    alliance = serializers.CharField(help_text=_("The accrediting alliance's name that day."))
    totals = PublicCountsSerializer()
    regions = PublicRegionChartSerializer(many=True)


class StatusChart(PublicView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description=str(_("The day, as YYYY-MM-DD; today when not given.")),
            )
        ],
        responses=PublicChartSerializer,
    )
    def get(self, request: Request) -> Response:
        """The status chart as it stood on a day: every accredited institution by region,
        with the counts by region and grade (the chart page's rows and counts)."""
        form = ChartDayForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ParseError(" ".join(str(e) for e in form.errors["as_of"]))
        day = form.cleaned_data["as_of"] or clock.today()
        return Response(PublicChartSerializer(chart_on(day)).data)
