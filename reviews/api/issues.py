"""The secretariat's side of the summary of issues through the API, as its page: the
issues listed to whom the page shows them, added, rewritten and removed while the
summary is a draft, and the summary shared with the institution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.permissions import is_secretariat
from reviews.api.base import ServiceListView, ServiceView, checked, sent
from reviews.api.summaries import SummarySerializer, summary_of
from reviews.forms.summaries import IssueForm, ShareSummaryForm
from reviews.models import Review, SummaryIssue
from reviews.permissions import load_summary_review
from reviews.services.summaries import (
    add_issue,
    default_answers_due,
    remove_issue,
    share_summary,
    update_issue,
)


class DraftIssueSerializer(serializers.ModelSerializer[SummaryIssue]):
    principles: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    observations: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )

    class Meta:
        model = SummaryIssue
        fields = ["id", "number", "facts", "concern", "principles", "observations"]


class IssueRequestSerializer(serializers.Serializer[Any]):
    """Documents the request; the summary page's form checks it."""

    facts = serializers.CharField()
    concern = serializers.CharField()
    principles = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Paris Principles, as B.3.")
    )
    observations = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("General Observations, as 2.1.")
    )


class ShareRequestSerializer(serializers.Serializer[Any]):
    answers_due_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Leave it out for the usual date.")
    )


def _issues(review: Review) -> QuerySet[SummaryIssue]:
    return SummaryIssue.objects.filter(summary__review=review).prefetch_related(
        "principles", "observations"
    )


def _issue_to_draft(user: Any, review: Review, issue_pk: int) -> SummaryIssue:
    """As the page: to all but the secretariat an issue of a summary not yet shared does
    not exist (404); one shared may be read but not changed (403)."""
    issue = get_object_or_404(
        SummaryIssue.objects.select_related("summary__review"), summary__review=review, pk=issue_pk
    )
    if not is_secretariat(user):
        if issue.summary.shared_at is None:
            raise Http404
        raise PermissionDenied
    return issue


def _one(issue_pk: int) -> Any:
    issue = SummaryIssue.objects.prefetch_related("principles", "observations").get(pk=issue_pk)
    return DraftIssueSerializer(issue).data


class Issues(ServiceListView):
    """The issues in their order, with the ids that edit and remove them: to the
    secretariat while drafting, to the others who find the summary once it is shared."""

    queryset = SummaryIssue.objects.none()  # for the schema
    serializer_class = DraftIssueSerializer

    def get_queryset(self) -> QuerySet[SummaryIssue]:
        review = load_summary_review(self.request.user, self.kwargs["pk"])
        issues = _issues(review).order_by("number")
        if is_secretariat(self.request.user):
            return issues
        return issues.filter(summary__shared_at__isnull=False)

    @extend_schema(request=IssueRequestSerializer, responses={201: DraftIssueSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Add an issue at the end of the draft summary."""
        review = load_summary_review(request.user, pk)
        form = checked(IssueForm(sent(request)))
        issue = add_issue(review=review, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return Response(_one(issue.pk), status=status.HTTP_201_CREATED)


class IssueDetail(ServiceView):
    """One issue of the draft, by its id: its number moves when one before it goes, and
    a retried removal must not remove the next issue."""

    @extend_schema(request=IssueRequestSerializer, responses=DraftIssueSerializer)
    def put(self, request: Request, pk: int, issue_pk: int) -> Response:
        review = load_summary_review(request.user, pk)
        issue = _issue_to_draft(request.user, review, issue_pk)
        form = checked(IssueForm(sent(request)))
        update_issue(issue=issue, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return Response(_one(issue.pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, issue_pk: int) -> Response:
        """Remove the issue; those after it move up one."""
        review = load_summary_review(request.user, pk)
        remove_issue(issue=_issue_to_draft(request.user, review, issue_pk), by=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class Share(ServiceView):
    @extend_schema(request=ShareRequestSerializer, responses=SummarySerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Share the summary with the institution, whose answers are due on the date
        given (by default the rulebook's date before the session)."""
        review = load_summary_review(request.user, pk)
        data = {k: ("" if v is None else v) for k, v in sent(request).items()}
        usual = default_answers_due(review).explain()
        form = checked(ShareSummaryForm(data, default=usual))
        share_summary(
            review=review,
            by=request.user,  # type: ignore[arg-type]
            answers_due_on=form.cleaned_data["answers_due_on"],
        )
        return Response(summary_of(request.user, review))
