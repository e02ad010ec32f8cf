"""What the home page shows each role: the reviews it can do something about next.

Every list starts from :func:`reviews.permissions.visible_reviews` and loads what
its rows show in a fixed number of queries, however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from accreditation.rulebook import RuleKey
from institutions.enums import Role
from institutions.models import Institution
from institutions.permissions import (
    bureau_seats_of,
    institutions_acted_for,
    observed_region_ids,
    own_institution_ids,
    roles_of,
)
from reviews.enums import CLOSED_STATES, ReviewState
from reviews.models import BureauVote, Review, ReviewDeadline, Session
from reviews.permissions import sessions_sat_in, visible_reviews

if TYPE_CHECKING:
    from institutions.permissions import AnyUser

NEAREST_DEADLINES = 10


@dataclass(frozen=True)
class StateGroup:
    state: ReviewState
    reviews: list[Review]


@dataclass(frozen=True)
class SecretariatView:
    groups: list[StateGroup]
    deadlines: list[ReviewDeadline]

    @property
    def open_count(self) -> int:
        return sum(len(group.reviews) for group in self.groups)


@dataclass(frozen=True)
class InstitutionReviews:
    institution: Institution
    reviews: list[Review]


@dataclass(frozen=True)
class SessionReviews:
    session: Session
    reviews: list[Review]


@dataclass(frozen=True)
class BureauView:
    reviews: list[Review]  # each with ``window_closes`` and ``my_votes``
    sits: bool  # holds a Bureau seat today, so may vote


@dataclass
class Home:
    today: dt.date
    roles: list[Role] = field(default_factory=list)
    secretariat: SecretariatView | None = None
    focal_point: list[InstitutionReviews] | None = None
    sca_member: list[SessionReviews] | None = None
    bureau_member: BureauView | None = None
    observer: list[Review] | None = None


def home_for(user: AnyUser, today: dt.date) -> Home:
    home = Home(today=today)
    if not user.is_authenticated:
        return home
    home.roles = roles_of(user)
    if Role.SECRETARIAT in home.roles:
        home.secretariat = secretariat_view(user, today)
    if Role.FOCAL_POINT in home.roles:
        home.focal_point = focal_point_view(user)
    if Role.SCA_MEMBER in home.roles:
        home.sca_member = sca_member_view(user)
    if Role.BUREAU_MEMBER in home.roles:
        home.bureau_member = bureau_member_view(user, today)
    if Role.OBSERVER in home.roles:
        home.observer = observer_view(user)
    return home


def _open_reviews(user: AnyUser) -> QuerySet[Review]:
    return (
        visible_reviews(user)
        .exclude(state__in=CLOSED_STATES)
        .select_related("institution__region", "session")
    )


def secretariat_view(user: AnyUser, today: dt.date) -> SecretariatView:
    by_state: dict[str, list[Review]] = {}
    for review in _open_reviews(user).order_by("session__starts_on", "institution__name"):
        by_state.setdefault(review.state, []).append(review)
    groups = [StateGroup(state, by_state[state]) for state in ReviewState if state in by_state]
    deadlines = list(
        ReviewDeadline.objects.filter(review__in=_open_reviews(user), due_on__gte=today)
        .select_related("review__institution", "review__session")
        .order_by("due_on", "review__institution__name")[:NEAREST_DEADLINES]
    )
    return SecretariatView(groups=groups, deadlines=deadlines)


def focal_point_view(user: AnyUser) -> list[InstitutionReviews]:
    institutions = list(institutions_acted_for(user).order_by("name"))
    reviews = (
        _open_reviews(user)
        .filter(institution__in=[institution.pk for institution in institutions])
        .prefetch_related("deadlines")
        .order_by("session__starts_on")
    )
    by_institution: dict[int, list[Review]] = {institution.pk: [] for institution in institutions}
    for review in reviews:
        by_institution[review.institution_id].append(review)
    return [InstitutionReviews(i, by_institution[i.pk]) for i in institutions]


def sca_member_view(user: AnyUser) -> list[SessionReviews]:
    """Open reviews of the sessions the member sits in, never their own institution's."""
    reviews = (
        _open_reviews(user)
        .filter(session__in=sessions_sat_in(user))
        .exclude(institution_id__in=own_institution_ids(user))
        .order_by("session__starts_on", "institution__name")
    )
    by_session: dict[int, SessionReviews] = {}
    for review in reviews:
        part = by_session.setdefault(review.session_id, SessionReviews(review.session, []))
        part.reviews.append(review)
    return list(by_session.values())


def bureau_member_view(user: AnyUser, today: dt.date) -> BureauView:
    """Recommendations in the Bureau's objection window, with the member's vote so far."""
    closes = ReviewDeadline.objects.filter(rule_key=RuleKey.BUREAU_WINDOW)
    mine = BureauVote.objects.filter(seat__people=user.pk)
    reviews = (
        visible_reviews(user)
        .filter(state=ReviewState.BUREAU)
        .exclude(institution_id__in=own_institution_ids(user))
        .select_related("institution__region", "session", "recommendation")
        .prefetch_related(
            Prefetch("deadlines", queryset=closes, to_attr="window_closes"),
            Prefetch("recommendation__votes", queryset=mine, to_attr="my_votes"),
        )
        .order_by("institution__name")
    )
    return BureauView(reviews=list(reviews), sits=bureau_seats_of(user, today).exists())


def observer_view(user: AnyUser) -> list[Review]:
    return list(
        _open_reviews(user)
        .filter(institution__region_id__in=observed_region_ids(user))
        .order_by("institution__region__code", "session__starts_on", "institution__name")
    )
