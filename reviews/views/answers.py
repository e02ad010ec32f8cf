"""The institution's answers to the summary of issues: writing them, attaching
documents, sending them; and downloading those documents."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from nhri_portal.errors import DomainError, status_of
from reviews.forms.summaries import AttachmentForm, IssueAnswerForm
from reviews.models import AnswerAttachment, Review, SummaryIssue
from reviews.permissions import load_summary_review, may_read_answers
from reviews.services.summaries import attach_to_answer, save_answer, send_answers
from reviews.views.signed_in import SignedInRequest
from reviews.views.summary import answer_ids, file_ids, page


def _issue_of(review: Review, number: int) -> SummaryIssue:
    return get_object_or_404(
        SummaryIssue.objects.select_related("summary__review__institution"),
        summary__review=review,
        number=number,
    )


def _back_to(review: Review, issue: SummaryIssue) -> HttpResponse:
    return redirect(reverse("reviews:summary", args=[review.pk]) + f"#issue-{issue.number}")


@login_required
@require_POST
def answer(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    issue = _issue_of(review, number)
    key = f"answer-{issue.number}"
    form = IssueAnswerForm(request.POST, auto_id=answer_ids(issue))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    try:
        save_answer(issue=issue, text=form.cleaned_data["text"], by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(
        request, _("Your answer to issue %(number)s was saved.") % {"number": issue.number}
    )
    return _back_to(review, issue)


@login_required
@require_POST
def attach(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    issue = _issue_of(review, number)
    key = f"file-{issue.number}"
    form = AttachmentForm(request.POST, request.FILES, auto_id=file_ids(issue))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    uploaded = form.cleaned_data["file"]
    try:
        attachment = attach_to_answer(issue=issue, upload=uploaded, by=request.user)
    except DomainError as error:
        # The browser forgets the chosen file: say which one was refused.
        refused = _("“%(name)s” was not uploaded. %(reason)s") % {
            "name": uploaded.name,
            "reason": error,
        }
        form.add_error("file", refused)
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(
        request,
        _("“%(name)s” was added to your answer to issue %(number)s.")
        % {"name": attachment.original_name, "number": issue.number},
    )
    return _back_to(review, issue)


@login_required
@require_POST
def send(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    try:
        send_answers(review=review, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return page(request, review, status=status_of(error))
    messages.success(
        request, _("Your answers were sent. The secretariat and the SCA can now read them.")
    )
    return redirect("reviews:summary", review.pk)


@login_required
@require_safe
def download(request: SignedInRequest, pk: int, file_pk: int) -> FileResponse:
    review = load_summary_review(request.user, pk)
    attachment = get_object_or_404(
        AnswerAttachment.objects.select_related("answer__issue__summary"),
        pk=file_pk,
        answer__issue__summary__review=review,
    )
    summary = attachment.answer.issue.summary
    if not may_read_answers(request.user, review, sent=summary.answers_sent_at is not None):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(attachment.file.name or "document").name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The answers are confidential: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
