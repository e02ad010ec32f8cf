"""The secretariat's screening of a submitted dossier: the dossier at a glance, the
earlier screenings, and the two decisions (complete, or returned as incomplete)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_secretariat
from nhri_portal.errors import DomainError, status_of
from reviews.dossier_pages import tasks, versions_with_uploader
from reviews.forms.screening import CompleteForm, ReturnForm
from reviews.models import ComplianceAnswer, Document, Review
from reviews.permissions import load_review
from reviews.services.dossiers import dossier_for, missing, reference
from reviews.services.screening import (
    SCREENED_STATES,
    found_complete,
    item_part,
    mark_complete,
    part_label,
    return_dossier,
)
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from institutions.permissions import AnyUser

# The two forms share the page: their ids must differ.
COMPLETE_IDS = "complete-%s"
RETURN_IDS = "return-%s"


def _load(user: AnyUser, pk: int) -> Review:
    """Only the secretariat screens; nobody else may learn the page exists."""
    review = load_review(user, pk)
    if not is_secretariat(user):
        raise Http404
    return review


@login_required
@require_safe
def screening(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, _load(request.user, pk))


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    complete_form: CompleteForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    dossier = dossier_for(review)
    prefetch_related_objects(
        [dossier],
        "submitted_by",
        Prefetch(
            "answers",
            queryset=ComplianceAnswer.objects.select_related("updated_by").annotate(
                evidence_count=Count("evidence")
            ),
        ),
        Prefetch("documents", queryset=Document.objects.prefetch_related(versions_with_uploader())),
    )
    screenings = list(
        review.screenings.select_related("screened_by")
        .prefetch_related("items")
        .order_by("-screened_at", "-pk")
    )
    context = {
        "review": review,
        "dossier": dossier,
        "reference": reference(review),
        "tasks": tasks(review, dossier),
        "missing": missing(dossier),
        "screenings": [
            (each, [(part_label(item_part(item)), item.note) for item in each.items.all()])
            for each in screenings
        ],
        "screenable": review.state in SCREENED_STATES,
        "found_complete": found_complete(review),
        "complete_form": complete_form or CompleteForm(auto_id=COMPLETE_IDS),
        "return_form": return_form or ReturnForm(auto_id=RETURN_IDS),
    }
    return render(request, "reviews/screening/page.html", context, status=status)


@login_required
@require_POST
def complete(request: SignedInRequest, pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    form = CompleteForm(request.POST, auto_id=COMPLETE_IDS)
    if not form.is_valid():
        return _page(request, review, complete_form=form, status=400)
    try:
        mark_complete(review=review, by=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, complete_form=form, status=status_of(error))
    messages.success(request, _("The dossier is marked complete. The institution is told by mail."))
    return redirect("reviews:screening", review.pk)


@login_required
@require_POST
def return_incomplete(request: SignedInRequest, pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    form = ReturnForm(request.POST, auto_id=RETURN_IDS)
    if not form.is_valid():
        return _page(request, review, return_form=form, status=400)
    try:
        return_dossier(
            review=review,
            by=request.user,
            items=form.items(),
            due_on=form.cleaned_data["due_on"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, return_form=form, status=status_of(error))
    messages.success(
        request,
        _(
            "The dossier is returned to the institution, open for the items you listed. "
            "The institution is told by mail."
        ),
    )
    return redirect("reviews:screening", review.pk)
