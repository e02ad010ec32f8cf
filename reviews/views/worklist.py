"""The secretariat's worklist: every open review, filtered, sorted and a page at a time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from institutions.permissions import is_secretariat
from nhri_portal import clock
from reviews.dashboard import with_next_deadline
from reviews.enums import CLOSED_STATES, ReviewState
from reviews.forms.worklist import WorklistForm
from reviews.models import Review
from reviews.permissions import visible_reviews
from reviews.views.signed_in import SignedInRequest

PER_PAGE = 50

_STATE_ORDER = Case(
    *[When(state=state, then=Value(index)) for index, state in enumerate(ReviewState.values)],
    output_field=IntegerField(),
)
# Each sorting ends on the primary key, so that pages never share or skip a row.
ORDERS: dict[str, tuple[str | OrderBy, ...]] = {
    "deadline": (F("next_due").asc(nulls_last=True), "institution__name", "pk"),
    "institution": ("institution__name", "session__starts_on", "pk"),
    "session": ("session__starts_on", "institution__name", "pk"),
    "-session": ("-session__starts_on", "institution__name", "pk"),
    "state": ("state_order", "institution__name", "pk"),
}


@login_required
@require_safe
def worklist(request: SignedInRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise Http404  # nobody else may learn that the page exists
    form = WorklistForm(request.GET)
    filters = form.filters()
    # The counts per state answer "how many of these are in each state": every filter
    # but the state's own.
    matching = _filtered(visible_reviews(request.user).exclude(state__in=CLOSED_STATES), filters)
    chosen = matching.filter(state=filters["state"]) if "state" in filters else matching
    sort = filters.get("sort", "deadline")
    rows = (
        with_next_deadline(chosen)
        .select_related("institution__region", "session")
        .annotate(state_order=_STATE_ORDER)
        .order_by(*ORDERS[sort])
    )
    context = {
        "form": form,
        "tallies": _tallies(matching),
        "chosen_state": filters.get("state", ""),
        "sort": sort,
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "today": clock.today(),
    }
    return render(request, "reviews/review/worklist.html", context)


def _filtered(reviews: QuerySet[Review], filters: dict[str, Any]) -> QuerySet[Review]:
    if "q" in filters:
        words = filters["q"]
        reviews = reviews.filter(
            Q(institution__name__icontains=words) | Q(institution__acronym__icontains=words)
        )
    if "session" in filters:
        reviews = reviews.filter(session=filters["session"])
    if "region" in filters:
        reviews = reviews.filter(institution__region__code=filters["region"])
    if "kind" in filters:
        reviews = reviews.filter(kind=filters["kind"])
    return reviews


def _tallies(reviews: QuerySet[Review]) -> list[tuple[ReviewState, int]]:
    counts = dict(reviews.order_by().values_list("state").annotate(n=Count("pk")))
    return [(state, counts[state]) for state in ReviewState if state in counts]
