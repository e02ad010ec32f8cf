"""Final decisions: deemed adoption and the Bureau meeting. They write the status."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation.services import record_decision
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import (
    KIND_BASIS,
    OUTCOME_STATUS,
    UNCHALLENGEABLE,
    DecisionRoute,
    Outcome,
    ReviewState,
)
from reviews.models import Decision, Review
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


@transaction.atomic
def decide_at_bureau_meeting(
    *,
    review: Review,
    outcome: Outcome,
    decided_on: dt.date,
    record_number: str,
    reasons: str,
    by: User,
) -> Decision:
    """Record the Bureau meeting's decision on a referred case (its own outcome may differ).

    Effects: the decision with its number in the record of decisions, the status
    record, the review decided.
    """
    require_secretariat(by)
    if review.state != ReviewState.REFERRED:
        raise DomainError(_("Only a case referred to the Bureau is decided at its meeting."))
    if outcome in UNCHALLENGEABLE:
        raise DomainError(_("The Bureau decides on status; deferral belongs to the SCA."))
    if decided_on > clock.today():
        raise DomainError(_("The meeting's date cannot be in the future."))
    if not record_number.strip():
        raise DomainError(_("Give the decision's number in the record of decisions."))
    return _finalise(
        review,
        outcome=outcome,
        route=DecisionRoute.BUREAU_MEETING,
        decided_on=decided_on,
        by=by,
        record_number=record_number,
        reasons=reasons,
    )
