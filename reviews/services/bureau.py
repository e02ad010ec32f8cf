"""The Bureau's e-procedure: votes on recommendations and the referral rule.

A vote and the sweep's Bureau step both lock the review's row before they look at
its state: a vote racing the window's close is either counted (and the sweep sees
it) or refused with a message, never recorded and then ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from institutions.enums import Body
from institutions.models import Region, Seat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import ReviewState, Vote
from reviews.models import BureauVote, Review, ReviewDeadline
from reviews.services.outbox import queue_mail, secretariat_addresses

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REASONS_MAX_CHARS = 5_000
# The states in which a vote is taken: the window opens the day the challenge window
# closes, before the sweep has moved the case on.
VOTING_STATES = (ReviewState.NOTIFIED, ReviewState.BUREAU)


def bureau_window(review: Review) -> tuple[ReviewDeadline, ReviewDeadline]:
    """The opening and closing of the Bureau's objection window, as set at notification."""
    deadlines = {d.rule_key: d for d in review.deadlines.all()}
    try:
        return deadlines[RuleKey.BUREAU_WINDOW_OPENS], deadlines[RuleKey.BUREAU_WINDOW]
    except KeyError:
        raise DomainError(
            _("This review has not been notified; there is nothing to vote on.")
        ) from None


def lock_review(review: Review) -> None:
    """Hold the review's row until the transaction ends and read its state afresh:
    whoever comes second waits, then sees what the first did."""
    Review.objects.select_for_update().filter(pk=review.pk).values_list("pk").first()
    review.refresh_from_db(fields=["state", "state_changed_at"])


def _closed(day: dt.date) -> str:
    return _("The Bureau's window closed on %(day)s.") % {"day": day.isoformat()}


