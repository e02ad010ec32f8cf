"""Bureau meetings: the secretariat schedules them and records, case by case, what each
decided on the cases referred to it; the Bureau's members read them. Nobody else
learns that the pages exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted, status_of
from reviews.decision_permissions import load_meeting, reads_meetings
from reviews.enums import ReviewState
from reviews.forms.meetings import DecisionForm, MeetingForm
from reviews.models import BureauMeeting, Review
from reviews.permissions import visible_reviews
from reviews.services.decisions import decide_at_bureau_meeting
from reviews.services.meetings import awaiting_decision, record_of_decisions, schedule_meeting
from reviews.views.signed_in import SignedInRequest


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_list(request: SignedInRequest) -> HttpResponse:
    if not reads_meetings(request.user):
        raise Http404
    if request.method != "POST":
        return _list_page(request, MeetingForm())
    if not is_secretariat(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        meeting = schedule_meeting(by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "reference", str(error))
        return _list_page(request, form, status=status_of(error))
    messages.success(
        request, _("The meeting %(reference)s is scheduled.") % {"reference": meeting.reference}
    )
    return redirect("reviews:meeting", meeting.pk)


def _list_page(request: SignedInRequest, form: MeetingForm, *, status: int = 200) -> HttpResponse:
    visible = visible_reviews(request.user)
    meetings = BureauMeeting.objects.annotate(
        decision_count=Count("decisions", filter=Q(decisions__review__in=visible))
    ).order_by("-held_on", "-pk")
    context = {
        "meetings": meetings,
        "secretariat": is_secretariat(request.user),
        "awaiting": visible.filter(state=ReviewState.REFERRED).count(),
        "form": form,
        "today": clock.today(),
    }
    return render(request, "reviews/meetings/list.html", context, status=status)


@login_required
@require_safe
def meeting(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_meeting(request.user, pk))


def _page(
    request: SignedInRequest,
    meeting: BureauMeeting,
    *,
    bound: tuple[int, DecisionForm] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    secretariat = is_secretariat(request.user)
    visible = visible_reviews(request.user)
    cases = awaiting_decision(meeting, visible)
    rows: list[tuple[Any, DecisionForm | None]] = []
    for case in cases:
        form = None
        if secretariat and case.decidable:
            review = case.review
            form = DecisionForm(review_pk=review.pk, recommended=review.recommendation.outcome)
            if bound is not None and bound[0] == review.pk:
                form, bound = bound[1], None
        rows.append((case, form))
    if bound is not None:  # the case has no form here: say what went wrong above them
        problem = " ".join(str(error) for errors in bound[1].errors.values() for error in errors)
    context = {
        "meeting": meeting,
        "secretariat": secretariat,
        "held": meeting.held_on <= clock.today(),
        "cases": rows,
        "decisions": record_of_decisions(meeting, visible),
        "problem": problem,
    }
    return render(request, "reviews/meetings/detail.html", context, status=status)


@login_required
@require_POST
def decide(request: SignedInRequest, pk: int, review_pk: int) -> HttpResponse:
    meeting = load_meeting(request.user, pk, to_act=True)
    review = get_object_or_404(
        Review.objects.select_related("recommendation", "institution"), pk=review_pk
    )
    if not hasattr(review, "recommendation"):
        raise Http404
    form = DecisionForm(
        request.POST, review_pk=review.pk, recommended=review.recommendation.outcome
    )
    if not form.is_valid():
        return _page(request, meeting, bound=(review.pk, form), status=400)
    try:
        decision = decide_at_bureau_meeting(
            review=review, meeting=meeting, by=request.user, **form.decision()
        )
    except Conflict as error:
        # A second click, or another person first: the case is no longer on the list.
        return _page(request, meeting, problem=str(error), status=status_of(error))
    except DomainError as error:
        field = None if isinstance(error, NotPermitted) else "choice"
        form.add_error(field, str(error))
        return _page(request, meeting, bound=(review.pk, form), status=status_of(error))
    messages.success(
        request,
        _("%(institution)s: the decision is recorded as %(number)s.")
        % {"institution": review.institution.name, "number": decision.record_number},
    )
    return redirect("reviews:meeting", meeting.pk)
