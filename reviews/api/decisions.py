"""Bureau meetings and decisions through the API, as the meeting pages: the secretariat
schedules a meeting and records its decision on each referred case; the Bureau's members
read. Then the decision on a case and the institution's status on a day, as the case
page tells them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accreditation.enums import Grade
from accreditation.status import status_on
from institutions.permissions import is_secretariat
from nhri_portal import clock
from reviews.api.base import ServiceListView, ServiceView, checked, sent
from reviews.decision_permissions import load_meeting, reads_meetings
from reviews.forms.meetings import ADOPT, OTHER, DecisionForm, MeetingForm
from reviews.models import BureauMeeting, Decision, Review
from reviews.permissions import load_review, visible_reviews
from reviews.services.decisions import BUREAU_OUTCOMES, decide_at_bureau_meeting, decision_panel
from reviews.services.meetings import schedule_meeting


class MeetingSerializer(serializers.ModelSerializer[BureauMeeting]):
    decision_count = serializers.IntegerField(
        read_only=True, help_text=_("Its decisions on the cases this user may see.")
    )

    class Meta:
        model = BureauMeeting
        fields = ["id", "held_on", "reference", "place", "is_virtual", "decision_count"]


class NewMeetingSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    held_on = serializers.DateField()
    reference = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True)
    is_virtual = serializers.BooleanField(required=False)


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    meeting = serializers.CharField(source="meeting.reference", allow_null=True, default=None)

    class Meta:
        model = Decision
        fields = ["review", "outcome", "route", "decided_on", "record_number", "meeting", "item",
                  "reasons", "took_effect_on"]  # fmt: skip


class DecideSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    review = serializers.IntegerField(help_text=_("The referred case."))
    choice = serializers.ChoiceField(choices=[(ADOPT, ADOPT), (OTHER, OTHER)])
    outcome = serializers.ChoiceField(
        choices=[(each.value, each.label) for each in BUREAU_OUTCOMES], required=False
    )
    reasons = serializers.CharField(required=False, help_text=_("Required to decide otherwise."))


class CaseStatusSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    grade = serializers.ChoiceField(choices=Grade.choices)
    suspended = serializers.BooleanField()
    since = serializers.DateField(allow_null=True)
    decision = DecisionSerializer(allow_null=True)
    effective_on = serializers.DateField(
        allow_null=True, help_text=_("When the decision's status takes effect.")
    )


class Meetings(ServiceListView):
    queryset = BureauMeeting.objects.none()  # for the schema
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[BureauMeeting]:
        if not reads_meetings(self.request.user):
            raise Http404
        visible = visible_reviews(self.request.user)
        return BureauMeeting.objects.annotate(
            decision_count=Count("decisions", filter=Q(decisions__review__in=visible))
        ).order_by("-held_on", "-pk")

    @extend_schema(request=NewMeetingSerializer, responses={201: MeetingSerializer})
    def post(self, request: Request) -> Response:
        if not reads_meetings(request.user):
            raise Http404
        if not is_secretariat(request.user):
            raise exceptions.PermissionDenied
        form = checked(MeetingForm(sent(request)))
        meeting = schedule_meeting(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        meeting.decision_count = 0  # type: ignore[attr-defined]  # a new meeting decided nothing
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class Decide(ServiceView):
    """The secretariat records the meeting's decision on one referred case."""

    @extend_schema(request=DecideSerializer, responses={201: DecisionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = load_meeting(request.user, pk, to_act=True)
        data = sent(request)
        review = _referred(data.get("review"))
        form = DecisionForm(data, review_pk=review.pk, recommended=review.recommendation.outcome)
        decision = decide_at_bureau_meeting(
            review=review,
            meeting=meeting,
            by=request.user,  # type: ignore[arg-type]
            **checked(form).decision(),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


def _referred(pk: object) -> Review:
    if not isinstance(pk, int) and not (isinstance(pk, str) and pk.isdigit()):
        raise exceptions.ValidationError({"review": [_("Give the number of the referred case.")]})
    review = get_object_or_404(
        Review.objects.select_related("recommendation", "institution"), pk=int(pk)
    )
    if not hasattr(review, "recommendation"):
        raise Http404
    return review


def _day(request: Request) -> dt.date:
    given = request.query_params.get("as_of")
    if not given:
        return clock.today()
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise exceptions.ValidationError({"as_of": [_("Give the day as YYYY-MM-DD.")]}) from None


class CaseStatus(ServiceView):
    """The institution's status on a day (today by default) and the decision on the case,
    to whoever may see the case."""

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", dt.date, description=_("YYYY-MM-DD; today by default."))
        ],
        responses=CaseStatusSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        review = load_review(request.user, pk)
        day = _day(request)
        now = status_on(review.institution_id, day)
        panel = decision_panel(review)
        decision = panel.decision if panel is not None else None
        return Response(
            CaseStatusSerializer(
                {
                    "as_of": day,
                    "grade": now.grade,
                    "suspended": now.suspended,
                    "since": now.since,
                    "decision": decision,
                    "effective_on": panel.effective_on if panel is not None else None,
                }
            ).data
        )
