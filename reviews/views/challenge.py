"""The challenge page: the recommendation as notified, its challenge window and the
institution's challenge. Its focal points lodge it and add documents while the window
is open; the secretariat and, once the recommendation is before them, the Bureau
members read it. Nobody else finds the page."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_focal_point_of
from nhri_portal.errors import DomainError, NotPermitted, status_of
from reviews.decision_permissions import load_challenge_review
from reviews.forms.challenge import ChallengeForm, DocumentForm
from reviews.models import Challenge, ChallengeAttachment, Review
from reviews.services.challenges import (
    DocumentRefused,
    add_challenge_document,
    lodge_challenge,
    standing,
)
from reviews.views.signed_in import SignedInRequest


@login_required
@require_safe
def challenge(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_challenge_review(request.user, pk))


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    challenge_form: ChallengeForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = standing(review)
    focal_point = is_focal_point_of(request.user, review.institution)
    recommendation = now.recommendation
    paragraphs = (
        list(recommendation.paragraphs.prefetch_related("principles", "observations"))
        if recommendation is not None
        else []
    )
    context = {
        "review": review,
        "standing": now,
        "paragraphs": paragraphs,
        "may_lodge": focal_point and now.lodgeable,
        "may_add": focal_point and now.window_open and now.challenge is not None,
        "challenge_form": challenge_form or ChallengeForm(),
        "document_form": document_form or DocumentForm(),
    }
    return render(request, "reviews/challenge/page.html", context, status=status)


@login_required
@require_POST
def lodge(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_challenge_review(request.user, pk)
    if not is_focal_point_of(request.user, review.institution):
        raise PermissionDenied
    form = ChallengeForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, review, challenge_form=form, status=400)
    try:
        lodge_challenge(
            review=review,
            reasons=form.cleaned_data["reasons"],
            files=form.cleaned_data["documents"],
            by=request.user,
        )
    except DomainError as error:
        field = "documents" if isinstance(error, DocumentRefused) else None
        form.add_error(field, str(error))
        return _page(request, review, challenge_form=form, status=status_of(error))
    messages.success(
        request,
        _("Your challenge is lodged. The Bureau receives it with the recommendation when the "
          "challenge window closes."),
    )  # fmt: skip
    return redirect("reviews:challenge", review.pk)


@login_required
@require_POST
def add_document(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_challenge_review(request.user, pk)
    if not is_focal_point_of(request.user, review.institution):
        raise PermissionDenied
    lodged = Challenge.objects.filter(review=review).first()
    form = DocumentForm(request.POST, request.FILES)
    if lodged is None:
        form.add_error(None, _("Lodge the challenge first; then add documents to it."))
        return _page(request, review, document_form=form, status=400)
    if not form.is_valid():
        return _page(request, review, document_form=form, status=400)
    try:
        attachment = add_challenge_document(
            challenge=lodged, file=form.cleaned_data["file"], by=request.user
        )
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "file", str(error))
        return _page(request, review, document_form=form, status=status_of(error))
    messages.success(
        request,
        _("“%(name)s” was added to the challenge.") % {"name": attachment.original_name},
    )
    return redirect("reviews:challenge", review.pk)


@login_required
@require_safe
def download(request: SignedInRequest, pk: int, file_pk: int) -> FileResponse:
    review = load_challenge_review(request.user, pk)
    attachment = get_object_or_404(ChallengeAttachment, pk=file_pk, challenge__review=review)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(attachment.file.name or "document").name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The challenge is confidential to the institution, the secretariat and the Bureau.
    response["Cache-Control"] = "private, no-store"
    return response
