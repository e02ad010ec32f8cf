"""What the home page shows each role: the reviews it can do something about next.

Every list starts from :func:`reviews.permissions.visible_reviews` and loads what
its rows show in a fixed number of queries, however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accreditation import rulebook
from accreditation.models import StatusRecord
from accreditation.rulebook import RuleKey
from accreditation.status import statuses_on
from institutions.enums import RegionCode, Role
from institutions.models import Institution
from institutions.permissions import (
    bureau_seats_of,
    institutions_acted_for,
    observed_region_ids,
    own_institution_ids,
    roles_of,
)
from reviews.enums import CLOSED_STATES, ReviewState
from reviews.models import BureauVote, Review, ReviewDeadline, Session, SessionDeadline
from reviews.permissions import sessions_sat_in, visible_reviews

if TYPE_CHECKING:
    from institutions.permissions import AnyUser

# The secretariat looks this far ahead for deadlines, and for sessions at which an
# institution falls due for re-accreditation (about eighteen months).
APPROACHING = dt.timedelta(days=30)
PLANNING_HORIZON = dt.timedelta(days=548)
LATEST = 10
# Each list of deadlines on the home page shows this many; the worklist shows them all.
DEADLINES_SHOWN = 25

# When a deadline of a review is outstanding: the states in which what it asks is still
# to be done. Its day past while the review is in one of them, it is overdue. (The
# Bureau window opens the day the challenge window closes, so it is not listed twice.)
OUTSTANDING: dict[str, tuple[ReviewState, ...]] = {
    RuleKey.DOSSIER_DUE: (ReviewState.INVITED, ReviewState.DOSSIER),
    RuleKey.SUMMARY_RESPONSE_DUE: (ReviewState.SUMMARY_SHARED,),
    RuleKey.CHALLENGE_WINDOW: (ReviewState.NOTIFIED,),
    RuleKey.BUREAU_WINDOW: (ReviewState.BUREAU,),
    RuleKey.LAPSE_AFTER_DEFERRAL: (ReviewState.INVITED, ReviewState.DOSSIER),
}


@dataclass(frozen=True)
class Tally:
    """How many open reviews share one value (a state, a session, a region), with the
    worklist filter that lists them."""

    label: str
    count: int
    param: str
    value: str


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline of a review (``review`` set) or of a session, and why it falls then."""

    due_on: dt.date
    label: str
    explanation: str
    session: Session
    review: Review | None = None


@dataclass(frozen=True)
class DueForReaccreditation:
    institution: Institution
    due: rulebook.Deadline
    session: Session  # the first planned session on or after the due day


@dataclass(frozen=True)
class SecretariatView:
    by_state: list[Tally]
    by_session: list[Tally]
    by_region: list[Tally]
    latest: list[Review]
    overdue: list[DeadlineRow]  # the first DEADLINES_SHOWN
    overdue_count: int
    approaching: list[DeadlineRow]
    due_for_reaccreditation: list[DueForReaccreditation]

    @property
    def open_count(self) -> int:
        return sum(count.count for count in self.by_state)


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
    open_reviews = _open_reviews(user)
    overdue, approaching, overdue_count = review_deadlines(open_reviews, today)
    return SecretariatView(
        by_state=_by_state(open_reviews),
        by_session=_by_session(open_reviews),
        by_region=_by_region(open_reviews),
        latest=list(open_reviews.order_by("-state_changed_at", "-pk")[:LATEST]),
        overdue=overdue,
        overdue_count=overdue_count,
        approaching=sorted(
            approaching + session_deadlines(today), key=lambda row: (row.due_on, row.label)
        ),
        due_for_reaccreditation=due_for_reaccreditation(today),
    )


def _by_state(reviews: QuerySet[Review]) -> list[Tally]:
    counts = dict(reviews.order_by().values_list("state").annotate(n=models.Count("pk")))
    return [
        Tally(str(state.label), counts[state], "state", state.value)
        for state in ReviewState
        if state in counts
    ]


def _by_session(reviews: QuerySet[Review]) -> list[Tally]:
    rows = (
        reviews.order_by()
        .values("session", "session__name", "session__starts_on")
        .annotate(n=models.Count("pk"))
        .order_by("session__starts_on", "session")
    )
    return [Tally(row["session__name"], row["n"], "session", str(row["session"])) for row in rows]


def _by_region(reviews: QuerySet[Review]) -> list[Tally]:
    counts = dict(
        reviews.order_by().values_list("institution__region__code").annotate(n=models.Count("pk"))
    )
    return [
        Tally(str(code.label), counts[code], "region", code.value)
        for code in RegionCode
        if code in counts
    ]


