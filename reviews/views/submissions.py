"""The third-party submissions of one review: the secretariat records, sanitises and
shares them; the SCA reads them in full; the institution and the region's observers
read the sanitised version of those shared, and the institution comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, status_of
from reviews.enums import CLOSED_STATES, PREPARING_STATES
from reviews.forms.summaries import (
    AttachmentForm,
    CommentForm,
    SanitiseForm,
    ShareSubmissionForm,
    SubmissionForm,
)
from reviews.models import Review, SubmissionAttachment, ThirdPartySubmission
from reviews.permissions import deliberates, load_summary_review
from reviews.services.submissions import (
    attach_to_submission,
    comment_on_submission,
    record_submission,
    set_sanitised,
    share_submission,
)
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Sanitised:
    """All of a shared submission that the institution and observers may see: nothing
    here can name a withheld source or quote the full text."""

    pk: int
    sanitised_content: str
    shared_at: dt.datetime
    comments_due_on: dt.date
    comment: str
    commented_at: dt.datetime | None


def _sanitised(submission: ThirdPartySubmission) -> Sanitised:
    assert submission.shared_at is not None and submission.comments_due_on is not None
    return Sanitised(
        pk=submission.pk,
        sanitised_content=submission.sanitised_content,
        shared_at=submission.shared_at,
        comments_due_on=submission.comments_due_on,
        comment=submission.comment,
        commented_at=submission.commented_at,
    )


def _ids(form: str, submission_pk: int) -> str:
    """Each submission's forms need ids of their own on the same page."""
    return f"{form}-{submission_pk}-%s"


def page(
    request: SignedInRequest,
    review: Review,
    *,
    failed: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page as ``request.user`` may see it; ``failed`` puts back a refused form
    (keyed "record", or "<form>-<submission pk>")."""
    failed = failed or {}
    user = request.user
    full = deliberates(user, review)
    managing = is_secretariat(user) and review.state in PREPARING_STATES
    commenting = is_focal_point_of(user, review.institution) and review.state not in CLOSED_STATES
    found = review.third_party_submissions.all()
    context: dict[str, Any] = {
        "review": review,
        "full": full,
        "managing": managing,
        "commenting": commenting,
        "observer": not full and not is_focal_point_of(user, review.institution),
        "today": clock.today(),
        "failed": list(failed.values()),
    }

    def form(name: str, pk: int, make: type[forms.Form], **initial: Any) -> forms.Form:
        return failed.get(f"{name}-{pk}") or make(initial=initial, auto_id=_ids(name, pk))

    if full:
        rows = found.select_related("recorded_by", "shared_by", "commented_by").prefetch_related(
            "attachments"
        )
        context["submissions"] = [
            {
                "submission": s,
                "sanitise": form("sanitise", s.pk, SanitiseForm, text=s.sanitised_content),
                "share": form("share", s.pk, ShareSubmissionForm),
                "attach": form("attach", s.pk, AttachmentForm),
            }
            for s in rows
        ]
        context["record_form"] = failed.get("record") or SubmissionForm(
            initial={"received_on": clock.today()}, auto_id="record-%s"
        )
    else:
        context["submissions"] = [
            {
                "submission": _sanitised(s),
                "comment": form("comment", s.pk, CommentForm, text=s.comment),
            }
            for s in found.filter(shared_at__isnull=False)
        ]
    return render(request, "reviews/submission/page.html", context, status=status)


@login_required
@require_safe
def submissions(request: SignedInRequest, pk: int) -> HttpResponse:
    return page(request, load_summary_review(request.user, pk))


def _submission_of(user: User, review: Review, submission_pk: int) -> ThirdPartySubmission:
    """Outside the secretariat and the SCA, a submission not yet shared does not exist."""
    found = review.third_party_submissions.select_related("review__institution", "review__session")
    if not deliberates(user, review):
        found = found.filter(shared_at__isnull=False)
    return get_object_or_404(found, pk=submission_pk)


def _back_to(review: Review, submission_pk: int | None = None) -> HttpResponse:
    anchor = f"#submission-{submission_pk}" if submission_pk else ""
    return redirect(reverse("reviews:submissions", args=[review.pk]) + anchor)


@login_required
@require_POST
def record(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    form = SubmissionForm(request.POST, auto_id="record-%s")
    if not form.is_valid():
        return page(request, review, failed={"record": form}, status=400)
    try:
        submission = record_submission(review=review, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={"record": form}, status=status_of(error))
    messages.success(request, _("The submission was recorded. Write its sanitised text next."))
    return _back_to(review, submission.pk)


@login_required
@require_POST
def sanitise(request: SignedInRequest, pk: int, submission_pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    submission = _submission_of(request.user, review, submission_pk)
    key = f"sanitise-{submission.pk}"
    form = SanitiseForm(request.POST, auto_id=_ids("sanitise", submission.pk))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    try:
        set_sanitised(submission=submission, text=form.cleaned_data["text"], by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(request, _("The sanitised text was saved."))
    return _back_to(review, submission.pk)


@login_required
@require_POST
def share(request: SignedInRequest, pk: int, submission_pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    submission = _submission_of(request.user, review, submission_pk)
    key = f"share-{submission.pk}"
    form = ShareSubmissionForm(request.POST, auto_id=_ids("share", submission.pk))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    try:
        share_submission(
            submission=submission,
            by=request.user,
            comments_due_on=form.cleaned_data["comments_due_on"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(request, _("The sanitised version was shared with the institution."))
    return _back_to(review, submission.pk)


@login_required
@require_POST
def attach(request: SignedInRequest, pk: int, submission_pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    submission = _submission_of(request.user, review, submission_pk)
    key = f"attach-{submission.pk}"
    form = AttachmentForm(request.POST, request.FILES, auto_id=_ids("attach", submission.pk))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    uploaded = form.cleaned_data["file"]
    try:
        attachment = attach_to_submission(submission=submission, upload=uploaded, by=request.user)
    except DomainError as error:
        refused = _("“%(name)s” was not uploaded. %(reason)s") % {
            "name": uploaded.name,
            "reason": error,
        }
        form.add_error("file", refused)
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(request, _("“%(name)s” was added.") % {"name": attachment.original_name})
    return _back_to(review, submission.pk)


@login_required
@require_POST
def comment(request: SignedInRequest, pk: int, submission_pk: int) -> HttpResponse:
    review = load_summary_review(request.user, pk)
    submission = _submission_of(request.user, review, submission_pk)
    key = f"comment-{submission.pk}"
    form = CommentForm(request.POST, auto_id=_ids("comment", submission.pk))
    if not form.is_valid():
        return page(request, review, failed={key: form}, status=400)
    try:
        comment_on_submission(
            submission=submission, text=form.cleaned_data["text"], by=request.user
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return page(request, review, failed={key: form}, status=status_of(error))
    messages.success(request, _("Your comment was saved."))
    return _back_to(review, submission.pk)


@login_required
@require_safe
def download(request: SignedInRequest, pk: int, file_pk: int) -> FileResponse:
    """A file of a submission is part of the full version: the secretariat and the SCA."""
    review = load_summary_review(request.user, pk)
    if not deliberates(request.user, review):
        raise Http404
    attachment = get_object_or_404(SubmissionAttachment, pk=file_pk, submission__review=review)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(attachment.file.name or "document").name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
