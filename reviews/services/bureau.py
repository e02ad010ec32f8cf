"""The Bureau's e-procedure: votes on recommendations and the referral rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from institutions.enums import Body
from institutions.models import Seat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ReviewState, Vote
from reviews.models import BureauVote, Review, ReviewDeadline

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def bureau_window(review: Review) -> tuple[ReviewDeadline, ReviewDeadline]:
    """The opening and closing of the Bureau's objection window, as set at notification."""
    deadlines = {d.rule_key: d for d in review.deadlines.all()}
    try:
        return deadlines[RuleKey.BUREAU_WINDOW_OPENS], deadlines[RuleKey.BUREAU_WINDOW]
    except KeyError:
        raise DomainError(
            _("This review has not been notified; there is nothing to vote on.")
        ) from None


@transaction.atomic
def cast_vote(*, review: Review, seat: Seat, vote: Vote, by: User, reasons: str = "") -> BureauVote:
    """Approve or object to the recommendation on ``review`` for ``seat``.

    A member may change their vote until the window closes; the vote's history keeps
    every change. Effects: the vote row (created or updated) and its history row.
    """
    today = clock.today()
    if seat.body != Body.BUREAU or not seat.is_active_on(today):
        raise NotPermitted(_("Only a sitting Bureau member votes on recommendations."))
    if not seat.people.filter(pk=by.pk).exists():
        raise NotPermitted(_("You do not sit for this Bureau seat."))
    if seat.institution_id == review.institution_id:
        raise NotPermitted(_("A Bureau member never votes on their own institution's case."))
    if review.state not in (ReviewState.NOTIFIED, ReviewState.BUREAU):
        raise DomainError(_("This recommendation is not before the Bureau."))
    opens, closes = bureau_window(review)
    if today < opens.due_on:
        raise DomainError(
            _("The Bureau's window opens on %(day)s.") % {"day": opens.due_on.isoformat()}
        )
    if today > closes.due_on:
        raise DomainError(
            _("The Bureau's window closed on %(day)s.") % {"day": closes.due_on.isoformat()}
        )
    if vote == Vote.OBJECT and not reasons.strip():
        raise DomainError(_("Give the reasons for the objection."))
    row, _created = BureauVote.objects.update_or_create(
        recommendation=review.recommendation,
        seat=seat,
        defaults={
            "vote": vote,
            "reasons": reasons,
            "cast_by": by,
            "cast_on": today,
            "cast_at": clock.now(),
        },
    )
    return row


@dataclass(frozen=True)
class Tally:
    objectors: int
    regions: frozenset[str]
    approvals: int
    min_objectors: int
    min_regions: int

    @property
    def refers(self) -> bool:
        return self.objectors >= self.min_objectors and len(self.regions) >= self.min_regions


def tally(review: Review, *, until: dt.date | None = None) -> Tally:
    """Count the Bureau's votes on ``review`` cast up to ``until`` (the window's last day).

    The thresholds are those copied to the recommendation when its window opened,
    or the rulebook's while it has not.
    """
    recommendation = review.recommendation
    votes = recommendation.votes.select_related("seat__region").exclude(
        seat__institution_id=review.institution_id
    )
    if until is not None:
        votes = votes.filter(cast_on__lte=until)
    objections = [v for v in votes if v.vote == Vote.OBJECT]
    return Tally(
        objectors=len({v.seat_id for v in objections}),
        regions=frozenset(v.seat.region.code for v in objections),
        approvals=sum(1 for v in votes if v.vote == Vote.APPROVE),
        min_objectors=recommendation.referral_min_objectors
        or rulebook.threshold(RuleKey.REFERRAL_MIN_OBJECTORS),
        min_regions=recommendation.referral_min_regions
        or rulebook.threshold(RuleKey.REFERRAL_MIN_REGIONS),
    )
