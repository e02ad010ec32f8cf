"""The recommendation draft through the API, as the draft page: the secretariat and the
SCA members sitting on the case read and write it; the chair or the secretariat adopts
a session's recommendations."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.base import ServiceView, checked, sent
from reviews.enums import ActionVerb, Outcome, ParagraphKind
from reviews.forms.drafts import AdoptForm, OutcomeForm, ParagraphForm
from reviews.models import DraftParagraph, RecommendationDraft, Review, Session
from reviews.permissions import load_review, may_adopt, may_open_draft
from reviews.services import adoption
from reviews.services import drafts as service


class ParagraphSerializer(serializers.ModelSerializer[DraftParagraph]):
    principles: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    observations: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )

    class Meta:
        model = DraftParagraph
        fields = ["id", "number", "kind", "notes", "standard", "verb", "request", "principles",
                  "observations"]  # fmt: skip


class DraftSerializer(serializers.ModelSerializer[RecommendationDraft]):
    updated_at = serializers.DateTimeField(allow_null=True, help_text=_("Null: nothing drafted."))
    paragraphs = serializers.SerializerMethodField()

    class Meta:
        model = RecommendationDraft
        fields = ["outcome", "follow_up_session", "summary", "updated_at", "adopted_at",
                  "paragraphs"]  # fmt: skip

    @extend_schema(responses=ParagraphSerializer(many=True))
    def get_paragraphs(self, draft: RecommendationDraft) -> Any:
        rows = draft.paragraphs.order_by("number").prefetch_related("principles", "observations")
        return ParagraphSerializer(rows, many=True).data


class OutcomeSerializer(serializers.Serializer[Any]):
    """Documents the request; the draft page's form checks it."""

    outcome = serializers.ChoiceField(choices=[("", ""), *Outcome.choices], required=False)
    follow_up_session = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Only for a deferral or a special review.")
    )
    summary = serializers.CharField(required=False, allow_blank=True)


class NewParagraphSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ParagraphKind.choices)
    notes = serializers.CharField(required=False, allow_blank=True)
    standard = serializers.CharField(required=False, allow_blank=True)
    verb = serializers.ChoiceField(choices=[("", ""), *ActionVerb.choices], required=False)
    request = serializers.CharField(required=False, allow_blank=True)
    principles = serializers.ListField(child=serializers.CharField(), required=False)
    observations = serializers.ListField(child=serializers.CharField(), required=False)


class AdoptSerializer(serializers.Serializer[Any]):
    confirm = serializers.BooleanField(help_text=_("The SCA agreed these recommendations."))


class AdoptedSerializer(serializers.Serializer[Any]):
    adopted = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("The reviews that moved on.")
    )


def _load(user: Any, pk: int) -> Review:
    """As the draft page: 404 to all but the secretariat and the SCA sitting on the case."""
    review = load_review(user, pk)
    if not may_open_draft(user, review):
        raise Http404
    return review


def _draft(review: Review) -> Any:
    draft = RecommendationDraft.objects.filter(review=review).first()
    if draft is None:  # nothing drafted yet: the page's empty form
        return {"outcome": "", "follow_up_session": None, "summary": "", "updated_at": None,
                "adopted_at": None, "paragraphs": []}  # fmt: skip
    return DraftSerializer(draft).data


class Draft(ServiceView):
    @extend_schema(responses=DraftSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_draft(_load(request.user, pk)))

    @extend_schema(request=OutcomeSerializer, responses=DraftSerializer)
    def put(self, request: Request, pk: int) -> Response:
        review = _load(request.user, pk)
        form = checked(OutcomeForm(sent(request), review=review))
        service.save_draft(review=review, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return Response(_draft(review))


class Paragraphs(ServiceView):
    @extend_schema(request=NewParagraphSerializer, responses={201: DraftSerializer})
    def post(self, request: Request, pk: int) -> Response:
        review = _load(request.user, pk)
        form = checked(ParagraphForm(sent(request)))
        service.add_paragraph(review=review, content=form.content(), by=request.user)  # type: ignore[arg-type]
        return Response(_draft(review), status=status.HTTP_201_CREATED)


class ParagraphDetail(ServiceView):
    """One paragraph of the draft: rewritten or removed, as on the draft page."""

    @extend_schema(request=NewParagraphSerializer, responses=DraftSerializer)
    def put(self, request: Request, pk: int, paragraph_pk: int) -> Response:
        review = _load(request.user, pk)
        paragraph = _paragraph_of(review, paragraph_pk)
        form = checked(ParagraphForm(sent(request)))
        service.update_paragraph(paragraph=paragraph, content=form.content(), by=request.user)  # type: ignore[arg-type]
        return Response(_draft(review))

    @extend_schema(responses=DraftSerializer)
    def delete(self, request: Request, pk: int, paragraph_pk: int) -> Response:
        review = _load(request.user, pk)
        service.remove_paragraph(paragraph=_paragraph_of(review, paragraph_pk), by=request.user)  # type: ignore[arg-type]
        return Response(_draft(review))


def _paragraph_of(review: Review, paragraph_pk: int) -> DraftParagraph:
    return get_object_or_404(
        DraftParagraph.objects.select_related("draft__review"),
        pk=paragraph_pk,
        draft__review=review,
    )


class Adopt(ServiceView):
    """The adoption page: the chair or the secretariat adopts the session's drafts."""

    @extend_schema(request=AdoptSerializer, responses=AdoptedSerializer)
    def post(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(Session, pk=pk)
        if not may_adopt(request.user, session):
            raise Http404
        checked(AdoptForm(sent(request)))
        results = adoption.adopt_session(session=session, by=request.user)  # type: ignore[arg-type]
        return Response({"adopted": [result.recommendation.review_id for result in results]})
