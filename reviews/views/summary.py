"""The summary of issues of one review: the secretariat drafts and shares it, the
institution answers it (reviews/views/answers.py), the SCA and observers read it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, status_of
from reviews.forms.summaries import (
    AttachmentForm,
    IssueAnswerForm,
    IssueForm,
    ShareSummaryForm,
)
from reviews.models import IssueSummary, Review, SummaryIssue
from reviews.permissions import load_summary_review, may_read_answers
from reviews.services.summaries import (
    add_issue,
    answers_open,
    day,
    default_answers_due,
    may_draft,
    remove_issue,
    share_summary,
    update_issue,
)
from reviews.views.signed_in import SignedInRequest


def answer_ids(issue: SummaryIssue) -> str:
    """Each issue's answer form needs ids of its own on the same page."""
    return f"answer-{issue.number}-%s"


def file_ids(issue: SummaryIssue) -> str:
    return f"file-{issue.number}-%s"


def issues_of(summary: IssueSummary | None) -> list[SummaryIssue]:
    if summary is None:
        return []
    return list(
        summary.issues.select_related("answer__updated_by").prefetch_related(
            "principles", "observations", "answer__attachments"
        )
    )


def page(
    request: SignedInRequest,
    review: Review,
    *,
    failed: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page as ``request.user`` may see it; ``failed`` puts back a refused form
    (keyed "add", "share", "send", or "answer-<number>" / "file-<number>")."""
    failed = failed or {}
    user = request.user
    summary = IssueSummary.objects.filter(review=review).select_related("shared_by").first()
    drafting = is_secretariat(user)
    answering = is_focal_point_of(user, review.institution)
    shared = summary is not None and summary.shared_at is not None
    sent = summary is not None and summary.answers_sent_at is not None
    issues = issues_of(summary) if shared or drafting else []
    can_answer = answering and answers_open(review, summary)

    def answer_form(issue: SummaryIssue) -> forms.Form:
        answer = getattr(issue, "answer", None)
        initial = {"text": answer.text if answer else ""}
        return failed.get(f"answer-{issue.number}") or IssueAnswerForm(
            initial=initial, auto_id=answer_ids(issue)
        )

    def file_form(issue: SummaryIssue) -> forms.Form:
        return failed.get(f"file-{issue.number}") or AttachmentForm(auto_id=file_ids(issue))

    context: dict[str, Any] = {
        "review": review,
        "summary": summary,
        "shared": shared,
        "sent": sent,
        "drafting": drafting and may_draft(review, summary),
        "answering": answering,
        "can_answer": can_answer,
        "reads_answers": may_read_answers(user, review, sent=sent),
        "issues": [
            (issue, answer_form(issue), file_form(issue)) if can_answer else (issue, None, None)
            for issue in issues
        ],
        "failed": list(failed.values()),
        "today": clock.today(),
    }
    if context["drafting"]:
        context["add_form"] = failed.get("add") or IssueForm(auto_id="add-%s")
        context["share_form"] = failed.get("share") or _share_form(review)
    return render(request, "reviews/summary/page.html", context, status=status)


def _share_form(review: Review, data: Any = None) -> ShareSummaryForm:
    usual = default_answers_due(review)
    return ShareSummaryForm(data, default=usual.explain(), auto_id="share-%s")


@login_required
@require_safe
def summary(request: SignedInRequest, pk: int) -> HttpResponse:
    return page(request, load_summary_review(request.user, pk))


@login_required
@require_POST
def add(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    form = IssueForm(request.POST, auto_id="add-%s")
    if not form.is_valid():
        return page(request, review, failed={"add": form}, status=400)
    try:
        issue = add_issue(review=review, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={"add": form}, status=status_of(error))
    messages.success(request, _("Issue %(number)s was added.") % {"number": issue.number})
    return redirect("reviews:summary", review.pk)


def _issue_to_draft(request: SignedInRequest, review: Review, number: int) -> SummaryIssue:
    """An issue the secretariat works on. Others read issues on the summary page: to
    them an issue of a summary not yet shared does not exist (404); one shared may be
    read but not changed (403)."""
    issue = get_object_or_404(
        SummaryIssue.objects.select_related("summary__review"),
        summary__review=review,
        number=number,
    )
    if not is_secretariat(request.user):
        if issue.summary.shared_at is None:
            raise Http404
        raise PermissionDenied
    return issue


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    issue = _issue_to_draft(request, review, number)
    if request.method != "POST":
        initial = {
            "facts": issue.facts,
            "concern": issue.concern,
            "principles": [p.key for p in issue.principles.all()],
            "observations": [o.number for o in issue.observations.all()],
        }
        return _edit_page(request, review, issue, IssueForm(initial=initial))
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, review, issue, form, status=400)
    try:
        update_issue(issue=issue, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return _edit_page(request, review, issue, form, status=status_of(error))
    messages.success(request, _("Issue %(number)s was saved.") % {"number": issue.number})
    return redirect("reviews:summary", review.pk)


def _edit_page(
    request: SignedInRequest,
    review: Review,
    issue: SummaryIssue,
    form: IssueForm,
    *,
    status: int = 200,
) -> HttpResponse:
    editable = may_draft(review, issue.summary)
    context = {"review": review, "issue": issue, "form": form, "editable": editable}
    return render(request, "reviews/summary/edit.html", context, status=status)


@login_required
@require_POST
def remove(request: SignedInRequest, pk: int, issue_pk: int) -> HttpResponse:
    """By the issue's key, not its number: after a removal the numbers move up, and a
    double click must not remove the next issue too."""
    review = load_summary_review(request.user, pk)
    found = SummaryIssue.objects.filter(summary__review=review, pk=issue_pk).first()
    if found is None:  # already removed
        return redirect("reviews:summary", review.pk)
    issue = _issue_to_draft(request, review, found.number)
    number = issue.number
    try:
        remove_issue(issue=issue, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return page(request, review, status=status_of(error))
    messages.success(
        request,
        _("Issue %(number)s was removed; the issues after it moved up.") % {"number": number},
    )
    return redirect("reviews:summary", review.pk)


@login_required
@require_POST
def share(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    form = _share_form(review, request.POST)
    if not form.is_valid():
        return page(request, review, failed={"share": form}, status=400)
    try:
        summary = share_summary(
            review=review, by=request.user, answers_due_on=form.cleaned_data["answers_due_on"]
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={"share": form}, status=status_of(error))
    messages.success(
        request,
        _("The summary was shared with the institution; its answers are due on %(day)s.")
        % {"day": day(summary.answers_due_on or clock.today())},
    )
    return redirect("reviews:summary", review.pk)
