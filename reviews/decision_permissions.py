"""Who may see and do what once the SCA has recommended: the institution's challenge,
the Bureau's e-procedure and meetings, the published reports, the outbox and each
user's mail."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from institutions.enums import Role
from institutions.models import Seat
from institutions.permissions import (
    bureau_seats_of,
    has_role,
    is_focal_point_of,
    is_secretariat,
    own_institution_ids,
)
from reviews.enums import BUREAU_STATES
from reviews.models import BureauMeeting, MessageState, OutgoingMessage, Review, Session
from reviews.permissions import load_review, visible_reviews

if TYPE_CHECKING:
    from reviews.permissions import AnyUser


def may_read_challenge(user: AnyUser, review: Review) -> bool:
    """The recommendation as notified and the institution's challenge of it: the
    secretariat, the institution's focal points, and the Bureau members once the
    recommendation is before the Bureau (never their own institution's)."""
    if is_secretariat(user) or is_focal_point_of(user, review.institution):
        return True
    return (
        review.state in BUREAU_STATES
        and has_role(user, Role.BUREAU_MEMBER)
        and review.institution_id not in own_institution_ids(user)
    )


def load_challenge_review(user: AnyUser, pk: int) -> Review:
    """The review of the challenge page: 404 to everyone but those of
    :func:`may_read_challenge`; the service refuses the acts (403)."""
    review = load_review(user, pk)
    if not may_read_challenge(user, review):
        raise Http404
    return review


def follows_bureau(user: AnyUser) -> bool:
    """The Bureau's pages are for its members (who vote) and the secretariat (which
    follows the tally); everyone else is told they do not exist."""
    return is_secretariat(user) or has_role(user, Role.BUREAU_MEMBER)


def load_bureau_review(user: AnyUser, pk: int) -> Review:
    """The review of a Bureau page: 404 to everyone but :func:`follows_bureau`, and to
    a Bureau member on their own institution's case (:func:`visible_reviews`)."""
    review = load_review(user, pk)
    if not follows_bureau(user) or review.state not in BUREAU_STATES:
        raise Http404
    return review


def voting_seat(user: AnyUser, review: Review, day: dt.date) -> Seat | None:
    """The Bureau seat ``user`` votes for on ``review`` on ``day``; None when they hold
    none (the secretariat, a member whose term has ended) or only their institution's."""
    return (
        bureau_seats_of(user, day)
        .exclude(institution_id=review.institution_id)
        .order_by("starts_on", "pk")
        .first()
    )


def reads_meetings(user: AnyUser) -> bool:
    """The secretariat runs the Bureau's meetings; the Bureau's members read them (the
    cases of their own institution left out, through :func:`visible_reviews`)."""
    return is_secretariat(user) or has_role(user, Role.BUREAU_MEMBER)


def load_meeting(user: AnyUser, pk: int, *, to_act: bool = False) -> BureauMeeting:
    """404 to those who may not know the meetings; 403 to the Bureau, who only read."""
    if not reads_meetings(user):
        raise Http404
    meeting = BureauMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if to_act and not is_secretariat(user):
        raise PermissionDenied
    return meeting


def published_sessions() -> QuerySet[Session]:
    """The sessions whose report anyone may read: published ones."""
    return Session.objects.filter(report_published_on__isnull=False)


def public_reviews(session: Session) -> QuerySet[Review]:
    """What the public reads of a published report: every case of the session (the
    SCA's report is public once published); nothing before."""
    if session.report_published_on is None:
        return Review.objects.none()
    return Review.objects.filter(session=session)


def may_manage_outbox(user: AnyUser) -> bool:
    """The outbox names every mail the portal writes: the secretariat's alone."""
    return is_secretariat(user)


def require_outbox(user: AnyUser) -> None:
    """404 to everyone but the secretariat: nobody else may learn the outbox exists."""
    if not may_manage_outbox(user):
        raise Http404


def readable_mails(user: AnyUser, mails: QuerySet[OutgoingMessage]) -> QuerySet[OutgoingMessage]:
    """The mails of ``mails`` that ``user`` may read in the portal: never a draft, and none
    about a review they may no longer know of (a member recused since it was sent)."""
    return mails.exclude(state=MessageState.DRAFT).filter(
        Q(review__isnull=True) | Q(review__in=visible_reviews(user))
    )
