"""Celery tasks of the procedure: thin, keyword-only ids, safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import ReviewEvent

logger = logging.getLogger(__name__)

# The changes an institution is told about by mail.
MAILED_STATES = (
    ReviewState.INVITED,
    ReviewState.NOTIFIED,
    ReviewState.DEFERRED,
    ReviewState.SPECIAL_REVIEW_OPENED,
    ReviewState.DECIDED,
    ReviewState.LAPSED,
)


@shared_task(name="reviews.send_review_event_mail")
def send_review_event_mail(*, event_id: int) -> int:
    """Tell the institution's focal points of a change in their review.

    The event is claimed with a conditional update first, so a second run (a retry,
    a duplicate delivery) sends nothing. Returns the number of recipients.
    """
    event = (
        ReviewEvent.objects.select_related("review__institution", "review__session")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.to_state not in MAILED_STATES:
        return 0
    claimed = ReviewEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=clock.now()
    )
    if not claimed:
        return 0
    institution = event.review.institution
    recipients = sorted(
        {m.user.email for m in institution.memberships.select_related("user") if m.user.email}
    )
    if not recipients:
        return 0
    with translation.override(institution.working_language):
        context = {"event": event, "review": event.review, "institution": institution}
        subject = render_to_string("emails/review_event_subject.txt", context).strip()
        body = render_to_string("emails/review_event.txt", context)
    send_mail(subject, body, None, recipients)
    logger.info("mailed review event %s to %s recipients", event_id, len(recipients))
    return len(recipients)


@shared_task(name="reviews.process_deadlines")
def process_deadlines_task(*, as_of: str | None = None) -> list[str]:
    """The beat-driven deadline sweep; ``as_of`` is an ISO date, today when absent."""
    from reviews.services.sweep import process_deadlines

    day = dt.date.fromisoformat(as_of) if as_of else None
    report = process_deadlines(as_of=day)
    for line in report.actions:
        logger.info("sweep %s: %s", report.as_of, line)
    return report.actions
