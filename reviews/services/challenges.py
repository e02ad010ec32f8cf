"""The institution's challenge of a recommendation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation.rulebook import RuleKey
from institutions.permissions import is_focal_point_of
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ReviewState
from reviews.models import Challenge, Review

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def lodge_challenge(*, review: Review, reasons: str, by: User) -> Challenge:
    """Challenge the recommendation on ``review`` within the window.

    Effects: the challenge row; it goes before the Bureau with the recommendation.
    """
    if not is_focal_point_of(by, review.institution):
        raise NotPermitted(_("Only the institution's focal points may challenge."))
    if review.state != ReviewState.NOTIFIED:
        raise DomainError(_("There is no recommendation open to challenge on this review."))
    window = review.deadlines.get(rule_key=RuleKey.CHALLENGE_WINDOW)
    today = clock.today()
    if today > window.due_on:
        raise DomainError(
            _("The challenge window closed on %(day)s.") % {"day": window.due_on.isoformat()}
        )
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the challenge."))
    if Challenge.objects.filter(review=review).exists():
        raise DomainError(_("This recommendation has already been challenged."))
    return Challenge.objects.create(
        review=review, lodged_by=by, lodged_on=today, lodged_at=clock.now(), reasons=reasons
    )
