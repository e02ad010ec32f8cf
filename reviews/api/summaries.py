"""The summary of issues through the API, as its page: who may know of it reads the
issues once shared (the secretariat while drafting too); the answers to whom the page
shows them; the institution's focal points write and send them."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.permissions import is_focal_point_of, is_secretariat
from reviews.api.base import ServiceView, checked, sent
from reviews.forms.summaries import IssueAnswerForm
from reviews.models import IssueSummary, Review, SummaryIssue
from reviews.permissions import load_summary_review, may_read_answers
from reviews.services.summaries import answers_open, save_answer, send_answers


class IssueSerializer(serializers.ModelSerializer[SummaryIssue]):
    principles: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    observations: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )
    answer = serializers.CharField(
        source="answer_text",
        allow_null=True,
        help_text=_("Null to those who may not read the answers yet."),
    )

    class Meta:
        model = SummaryIssue
        fields = ["number", "facts", "concern", "principles", "observations", "answer"]


class SummarySerializer(serializers.Serializer[Any]):
    shared_at = serializers.DateTimeField(allow_null=True)
    answers_due_on = serializers.DateField(allow_null=True)
    answers_sent_at = serializers.DateTimeField(allow_null=True)
    may_answer = serializers.BooleanField(help_text=_("Whether this user may answer now."))
    issues = IssueSerializer(many=True)


class AnswerSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    text = serializers.CharField(allow_blank=True)


def summary_of(user: Any, review: Review) -> dict[str, Any]:
    summary = IssueSummary.objects.filter(review=review).first()
    shared = summary is not None and summary.shared_at is not None
    answers_sent = summary is not None and summary.answers_sent_at is not None
    issues: list[SummaryIssue] = []
    if summary is not None and (shared or is_secretariat(user)):
        issues = list(
            summary.issues.select_related("answer").prefetch_related("principles", "observations")
        )
    reads = may_read_answers(user, review, sent=answers_sent)
    for issue in issues:
        answer = getattr(issue, "answer", None)
        issue.answer_text = (answer.text if answer else "") if reads else None  # type: ignore[attr-defined]
    return SummarySerializer(
        {
            "shared_at": summary.shared_at if summary else None,
            "answers_due_on": summary.answers_due_on if shared and summary else None,
            "answers_sent_at": summary.answers_sent_at if summary else None,
            "may_answer": is_focal_point_of(user, review.institution)
            and answers_open(review, summary),
            "issues": issues,
        }
    ).data


class Summary(ServiceView):
    @extend_schema(responses=SummarySerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(summary_of(request.user, load_summary_review(request.user, pk)))


class Answer(ServiceView):
    """The institution's answer to one issue; saved until the answers are sent."""

    @extend_schema(request=AnswerSerializer, responses=SummarySerializer)
    def put(self, request: Request, pk: int, number: int) -> Response:
        review = load_summary_review(request.user, pk)
        issue = get_object_or_404(
            SummaryIssue.objects.select_related("summary__review__institution"),
            summary__review=review,
            number=number,
        )
        form = checked(IssueAnswerForm(sent(request)))
        save_answer(issue=issue, text=form.cleaned_data["text"], by=request.user)  # type: ignore[arg-type]
        return Response(summary_of(request.user, review))


class SendAnswers(ServiceView):
    @extend_schema(request=None, responses=SummarySerializer)
    def post(self, request: Request, pk: int) -> Response:
        review = load_summary_review(request.user, pk)
        send_answers(review=review, by=request.user)  # type: ignore[arg-type]
        return Response(summary_of(request.user, review))