@transaction.atomic
def cast_vote(*, review: Review, seat: Seat, vote: Vote, by: User, reasons: str = "") -> BureauVote:
    """Approve or object to the recommendation on ``review`` for ``seat``.

    A member may change their vote until the window closes; the vote's history keeps
    every change. The same vote sent twice (a double click) changes nothing.
    Effects: the vote row (created or updated) and its history row.
    """
    today = clock.today()
    if seat.body != Body.BUREAU or not seat.is_active_on(today):
        raise NotPermitted(_("Only a sitting Bureau member votes on recommendations."))
    if not seat.people.filter(pk=by.pk).exists():
        raise NotPermitted(_("You do not sit for this Bureau seat."))
    if seat.institution_id == review.institution_id:
        raise NotPermitted(_("A Bureau member never votes on their own institution's case."))
    lock_review(review)
    opens, closes = bureau_window(review)
    if review.state in (ReviewState.REFERRED, ReviewState.DECIDED):
        # The sweep closed the window first: say so rather than keep a vote nobody counts.
        raise Conflict(
            _closed(closes.due_on)
            + " "
            + _("The case is now “%(state)s”; your vote was not recorded.")
            % {"state": ReviewState(review.state).label}
        )
    if review.state not in VOTING_STATES:
        raise DomainError(_("This recommendation is not before the Bureau."))
    if today < opens.due_on:
        raise DomainError(
            _("The Bureau's window opens on %(day)s.") % {"day": opens.due_on.isoformat()}
        )
    if today > closes.due_on:
        raise DomainError(_closed(closes.due_on))
    reasons = reasons.strip()
    if vote == Vote.OBJECT and not reasons:
        raise DomainError(_("Give the reasons for the objection."))
    if len(reasons) > REASONS_MAX_CHARS:
        raise DomainError(
            _("Keep it to %(limit)d characters; it has %(count)d.")
            % {"limit": REASONS_MAX_CHARS, "count": len(reasons)}
        )
    recommendation = review.recommendation
    row = BureauVote.objects.filter(recommendation=recommendation, seat=seat).first()
    if row is not None and (row.vote, row.reasons) == (vote, reasons):
        return row
    row, _created = BureauVote.objects.update_or_create(
        recommendation=recommendation,
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


@dataclass(frozen=True)
class Thresholds:
    """The rulebook's referral thresholds, read once for a page of cases."""

    min_objectors: int
    min_regions: int

    @classmethod
    def current(cls) -> Thresholds:
        return cls(
            rulebook.threshold(RuleKey.REFERRAL_MIN_OBJECTORS),
            rulebook.threshold(RuleKey.REFERRAL_MIN_REGIONS),
        )


def count_votes(review: Review, votes: Iterable[BureauVote], current: Thresholds) -> Tally:
    """The tally of ``votes`` (each with its seat's region loaded) on ``review``. The
    thresholds are those copied to the recommendation when its window opened, or
    ``current`` while it has not."""
    counted = [v for v in votes if v.seat.institution_id != review.institution_id]
    objections = [v for v in counted if v.vote == Vote.OBJECT]
    recommendation = review.recommendation
    return Tally(
        objectors=len({v.seat_id for v in objections}),
        regions=frozenset(v.seat.region.code for v in objections),
        approvals=sum(1 for v in counted if v.vote == Vote.APPROVE),
        min_objectors=recommendation.referral_min_objectors or current.min_objectors,
        min_regions=recommendation.referral_min_regions or current.min_regions,
    )


def tally(review: Review, *, until: dt.date | None = None) -> Tally:
    """Count the Bureau's votes on ``review`` cast up to ``until`` (the window's last day)."""
    votes = review.recommendation.votes.select_related("seat__region")
    if until is not None:
        votes = votes.filter(cast_on__lte=until)
    return count_votes(review, votes, Thresholds.current())


# --- who sits, and the tally by region for the secretariat ---


def voting_seats(day: dt.date) -> list[Seat]:
    """The Bureau seats active on ``day``, with their region, institution and people."""
    return list(
        Seat.objects.active_on(day)
        .filter(body=Body.BUREAU)
        .select_related("region", "institution")
        .prefetch_related("people")
        .order_by("region__code", "institution__name", "pk")
    )


def seats_on(review: Review, seats: Iterable[Seat]) -> list[Seat]:
    """The seats among ``seats`` that vote on ``review``: never its institution's own."""
    return [seat for seat in seats if seat.institution_id != review.institution_id]


def bureau_addresses(review: Review, day: dt.date) -> list[str]:
    """The people of every Bureau seat active on ``day``, but those of the institution
    under review."""
    return sorted(
        {
            person.email
            for seat in seats_on(review, voting_seats(day))
            for person in seat.people.all()
            if person.email and person.is_active
        }
    )


@dataclass(frozen=True)
class RegionVotes:
    region: Region
    objecting: list[BureauVote]
    approving: list[BureauVote]
    not_voted: list[Seat]


@dataclass(frozen=True)
class Standing:
    """The live tally of a case, as the secretariat follows it."""

    tally: Tally
    regions: list[RegionVotes]

    @property
    def not_voted(self) -> int:
        return sum(len(part.not_voted) for part in self.regions)


def standing(
    review: Review, votes: list[BureauVote], seats: list[Seat], current: Thresholds
) -> Standing:
    """The tally of ``review`` by region: the seats objecting, approving and not yet
    voted among ``seats`` (those active; a vote by a seat whose term has ended since
    still counts)."""
    counted = [v for v in votes if v.seat.institution_id != review.institution_id]
    voted = {v.seat_id for v in counted}
    seats = seats_on(review, seats)
    regions = {seat.region_id: seat.region for seat in seats} | {
        v.seat.region_id: v.seat.region for v in counted
    }
    parts = [
        RegionVotes(
            region=region,
            objecting=[v for v in counted if v.seat.region_id == pk and v.vote == Vote.OBJECT],
            approving=[v for v in counted if v.seat.region_id == pk and v.vote == Vote.APPROVE],
            not_voted=[s for s in seats if s.region_id == pk and s.pk not in voted],
        )
        for pk, region in sorted(regions.items(), key=lambda item: item[1].code)
    ]
    return Standing(tally=count_votes(review, counted, current), regions=parts)


# --- what the sweep tells the Bureau and the secretariat ---


def _mail_context(review: Review) -> dict[str, object]:
    challenge = getattr(review, "challenge", None)
    opens, closes = bureau_window(review)
    return {
        "review": review,
        "recommendation": review.recommendation,
        "challenge": challenge,
        "documents": challenge.attachments.count() if challenge is not None else 0,
        "opens": opens,
        "closes": closes,
    }


def tell_bureau_window_open(review: Review) -> None:
    """The case is before the Bureau: each member receives the recommendation, the
    challenge if any, and the day their window closes (never those of the institution
    under review). Effects: one mail per member, once."""
    queue_mail(
        review,
        bureau_addresses(review, clock.today()),
        "reviews/bureau/emails/window_open",
        "en",
        _mail_context(review),
        key=f"bureau-window-open-{review.pk}",
    )


def tell_referred(review: Review, count: Tally) -> None:
    """The Bureau members and the secretariat learn that the case goes to the next
    Bureau meeting, and why. (The institution hears it from the transition.)"""
    recipients = bureau_addresses(review, clock.today()) + secretariat_addresses()
    context = _mail_context(review) | {"tally": count, "regions": len(count.regions)}
    queue_mail(review, recipients, "reviews/bureau/emails/referred", "en", context,
               key=f"bureau-referred-{review.pk}")  # fmt: skip


def tell_adopted(review: Review, count: Tally) -> None:
    """The secretariat learns that the recommendation was deemed adopted; the
    institution's decision letter is written elsewhere."""
    context = _mail_context(review) | {"tally": count, "regions": len(count.regions),
                                       "decision": review.decision}  # fmt: skip
    queue_mail(review, secretariat_addresses(), "reviews/bureau/emails/adopted", "en", context,
               key=f"bureau-adopted-{review.pk}")  # fmt: skip
