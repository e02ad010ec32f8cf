"""Bureau meetings: the secretariat schedules them; each decides the cases referred to
it (see :func:`reviews.services.decisions.decide_at_bureau_meeting`) and keeps a
numbered record of its decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError
from reviews.enums import ReviewState, Vote
from reviews.models import (
    BureauMeeting,
    BureauVote,
    Decision,
    Review,
    ReviewDeadline,
    ReviewEvent,
)
from reviews.services.bureau import Tally

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REFERENCE_MAX_CHARS = 60
PLACE_MAX_CHARS = 120


@transaction.atomic
def schedule_meeting(
    *,
    held_on: dt.date,
    reference: str,
    place: str = "",
    is_virtual: bool = False,
    by: User,
) -> BureauMeeting:
    """Schedule (or record) a meeting of the Bureau.

    Effects: the meeting with its history row. Its reference, which cites its record of
    decisions, is unique.
    """
    require_secretariat(by)
    reference = reference.strip()
    if not reference:
        raise DomainError(_("Give the meeting's reference, e.g. “Bureau 2030/2”."))
    if len(reference) > REFERENCE_MAX_CHARS:
        raise DomainError(
            _("Keep the reference to %(limit)d characters.") % {"limit": REFERENCE_MAX_CHARS}
        )
    place = place.strip()
    if not place and not is_virtual:
        raise DomainError(_("Say where the meeting is held, or that it is virtual."))
    if BureauMeeting.objects.filter(reference__iexact=reference).exists():
        raise DomainError(
            _("Another meeting already has the reference “%(reference)s”; choose another.")
            % {"reference": reference}
        )
    try:
        with transaction.atomic():
            return BureauMeeting.objects.create(
                held_on=held_on,
                reference=reference,
                place=place[:PLACE_MAX_CHARS],
                is_virtual=is_virtual,
                created_by=by,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("Someone else scheduled a meeting “%(reference)s” first.") % {"reference": reference}
        ) from None


def next_meeting(on: dt.date) -> BureauMeeting | None:
    """The first meeting held on or after ``on``."""
    return BureauMeeting.objects.filter(held_on__gte=on).order_by("held_on", "pk").first()


@dataclass(frozen=True)
class Referred:
    """A case referred to the Bureau and awaiting its decision, as a meeting sees it."""

    review: Review
    referred_on: dt.date | None
    tally: Tally
    # Whether this meeting may decide it: held, and the case referred by then.
    decidable: bool


def _referred_on() -> Subquery:
    events = ReviewEvent.objects.filter(review=OuterRef("pk"), to_state=ReviewState.REFERRED)
    return Subquery(events.order_by("-at").values("at")[:1])


def awaiting_decision(meeting: BureauMeeting, reviews: QuerySet[Review]) -> list[Referred]:
    """Every case of ``reviews`` (the reader's visibility queryset) referred and not yet
    decided: those referred by the meeting's day first, oldest referral first. The same
    few queries however many cases there are."""
    votes = BureauVote.objects.select_related("seat__region")
    closes = ReviewDeadline.objects.filter(rule_key=RuleKey.BUREAU_WINDOW)
    cases = (
        reviews.filter(state=ReviewState.REFERRED)
        .select_related("institution__region", "session", "recommendation", "challenge")
        .prefetch_related(
            Prefetch("recommendation__votes", queryset=votes),
            Prefetch("deadlines", queryset=closes, to_attr="window_closes"),
        )
        .annotate(referred_at=_referred_on())
    )
    held = meeting.held_on <= clock.today()
    rows = []
    for case in cases:
        referred_on = case.referred_at.date() if case.referred_at else None
        in_time = referred_on is None or referred_on <= meeting.held_on
        until = case.window_closes[0].due_on if case.window_closes else None
        rows.append(
            Referred(
                review=case,
                referred_on=referred_on,
                tally=_tally(case, until),
                decidable=held and in_time,
            )
        )
    rows.sort(
        key=lambda row: (
            not (row.referred_on is None or row.referred_on <= meeting.held_on),
            row.referred_on or dt.date.max,
            row.review.institution.name,
        )
    )
    return rows


def _tally(review: Review, until: dt.date | None) -> Tally:
    """:func:`reviews.services.bureau.tally` from the prefetched votes: the votes cast by
    the close of the window, never the institution's own seat's."""
    recommendation = review.recommendation
    votes = [
        vote
        for vote in recommendation.votes.all()
        if vote.seat.institution_id != review.institution_id
        and (until is None or vote.cast_on <= until)
    ]
    objections = [vote for vote in votes if vote.vote == Vote.OBJECT]
    return Tally(
        objectors=len({vote.seat_id for vote in objections}),
        regions=frozenset(vote.seat.region.code for vote in objections),
        approvals=sum(1 for vote in votes if vote.vote == Vote.APPROVE),
        min_objectors=recommendation.referral_min_objectors
        or rulebook.threshold(RuleKey.REFERRAL_MIN_OBJECTORS),
        min_regions=recommendation.referral_min_regions
        or rulebook.threshold(RuleKey.REFERRAL_MIN_REGIONS),
    )


def record_of_decisions(meeting: BureauMeeting, reviews: QuerySet[Review]) -> list[Decision]:
    """What ``meeting`` decided on the cases of ``reviews``, in the order of its record."""
    return list(
        meeting.decisions.filter(review__in=reviews)
        .select_related("review__institution", "review__recommendation", "status_record")
        .order_by("item")
    )
