"""Final decisions: deemed adoption and the Bureau meeting. They write the status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.enums import Grade, StatusEvent
from accreditation.services import record_decision
from accreditation.status import status_on
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError
from reviews.enums import (
    KIND_BASIS,
    OUTCOME_STATUS,
    UNCHALLENGEABLE,
    DecisionRoute,
    Outcome,
    ReviewState,
)
from reviews.models import BureauMeeting, Decision, Review
from reviews.services.meetings import next_meeting
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _finalise(
    review: Review,
    *,
    outcome: Outcome,
    route: DecisionRoute,
    decided_on: dt.date,
    by: User | None,
    record_number: str = "",
    reasons: str = "",
    meeting: BureauMeeting | None = None,
    item: int | None = None,
) -> Decision:
    event, grade = OUTCOME_STATUS[outcome]
    session = review.session
    reference = _("%(session)s, %(route)s") % {
        "session": session.name,
        "route": DecisionRoute(route).label,
    }
    if record_number:
        reference += f", {record_number}"
    status_record = record_decision(
        institution=review.institution,
        event=event,
        grade=grade,
        decided_on=decided_on,
        basis=KIND_BASIS[review.kind],
        reference=reference,
        review_ref=review.pk,
        by=by,
    )
    decision = Decision.objects.create(
        review=review,
        outcome=outcome,
        route=route,
        decided_on=decided_on,
        record_number=record_number,
        meeting=meeting,
        item=item,
        reasons=reasons,
        status_record=status_record,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    transition(review, to=ReviewState.DECIDED, by=by, reason=reasons or reference)
    return decision


@transaction.atomic
def deem_adopted(*, review: Review, decided_on: dt.date) -> Decision:
    """The rules adopt the recommendation: the Bureau window closed without a referral.

    Effects: the decision, the institution's status record, the review decided.
    """
    return _finalise(
        review,
        outcome=Outcome(review.recommendation.outcome),
        route=DecisionRoute.DEEMED_ADOPTED,
        decided_on=decided_on,
        by=None,
    )


# What the Bureau may decide at a meeting: a status. Deferring a case or opening a
# special review are decisions of the SCA itself (Practice Notes 1 and 2).
BUREAU_OUTCOMES = tuple(outcome for outcome in Outcome if outcome not in UNCHALLENGEABLE)


@transaction.atomic
def decide_at_bureau_meeting(
    *,
    review: Review,
    meeting: BureauMeeting,
    outcome: Outcome,
    reasons: str,
    by: User,
) -> Decision:
    """Record the Bureau meeting's decision on a referred case: it adopts the SCA's
    recommendation or decides another status.

    The decision is dated the day the meeting was held and takes the next number in the
    meeting's record of decisions (1, 2, 3 without gaps: the meeting row is locked).
    Effects: the decision, the institution's status record (at once, or a year later
    for a downgrade or removal), the review decided with its history row and mail.
    """
    require_secretariat(by)
    if outcome not in BUREAU_OUTCOMES:
        raise DomainError(
            _(
                "The Bureau decides on status. Deferring a case or opening a special review "
                "is for the SCA: adopt the recommendation or choose a status."
            )
        )
    if meeting.held_on > clock.today():
        raise DomainError(
            _("The meeting %(meeting)s is held on %(day)s; record its decisions from then on.")
            % {"meeting": meeting.reference, "day": meeting.held_on.isoformat()}
        )
    meeting = BureauMeeting.objects.select_for_update().get(pk=meeting.pk)
    locked = Review.objects.select_for_update().select_related("institution", "session")
    review = locked.get(pk=review.pk)
    if review.state == ReviewState.DECIDED:
        raise Conflict(_("This case has already been decided; look at the record of decisions."))
    if review.state != ReviewState.REFERRED:
        raise DomainError(_("Only a case referred to the Bureau is decided at its meeting."))
    referred_on = referral_day(review)
    if referred_on is not None and referred_on > meeting.held_on:
        raise DomainError(
            _(
                "This case was referred on %(day)s, after the meeting %(meeting)s; record it "
                "at a later meeting."
            )
            % {"day": referred_on.isoformat(), "meeting": meeting.reference}
        )
    if outcome != review.recommendation.outcome and not reasons.strip():
        raise DomainError(
            _("Give the Bureau's reasons for deciding otherwise than the SCA recommended.")
        )
    last = meeting.decisions.aggregate(last=Max("item"))["last"] or 0
    item = last + 1
    return _finalise(
        review,
        outcome=outcome,
        route=DecisionRoute.BUREAU_MEETING,
        decided_on=meeting.held_on,
        by=by,
        record_number=record_number(meeting, item),
        reasons=reasons.strip(),
        meeting=meeting,
        item=item,
    )


def record_number(meeting: BureauMeeting, item: int) -> str:
    """How a decision is cited, in every language: ``Bureau 2030/2/3`` (the meeting's
    reference, then the item in its record of decisions)."""
    return f"{meeting.reference}/{item}"


def referral_day(review: Review) -> dt.date | None:
    """The day the rules referred ``review`` to a Bureau meeting (its history says)."""
    event = review.events.filter(to_state=ReviewState.REFERRED).order_by("-at").first()
    # clock.now() pins the day in UTC, so the stored moment's UTC date is that day.
    return event.at.date() if event is not None else None


@dataclass(frozen=True)
class DecisionPanel:
    """Where a case stands with its final decision, as the case page tells it."""

    decision: Decision | None
    effective_on: dt.date | None = None
    # While a downgrade or removal waits its year: the grade that stands meanwhile.
    pending: bool = False
    standing_grade: Grade | None = None
    next_reaccreditation: rulebook.Deadline | None = None
    # A referred case: the next Bureau meeting, if one is scheduled.
    next_meeting: BureauMeeting | None = None


def decision_panel(review: Review) -> DecisionPanel | None:
    """The decision on ``review`` (None while there is none and it is not referred)."""
    today = clock.today()
    decision = Decision.objects.filter(review=review).select_related("status_record", "meeting")
    found = decision.first()
    if found is None:
        if review.state != ReviewState.REFERRED:
            return None
        return DecisionPanel(decision=None, next_meeting=next_meeting(today))
    record = found.status_record
    effective_on = record.effective_on if record is not None else None
    pending = effective_on is not None and effective_on > today
    grades = OUTCOME_STATUS.get(found.outcome)
    next_review = None
    if grades is not None and grades[0] is StatusEvent.GRADE:
        next_review = rulebook.compute(
            rulebook.RuleKey.REACCREDITATION_INTERVAL,
            anchor_on=found.decided_on,
            anchor_label=_("decided"),
        )
    return DecisionPanel(
        decision=found,
        effective_on=effective_on,
        pending=pending,
        standing_grade=status_on(review.institution_id, today).grade if pending else None,
        next_reaccreditation=next_review,
    )
