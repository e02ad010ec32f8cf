"""The letters awaiting release through the API, as the outbox pages: a session's draft
letters listed, and released one by one or all at once. Only the secretariat learns that
they exist (404 to everyone else)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.base import ServiceListView, ServiceView
from reviews.decision_permissions import require_outbox
from reviews.models import LETTER_KINDS, MailKind, MessageState, OutgoingMessage, Review, Session
from reviews.services.outbox import release_letter, release_session_letters

KIND = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[kind.value for kind in LETTER_KINDS],
    description=_("The kind of letter."),
)


class LetterSerializer(serializers.Serializer[Any]):
    """One letter: the same text to each of the institution's recipients."""

    review = serializers.IntegerField()
    institution = serializers.CharField()
    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in LETTER_KINDS])
    subject = serializers.CharField()
    body = serializers.CharField()
    recipients = serializers.ListField(child=serializers.EmailField())


class ReleasedSerializer(serializers.Serializer[Any]):
    released = serializers.ListField(
        child=serializers.EmailField(),
        help_text=_("The addresses a mail now goes to; empty if it had already been released."),
    )


def _letters(session: Session) -> list[dict[str, Any]]:
    rows = (
        OutgoingMessage.objects.filter(
            review__session=session, state=MessageState.DRAFT, kind__in=LETTER_KINDS
        )
        .select_related("review__institution")
        .order_by("review__institution__name", "review_id", "kind", "to", "pk")
    )
    letters = []
    for _key, group in groupby(rows, lambda row: (row.review_id, row.kind)):
        letter = list(group)
        first = letter[0]
        review = first.review
        assert review is not None  # the filter on the review's session
        letters.append(
            {
                "review": review.pk,
                "institution": review.institution.name,
                "kind": first.kind,
                "subject": first.subject,
                "body": first.body,
                "recipients": [row.to for row in letter],
            }
        )
    return letters


def _session(user: Any, pk: int) -> Session:
    require_outbox(user)
    return get_object_or_404(Session, pk=pk)


def _released(messages: list[OutgoingMessage]) -> Any:
    return ReleasedSerializer({"released": [message.to for message in messages]}).data


class SessionLetters(ServiceListView):
    """The session's letters awaiting release, by institution then kind."""

    queryset = OutgoingMessage.objects.none()  # for the schema
    serializer_class = LetterSerializer

    def get_queryset(self) -> Any:
        return _letters(_session(self.request.user, self.kwargs["pk"]))


class ReleaseSessionLetters(ServiceView):
    @extend_schema(request=None, responses=ReleasedSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Release every draft letter of the session: all of them, or none if one is
        refused. Releasing again sends nothing more."""
        session = _session(request.user, pk)
        return Response(_released(release_session_letters(session=session, by=request.user)))  # type: ignore[arg-type]


class ReleaseLetter(ServiceView):
    @extend_schema(request=None, responses=ReleasedSerializer, parameters=[KIND])
    def post(self, request: Request, pk: int, kind: str) -> Response:
        """Release one letter of the review to every recipient. Releasing the
        recommendation letter notifies the institution: its challenge window opens today.
        Releasing again sends nothing more."""
        require_outbox(request.user)
        review = get_object_or_404(Review, pk=pk)
        if kind not in LETTER_KINDS:
            raise Http404
        if not OutgoingMessage.objects.filter(review=review, kind=kind).exists():
            raise Http404  # as the page: no such letter, drafted or released
        released = release_letter(review=review, kind=MailKind(kind), by=request.user)  # type: ignore[arg-type]
        return Response(_released(released))
