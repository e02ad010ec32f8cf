"""The Bureau's e-procedure: the recommendations before the Bureau, the file of one case
with the member's vote, and the live tally the secretariat follows. Only Bureau members
and the secretariat find these pages; a member never finds their own institution's case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accreditation.rulebook import RuleKey
from institutions.enums import Role
from institutions.permissions import has_role, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted, status_of
from reviews.decision_permissions import follows_bureau, load_bureau_review, voting_seat
from reviews.enums import ReviewState, Vote
from reviews.forms.bureau import VoteForm
from reviews.models import BureauVote, Challenge, RecommendationParagraph, Review, ReviewDeadline
from reviews.permissions import attends, visible_dossier_reviews, visible_reviews
from reviews.services.bureau import (
    VOTING_STATES,
    Standing,
    Thresholds,
    bureau_window,
    cast_vote,
    standing,
    voting_seats,
)
from reviews.views.signed_in import SignedInRequest

# The cases recently referred or decided that a member sees below the open ones.
RECENT = 10
OPEN_TO_SECRETARIAT = (ReviewState.BUREAU, ReviewState.REFERRED)


def _listed(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """What each row of the lists shows, in a fixed number of queries."""
    closes = ReviewDeadline.objects.filter(rule_key=RuleKey.BUREAU_WINDOW)
    return (
        reviews.select_related("institution__region", "session", "recommendation")
        .annotate(challenged=Exists(Challenge.objects.filter(review=OuterRef("pk"))))
        .prefetch_related(Prefetch("deadlines", queryset=closes, to_attr="window_closes"))
    )


@login_required
@require_safe
def bureau(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not follows_bureau(user):
        raise Http404
    today = clock.today()
    context: dict[str, Any] = {"today": today}
    if has_role(user, Role.BUREAU_MEMBER):
        mine = BureauVote.objects.filter(seat__people=user.pk)
        before = (
            _listed(visible_reviews(user).filter(state=ReviewState.BUREAU))
            .prefetch_related(Prefetch("recommendation__votes", queryset=mine, to_attr="my_votes"))
            .order_by("session__starts_on", "institution__name")
        )
        recent = (
            visible_reviews(user)
            .filter(state__in=(ReviewState.REFERRED, ReviewState.DECIDED))
            .select_related("institution__region", "session", "recommendation", "decision")
            .order_by("-state_changed_at", "-pk")[:RECENT]
        )
        context |= {"before": list(before), "recent": list(recent)}
    if is_secretariat(user):
        context["cases"] = _followed(today)
    return render(request, "reviews/bureau/list.html", context)


def _followed(today: dt.date) -> list[tuple[Review, Standing]]:
    """Every case before the Bureau or referred, with its live tally by region."""
    reviews = list(
        _listed(Review.objects.filter(state__in=OPEN_TO_SECRETARIAT)).order_by(
            "state", "session__starts_on", "institution__name"
        )
    )
    votes: dict[int, list[BureauVote]] = {review.pk: [] for review in reviews}
    for vote in BureauVote.objects.filter(recommendation__review__in=list(votes)).select_related(
        "recommendation", "seat__region", "seat__institution"
    ):
        votes[vote.recommendation.review_id].append(vote)
    seats, current = voting_seats(today), Thresholds.current()
    return [(review, standing(review, votes[review.pk], seats, current)) for review in reviews]


@login_required
@require_safe
def case(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_bureau_review(request.user, pk))


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    form: VoteForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = clock.today()
    opens, closes = bureau_window(review)
    recommendation = review.recommendation
    seat = voting_seat(user, review, today)
    in_window = review.state in VOTING_STATES and opens.due_on <= today <= closes.due_on
    own = (
        BureauVote.objects.filter(recommendation=recommendation, seat__people=user.pk)
        .exclude(seat__institution_id=review.institution_id)
        .select_related("seat__institution")
        .first()
    )
    context: dict[str, Any] = {
        "review": review,
        "recommendation": recommendation,
        "paragraphs": RecommendationParagraph.objects.filter(recommendation=recommendation)
        .prefetch_related("principles", "observations")
        .order_by("number"),
        "challenge": Challenge.objects.filter(review=review)
        .prefetch_related("attachments")
        .first(),
        "opens": opens,
        "closes": closes,
        "today": today,
        "in_window": in_window,
        "closed": review.state not in VOTING_STATES or today > closes.due_on,
        "seat": seat,
        "own": own,
        "history": list(own.history.select_related("cast_by").order_by("history_date"))
        if own is not None
        else [],
        # Once the window has closed the form is gone, and a refusal reads as a problem.
        "form": (form or _form_for(own)) if seat is not None and in_window else None,
        "problem": problem,
        "shows_report": attends(user, review.session),
        "shows_dossier": visible_dossier_reviews(user).filter(pk=review.pk).exists(),
    }
    if is_secretariat(user):
        votes = list(recommendation.votes.select_related("seat__region", "seat__institution"))
        seats = voting_seats(min(today, closes.due_on))
        context["standing"] = standing(review, votes, seats, Thresholds.current())
    return render(request, "reviews/bureau/case.html", context, status=status)


def _form_for(own: BureauVote | None) -> VoteForm:
    if own is None:
        return VoteForm()
    return VoteForm(initial={"vote": own.vote, "reasons": own.reasons})


@login_required
@require_POST
def vote(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_bureau_review(request.user, pk)
    seat = voting_seat(request.user, review, clock.today())
    if seat is None:
        # The secretariat, or a member without a seat today: they read, never vote.
        raise PermissionDenied
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _page(request, review, form=form, status=400)
    try:
        cast = cast_vote(review=review, seat=seat, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "vote", str(error))
        return _page(request, review, form=form, problem=str(error), status=status_of(error))
    _opens, closes = bureau_window(review)
    if cast.vote == Vote.OBJECT:
        done = _("Your objection is recorded. You may change your vote until %(day)s.")
    else:
        done = _("Your approval is recorded. You may change your vote until %(day)s.")
    messages.success(request, done % {"day": date_format(closes.due_on, "DATE_FORMAT")})
    return redirect("reviews:bureau_case", review.pk)
