"""The one function through which every change of a review's state passes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews import workflow
from reviews.enums import ReviewState
from reviews.models import Review, ReviewEvent
from reviews.permissions import may_transition
from reviews.services.outbox import queue_event_mail

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class TransitionResult:
    review: Review
    changed: bool
    event: ReviewEvent | None = None


def transition(
    review: Review,
    *,
    to: ReviewState,
    by: User | None,
    reason: str = "",
) -> TransitionResult:
    """Move ``review`` to ``to`` as ``by`` (None: the rules themselves).

    Effects: the state (only if it is still what was loaded: a concurrent change
    raises :class:`Conflict`), one history row, and the institution's mail written to
    the outbox, to be sent once the transaction commits.
    Re-applying the current state changes nothing.
    """
    if review.state == to:
        return TransitionResult(review=review, changed=False)
    step = workflow.find(review.state, to)
    if step is None:
        raise DomainError(
            _("A review that is “%(source)s” cannot become “%(target)s”.")
            % {"source": ReviewState(review.state).label, "target": ReviewState(to).label}
        )
    if not may_transition(by, step, review):
        raise NotPermitted(_("You may not “%(label)s” for this review.") % {"label": step.label})
    if step.condition is not None and not step.condition(review):
        raise DomainError(str(step.condition_message))
    source = review.state
    try:
        with transaction.atomic():
            review.move_to(to)
            review.state_changed_at = clock.now()
            review.save(update_fields=["state", "state_changed_at"])
            event = ReviewEvent.objects.create(
                review=review,
                at=review.state_changed_at,
                by=by,
                from_state=source,
                to_state=to,
                reason=reason,
            )
            queue_event_mail(event)
    except ConcurrentTransition:
        review.refresh_from_db(fields=["state", "state_changed_at"])
        raise Conflict(
            _(
                "Someone else changed this review first: it is now “%(state)s”. "
                "Look at it again before you act."
            )
            % {"state": ReviewState(review.state).label}
        ) from None
    return TransitionResult(review=review, changed=True, event=event)
