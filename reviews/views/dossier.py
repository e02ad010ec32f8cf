"""The dossier as a task list; checking it, submitting it and reopening it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_secretariat
from nhri_portal.errors import Conflict, DomainError, status_of
from reviews import workflow
from reviews.dossier_pages import is_draft, load_dossier, part_url, reopened_because, tasks
from reviews.enums import DocumentSlot, ReviewState, Theme
from reviews.forms import ComplaintsForm, ReopenForm
from reviews.models import Review, Screening
from reviews.permissions import (
    COMPLAINTS_QUESTION,
    editable_parts,
    load_dossier_review,
    may_act_on,
    may_edit_dossier,
    may_transition,
)
from reviews.services.dossiers import (
    dossier_for,
    missing,
    reference,
    reopen_dossier,
    set_handles_complaints,
    submit_dossier,
)
from reviews.services.screening import SCREENED_STATES, item_part, open_return, part_label
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from institutions.permissions import AnyUser

# The reopening form shares the task list with the complaints question: its ids differ.
REOPEN_IDS = "reopen-%s"


def may_reopen(user: AnyUser, review: Review) -> bool:
    """Sending a submitted dossier back is the secretariat's transition to "dossier"."""
    step = workflow.find(review.state, ReviewState.DOSSIER)
    return not is_draft(review) and step is not None and may_transition(user, step, review)


def changeable(user: AnyUser, review: Review) -> set[str]:
    """The parts of the dossier ``user`` may change now (slots, themes, the complaints
    question): all of a draft, or only those the secretariat returned."""
    parts = editable_parts(user, review)
    if parts is None:
        return {COMPLAINTS_QUESTION, *Theme.values, *DocumentSlot.values}
    return set(parts)


def _returned_url(review: Review, part: str) -> str:
    if part in DocumentSlot.values:
        return reverse("reviews:documents", args=[review.pk, part])
    if part in Theme.values:
        return reverse("reviews:statement", args=[review.pk, part])
    return reverse("reviews:dossier", args=[review.pk]) + "#complaints"


def returned_items(review: Review, screening: Screening) -> list[tuple[str, str, str]]:
    """Each returned part as (label, the secretariat's note, where to change it)."""
    rows = []
    for item in screening.items.all():
        part = item_part(item)
        rows.append((part_label(part), item.note, _returned_url(review, str(part))))
    return rows


@login_required
@require_safe
def task_list(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    return _task_list(request, review)


def _task_list(
    request: SignedInRequest,
    review: Review,
    *,
    complaints_form: ComplaintsForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    dossier = load_dossier(review)
    rows = tasks(review, dossier)
    required = [row for row in rows if row.part.required]
    returned = open_return(review) if is_draft(review) else None
    if complaints_form is None:
        known = dossier.handles_complaints
        initial = {} if known is None else {"handles_complaints": "yes" if known else "no"}
        complaints_form = ComplaintsForm(initial=initial)
    context = {
        "review": review,
        "dossier": dossier,
        "reference": reference(review),
        "deadlines": list(review.deadlines.all()),
        "answers": [row for row in rows if row.part.kind == "answer"],
        "documents": [row for row in rows if row.part.kind == "document"],
        "required_count": len(required),
        "complete_count": sum(row.part.state == "complete" for row in required),
        "editable": COMPLAINTS_QUESTION in changeable(request.user, review),
        "draft": is_draft(review),
        # A return says what is missing in its own panel; a plain reopening, why.
        "returned": returned,
        "returned_items": returned_items(review, returned) if returned else [],
        "returned_on": timezone.localdate(returned.screened_at) if returned else None,
        "reopened": None if returned else reopened_because(review),
        "complaints_form": complaints_form,
        "may_screen": is_secretariat(request.user) and review.state in SCREENED_STATES,
        "may_reopen": may_reopen(request.user, review),
        "reopen_form": reopen_form or ReopenForm(auto_id=REOPEN_IDS),
    }
    return render(request, "reviews/dossier/task_list.html", context, status=status)


@login_required
@require_POST
def complaints(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk, to_edit=True)
    form = ComplaintsForm(request.POST)
    if not form.is_valid():
        return _task_list(request, review, complaints_form=form, status=400)
    try:
        set_handles_complaints(
            review=review, value=form.cleaned_data["handles_complaints"], by=request.user
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _task_list(request, review, complaints_form=form, status=status_of(error))
    messages.success(request, _("Your answer on complaints handling was saved."))
    return redirect("reviews:dossier", review.pk)


@login_required
@require_safe
def check(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    return _check(request, review)


def _check(
    request: SignedInRequest, review: Review, *, problem: str = "", status: int = 200
) -> HttpResponse:
    dossier = load_dossier(review)
    context = {
        "review": review,
        "dossier": dossier,
        "reference": reference(review),
        "tasks": tasks(review, dossier),
        "missing": [(part, part_url(review, part)) for part in missing(dossier)],
        "editable": may_edit_dossier(request.user, review),
        "changeable": changeable(request.user, review),
        "draft": is_draft(review),
        "problem": problem,
    }
    return render(request, "reviews/dossier/check.html", context, status=status)


@login_required
@require_POST
def submit(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    # A double click: the second post finds the dossier submitted and ends where the
    # first one did.
    if review.state == ReviewState.SUBMITTED and may_act_on(request.user, review):
        return redirect("reviews:submitted", review.pk)
    if not may_edit_dossier(request.user, review):
        raise PermissionDenied
    try:
        submit_dossier(review=review, by=request.user)
    except Conflict as error:
        # Both clicks were read before either was saved; the other one submitted.
        if review.state == ReviewState.SUBMITTED:
            return redirect("reviews:submitted", review.pk)
        return _check(request, review, problem=str(error), status=409)
    except DomainError as error:
        return _check(request, review, problem=str(error), status=status_of(error))
    return redirect("reviews:submitted", review.pk)


@login_required
@require_safe
def submitted(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    dossier = dossier_for(review)
    if dossier.submitted_at is None:
        return redirect("reviews:dossier", review.pk)
    context = {
        "review": review,
        "dossier": dossier,
        "reference": reference(review),
        "draft": is_draft(review),
    }
    return render(request, "reviews/dossier/submitted.html", context)


@login_required
@require_POST
def reopen(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    if not may_reopen(request.user, review):
        raise PermissionDenied
    form = ReopenForm(request.POST, auto_id=REOPEN_IDS)
    if not form.is_valid():
        return _task_list(request, review, reopen_form=form, status=400)
    try:
        reopen_dossier(review=review, reason=form.cleaned_data["reason"], by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _task_list(request, review, reopen_form=form, status=status_of(error))
    messages.success(
        request, _("The dossier is open again. The institution's focal points see your reason.")
    )
    return redirect("reviews:dossier", review.pk)
