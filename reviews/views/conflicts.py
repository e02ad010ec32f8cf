"""Conflicts of interest: the institution's objections to SCA members, the Bureau's
rulings recorded by the secretariat, who sits on the case, and a member declaring a
conflict. Only the institution and the secretariat find the objections page: the
member objected to must learn nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted, status_of
from reviews.enums import CLOSED_STATES, ObjectionRuling
from reviews.forms.conflicts import DeclareForm, ObjectionForm, RecusalForm, RulingForm
from reviews.models import MemberObjection, Review
from reviews.permissions import declarable_seats, load_objections_review, load_review, seats_on_case
from reviews.services.conflicts import (
    declare_recusal,
    lodge_objection,
    objectable_seats,
    objection_cutoff,
    rule_on_objection,
    ruling_deadline,
    seating,
)
from reviews.views.signed_in import SignedInRequest


@login_required
@require_http_methods(["GET", "HEAD"])
def objections(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_objections_review(request.user, pk))


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    objection_form: ObjectionForm | None = None,
    ruling_forms: dict[int, RulingForm] | None = None,
    recusal_form: RecusalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    secretariat = is_secretariat(request.user)
    seats = objectable_seats(review)
    listed = list(
        review.member_objections.select_related("seat__institution", "seat__region", "lodged_by")
    )
    objected = {objection.seat_id for objection in listed}
    open_seats = [seat for seat in seats if seat.pk not in objected]
    cutoff = objection_cutoff(review.session)
    may_lodge = (
        clock.today() <= cutoff.due_on and review.state not in CLOSED_STATES and bool(open_seats)
    )
    forms: dict[int, RulingForm] = {}
    if secretariat:
        forms = {
            objection.pk: RulingForm(objection_pk=objection.pk)
            for objection in listed
            if objection.ruling == ObjectionRuling.PENDING
        } | (ruling_forms or {})
    context: dict[str, Any] = {
        "review": review,
        "secretariat": secretariat,
        "seats": seats,
        "cutoff": cutoff,
        "objections": [(objection, forms.get(objection.pk)) for objection in listed],
        "may_lodge": may_lodge,
        "objection_form": objection_form or ObjectionForm(seats=open_seats),
    }
    if secretariat:
        context |= {
            "ruling_due": ruling_deadline(review.session),
            "seating": seating(review),
            "recusal_form": recusal_form or RecusalForm(seats=seats_on_case(review)),
        }
    return render(request, "reviews/conflicts/objections.html", context, status=status)


@login_required
@require_POST
def lodge(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_objections_review(request.user, pk)
    form = ObjectionForm(request.POST, seats=objectable_seats(review))
    if not form.is_valid():
        return _page(request, review, objection_form=form, status=400)
    try:
        lodge_objection(review=review, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "seat", str(error))
        return _page(request, review, objection_form=form, status=status_of(error))
    messages.success(
        request, _("Your objection is recorded. The secretariat puts it to the Bureau.")
    )
    return redirect("reviews:objections", review.pk)


@login_required
@require_POST
def ruling(request: SignedInRequest, pk: int, objection_pk: int) -> HttpResponse:
    review = load_objections_review(request.user, pk)
    if not is_secretariat(request.user):
        raise PermissionDenied
    objection = get_object_or_404(MemberObjection, pk=objection_pk, review=review)
    form = RulingForm(request.POST, objection_pk=objection.pk)
    if not form.is_valid():
        return _page(request, review, ruling_forms={objection.pk: form}, status=400)
    try:
        rule_on_objection(objection=objection, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "ruled_on", str(error))
        return _page(request, review, ruling_forms={objection.pk: form}, status=status_of(error))
    messages.success(request, _("The Bureau's ruling is recorded; the institution is told."))
    return redirect("reviews:objections", review.pk)


@login_required
@require_POST
def record_recusal(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_objections_review(request.user, pk)
    if not is_secretariat(request.user):
        raise PermissionDenied
    form = RecusalForm(request.POST, seats=seats_on_case(review))
    if not form.is_valid():
        return _page(request, review, recusal_form=form, status=400)
    try:
        declare_recusal(review=review, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "seat", str(error))
        return _page(request, review, recusal_form=form, status=status_of(error))
    messages.success(request, _("The recusal is recorded; the region's alternate stands in."))
    return redirect("reviews:objections", review.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recuse(request: SignedInRequest, pk: int) -> HttpResponse:
    """A member sitting on the case declares a conflict of interest (a confirmation page,
    then a POST). Others who know of the case are refused (403), outsiders get 404."""
    review = load_review(request.user, pk)
    seats = declarable_seats(request.user, review)
    if not seats:
        raise PermissionDenied
    form = DeclareForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return _recuse_page(request, review, form, status=status)
    try:
        with transaction.atomic():
            for seat in seats:
                declare_recusal(review=review, seat=seat, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "note", str(error))
        return _recuse_page(request, review, form, status=status_of(error))
    # The member no longer sits on the case: nothing of it is named from here on.
    messages.success(
        request,
        _("Your conflict of interest is recorded. You no longer take part in that case."),
    )
    return redirect("home")


def _recuse_page(
    request: SignedInRequest, review: Review, form: DeclareForm, *, status: int
) -> HttpResponse:
    context = {"review": review, "form": form}
    return render(request, "reviews/conflicts/recuse.html", context, status=status)
