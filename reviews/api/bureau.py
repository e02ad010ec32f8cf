"""The Bureau's e-procedure through the API, as its pages: the cases before the Bureau,
one case with the member's vote (the secretariat: the live tally), and the vote itself,
changeable until the window closes, never on the member's own institution's case."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accreditation.rulebook import RuleKey
from institutions.permissions import is_secretariat
from nhri_portal import clock
from reviews.api.base import ServiceListView, ServiceView, checked, sent
from reviews.api.reviews import ReviewSerializer
from reviews.decision_permissions import follows_bureau, load_bureau_review, voting_seat
from reviews.enums import ReviewState, Vote
from reviews.forms.bureau import VoteForm
from reviews.models import BureauVote, Challenge, Review, ReviewDeadline
from reviews.permissions import visible_reviews
from reviews.services.bureau import (
    VOTING_STATES,
    Thresholds,
    bureau_window,
    cast_vote,
    standing,
    voting_seats,
)

OPEN_TO_SECRETARIAT = (ReviewState.BUREAU, ReviewState.REFERRED)


class QueuedSerializer(ReviewSerializer):
    challenged = serializers.BooleanField()
    window_closes_on = serializers.DateField(allow_null=True)
    my_vote = serializers.ChoiceField(
        choices=Vote.choices, allow_null=True, help_text=_("A Bureau member's own vote.")
    )

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "challenged", "window_closes_on", "my_vote"]


class OwnVoteSerializer(serializers.ModelSerializer[BureauVote]):
    class Meta:
        model = BureauVote
        fields = ["vote", "reasons", "cast_on"]


class TallySerializer(serializers.Serializer[Any]):
    objectors = serializers.IntegerField()
    regions = serializers.ListField(child=serializers.CharField())
    approvals = serializers.IntegerField()
    not_voted = serializers.IntegerField()
    min_objectors = serializers.IntegerField()
    min_regions = serializers.IntegerField()
    refers = serializers.BooleanField()


class BureauCaseSerializer(serializers.Serializer[Any]):
    review = ReviewSerializer()
    outcome = serializers.CharField(help_text=_("The SCA's recommendation."))
    window_opens_on = serializers.DateField()
    window_closes_on = serializers.DateField()
    may_vote = serializers.BooleanField()
    vote = OwnVoteSerializer(allow_null=True)
    tally = TallySerializer(allow_null=True, help_text=_("Only to the secretariat."))


class VoteSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    vote = serializers.ChoiceField(choices=Vote.choices)
    reasons = serializers.CharField(required=False, help_text=_("Required to object."))


class Queue(ServiceListView):
    """A member's cases before the Bureau with their own vote; to the secretariat, every
    case before the Bureau or referred."""

    queryset = Review.objects.none()  # for the schema
    serializer_class = QueuedSerializer

    def get_queryset(self) -> QuerySet[Review]:
        user = self.request.user
        if not follows_bureau(user):
            raise Http404
        closes = ReviewDeadline.objects.filter(
            review=OuterRef("pk"), rule_key=RuleKey.BUREAU_WINDOW
        )
        mine = BureauVote.objects.filter(
            recommendation__review=OuterRef("pk"), seat__people=user.pk
        )
        if is_secretariat(user):
            reviews = Review.objects.filter(state__in=OPEN_TO_SECRETARIAT)
        else:
            reviews = visible_reviews(user).filter(state=ReviewState.BUREAU)
        return (
            reviews.select_related("institution", "session")
            .annotate(
                challenged=Exists(Challenge.objects.filter(review=OuterRef("pk"))),
                window_closes_on=Subquery(closes.values("due_on")[:1]),
                my_vote=Subquery(mine.values("vote")[:1]),
            )
            .order_by("session__starts_on", "institution__name", "pk")
        )


def _case(user: Any, review: Review) -> dict[str, Any]:
    today = clock.today()
    opens, closes = bureau_window(review)
    recommendation = review.recommendation
    own = (
        BureauVote.objects.filter(recommendation=recommendation, seat__people=user.pk)
        .exclude(seat__institution_id=review.institution_id)
        .first()
    )
    in_window = review.state in VOTING_STATES and opens.due_on <= today <= closes.due_on
    tally = None
    if is_secretariat(user):
        votes = list(recommendation.votes.select_related("seat__region", "seat__institution"))
        seats = voting_seats(min(today, closes.due_on))
        now = standing(review, votes, seats, Thresholds.current())
        tally = {
            "objectors": now.tally.objectors,
            "regions": sorted(now.tally.regions),
            "approvals": now.tally.approvals,
            "not_voted": now.not_voted,
            "min_objectors": now.tally.min_objectors,
            "min_regions": now.tally.min_regions,
            "refers": now.tally.refers,
        }
    return BureauCaseSerializer(
        {
            "review": review,
            "outcome": recommendation.outcome,
            "window_opens_on": opens.due_on,
            "window_closes_on": closes.due_on,
            "may_vote": in_window and voting_seat(user, review, today) is not None,
            "vote": own,
            "tally": tally,
        }
    ).data


class BureauCase(ServiceView):
    @extend_schema(responses=BureauCaseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_case(request.user, load_bureau_review(request.user, pk)))


class CastVote(ServiceView):
    @extend_schema(request=VoteSerializer, responses=BureauCaseSerializer)
    def post(self, request: Request, pk: int) -> Response:
        review = load_bureau_review(request.user, pk)
        seat = voting_seat(request.user, review, clock.today())
        if seat is None:
            # The secretariat, or a member without a seat today: they read, never vote.
            raise PermissionDenied
        form = checked(VoteForm(sent(request)))
        cast_vote(review=review, seat=seat, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return Response(_case(request.user, review))
