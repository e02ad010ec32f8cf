"""Reviews through the API: the list the user may see (the worklist's visibility), one
case as its page shows it to that user, and the case page's workflow steps."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.permissions import is_secretariat
from reviews.api.base import ServiceListView, ServiceView, checked, sent
from reviews.api.sessions import DeadlineSerializer
from reviews.enums import ReviewState
from reviews.forms.discussion import MOVE_TARGETS, MoveForm
from reviews.models import Review, ReviewEvent
from reviews.permissions import load_review, may_transition, visible_reviews
from reviews.services.outcomes import notify
from reviews.services.transitions import transition
from reviews.workflow import available_from


class ReviewSerializer(serializers.ModelSerializer[Review]):
    institution: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    institution_name = serializers.CharField(source="institution.name")
    session: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    session_name = serializers.CharField(source="session.name")

    class Meta:
        model = Review
        fields = ["id", "institution", "institution_name", "session", "session_name", "kind",
                  "state", "state_changed_at"]  # fmt: skip


class EventSerializer(serializers.ModelSerializer[ReviewEvent]):
    class Meta:
        model = ReviewEvent
        fields = ["at", "from_state", "to_state", "reason"]


class SecretariatEventSerializer(EventSerializer):
    by = serializers.CharField(source="by.username", allow_null=True, default=None)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "by"]


class CaseSerializer(ReviewSerializer):
    deadlines = DeadlineSerializer(many=True)
    history = EventSerializer(many=True, help_text=_("Who acted: only to the secretariat."))
    transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=MOVE_TARGETS),
        help_text=_("The states this user may move the case to now."),
    )

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "deadlines", "history", "transitions"]


class TransitionSerializer(serializers.Serializer[Any]):
    """Documents the request; the case page's form checks it."""

    to = serializers.ChoiceField(choices=MOVE_TARGETS)
    reason = serializers.CharField(
        required=False,
        max_length=2000,
        help_text=_("Required to withdraw or lapse a case; kept in its history."),
    )


class ReviewList(ServiceListView):
    """The reviews this user may know exist, filtered by state, session, institution, kind."""

    queryset = Review.objects.none()  # for the schema and the filters
    serializer_class = ReviewSerializer
    filterset_fields = ["state", "session", "institution", "kind"]

    def get_queryset(self) -> QuerySet[Review]:
        return (
            visible_reviews(self.request.user)
            .select_related("institution", "session")
            .order_by("session__starts_on", "institution__name", "pk")
        )


def case(user: Any, review: Review) -> dict[str, Any]:
    """The case as its page shows it to ``user``."""
    events = review.events.all()
    secretariat = is_secretariat(user)
    history = SecretariatEventSerializer if secretariat else EventSerializer
    return {
        **ReviewSerializer(review).data,
        "deadlines": DeadlineSerializer(review.deadlines.all(), many=True).data,
        "history": history(events.select_related("by") if secretariat else events, many=True).data,
        "transitions": [
            step.target
            for step in available_from(review.state)
            if step.target in MOVE_TARGETS and may_transition(user, step, review)
        ],
    }


class ReviewDetail(ServiceView):
    @extend_schema(responses=CaseSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(case(request.user, load_review(request.user, pk)))


class Transitions(ServiceView):
    """The case page's move form: the same targets, the same checks, the same service;
    notifying releases the recommendation letter and opens the challenge window."""

    @extend_schema(
        request=TransitionSerializer, responses={200: CaseSerializer, 201: CaseSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        review = load_review(request.user, pk, to_act=True)
        data = sent(request)
        target = str(data.get("to", ""))
        if target not in MOVE_TARGETS:
            raise exceptions.ValidationError(
                {"to": [_("The case cannot be moved to that state here.")]}
            )
        form = checked(MoveForm(data, target=target))
        if target == ReviewState.NOTIFIED:
            changed = review.state != ReviewState.NOTIFIED
            notify(review=review, by=request.user)  # type: ignore[arg-type]
        else:
            changed = transition(
                review,
                to=ReviewState(target),
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            ).changed
        review.refresh_from_db()
        code = status.HTTP_201_CREATED if changed else status.HTTP_200_OK
        return Response(case(request.user, review), status=code)