def outstanding_deadlines() -> Q:
    """The deadlines of reviews still in a state where what they ask is to be done."""
    condition = Q(pk__in=[])
    for key, states in OUTSTANDING.items():
        condition |= Q(rule_key=key, review__state__in=states)
    return condition


def with_next_deadline(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Annotate each review with its next outstanding deadline: ``next_due`` (a day,
    past when overdue) and ``next_label``; both None when nothing is outstanding."""
    pending = ReviewDeadline.objects.filter(outstanding_deadlines(), review=OuterRef("pk"))
    pending = pending.order_by("due_on", "pk")
    return reviews.annotate(
        next_due=Subquery(pending.values("due_on")[:1]),
        next_label=Subquery(pending.values("label")[:1]),
    )


def review_deadlines(
    reviews: QuerySet[Review], today: dt.date
) -> tuple[list[DeadlineRow], list[DeadlineRow], int]:
    """The outstanding deadlines of ``reviews``: the first :data:`DEADLINES_SHOWN` of
    those past (overdue), those in the next :data:`APPROACHING` days, and how many are
    overdue in all (the worklist, sorted by deadline, lists every one)."""
    rows = (
        ReviewDeadline.objects.filter(outstanding_deadlines(), review__in=reviews)
        .select_related("review__institution", "review__session")
        .order_by("due_on", "review__institution__name", "pk")
    )
    past = rows.filter(due_on__lt=today)
    coming = rows.filter(due_on__gte=today, due_on__lte=today + APPROACHING)

    def lines(deadlines: QuerySet[ReviewDeadline]) -> list[DeadlineRow]:
        return [
            DeadlineRow(row.due_on, row.label, row.explain(), row.review.session, row.review)
            for row in deadlines[:DEADLINES_SHOWN]
        ]

    return lines(past), lines(coming), past.count()


def session_deadlines(today: dt.date) -> list[DeadlineRow]:
    """The sessions' own deadlines in the next :data:`APPROACHING` days."""
    rows = (
        SessionDeadline.objects.filter(due_on__range=(today, today + APPROACHING))
        .exclude(rule_key=RuleKey.DOSSIER_DUE)  # each review's own dossier deadline shows
        .select_related("session")
        .order_by("due_on", "pk")
    )
    return [DeadlineRow(row.due_on, row.label, row.explain(), row.session) for row in rows]


def due_for_reaccreditation(today: dt.date) -> list[DueForReaccreditation]:
    """Accredited institutions without an open review whose next re-accreditation (five
    years after the decision on their grade) falls by the start of a session planned in
    the next :data:`PLANNING_HORIZON` days, each with the first such session."""
    sessions = list(
        Session.objects.filter(
            starts_on__gt=today, starts_on__lte=today + PLANNING_HORIZON
        ).order_by("starts_on", "pk")
    )
    if not sessions:
        return []
    open_review = Review.objects.filter(institution=OuterRef("institution")).exclude(
        state__in=CLOSED_STATES
    )
    candidates = StatusRecord.objects.exclude(Exists(open_review)).values_list(
        "institution_id", flat=True
    )
    statuses = statuses_on(set(candidates), today)
    # The rule is read once: Status.next_reaccreditation would read it per institution.
    interval = rulebook.compute(
        RuleKey.REACCREDITATION_INTERVAL, anchor_on=today, anchor_label=str(_("grade decided"))
    )
    due: dict[int, tuple[rulebook.Deadline, Session]] = {}
    for pk, status in statuses.items():
        if not status.is_accredited or status.decided_on is None:
            continue  # a grade recorded before the portal has no known decision day
        deadline = replace(
            interval,
            anchor_on=status.decided_on,
            due_on=rulebook.shift(
                status.decided_on, interval.value, interval.unit, interval.direction
            ),
        )
        session = next((s for s in sessions if s.starts_on >= deadline.due_on), None)
        if session is not None:
            due[pk] = (deadline, session)
    institutions = Institution.objects.in_bulk(list(due))
    rows = [DueForReaccreditation(institutions[pk], *due[pk]) for pk in due]
    return sorted(rows, key=lambda row: (row.due.due_on, row.institution.name))


def focal_point_view(user: AnyUser) -> list[InstitutionReviews]:
    """The institutions' open reviews with their deadlines and, while the challenge
    window is open, whether the recommendation has been challenged (``challenge``)."""
    institutions = list(institutions_acted_for(user).order_by("name"))
    reviews = (
        _open_reviews(user)
        .filter(institution__in=[institution.pk for institution in institutions])
        .select_related("challenge")
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
