"""Who may see and do what with reviews and sessions: the one home of these rules.

Every list, count, export and API response of reviews starts from
:func:`visible_reviews`; every view loads one review through :func:`load_review`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from institutions.enums import Body, Role, SeatRole
from institutions.models import Seat
from institutions.permissions import (
    has_role,
    institutions_acted_for,
    is_focal_point_of,
    is_secretariat,
    observed_region_ids,
    own_institution_ids,
)
from reviews.enums import BUREAU_STATES, ReviewState
from reviews.models import Recusal, Review, Session
from reviews.workflow import Actor, Transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser

SIT_IN_SESSION = "reviews.sit_in_session"


def sessions_sat_in(user: AnyUser) -> QuerySet[Session]:
    if not has_role(user, Role.SCA_MEMBER):
        return Session.objects.none()
    return get_objects_for_user(user, SIT_IN_SESSION, Session, accept_global_perms=False)


def _sitting_on(user: AnyUser) -> Q:
    """The cases ``user`` takes part in as an SCA member, as a condition on reviews.

    A region's member (or the chair) sits on every case of the session except their
    own institution's (automatic recusal) and those they are recused from (an upheld
    objection, a declared conflict). The region's alternate sits on exactly those
    cases its member does not, unless it is conflicted itself.
    """
    sitting = Session.seats.through.objects.filter(
        session__in=sessions_sat_in(user), seat__body=Body.SCA, seat__people=user.pk
    ).select_related("seat")
    pairs = [(row.session_id, row.seat) for row in sitting]
    members: dict[tuple[int, int], list[Seat]] = {}
    if any(seat.role == SeatRole.ALTERNATE for _, seat in pairs):
        rows = (
            Session.seats.through.objects.filter(session_id__in={s for s, _ in pairs})
            .filter(seat__body=Body.SCA)
            .exclude(seat__role=SeatRole.ALTERNATE)
            .select_related("seat")
        )
        for row in rows:
            members.setdefault((row.session_id, row.seat.region_id), []).append(row.seat)
    condition = Q(pk__in=[])
    for session_id, seat in pairs:
        case = (
            Q(session_id=session_id)
            & ~Q(institution_id=seat.institution_id)
            & ~Q(Exists(Recusal.objects.filter(review=OuterRef("pk"), seat=seat)))
        )
        if seat.role == SeatRole.ALTERNATE:
            stands_in_for = members.get((session_id, seat.region_id), [])
            case &= Q(institution_id__in=[m.institution_id for m in stands_in_for]) | Q(
                Exists(Recusal.objects.filter(review=OuterRef("pk"), seat__in=stands_in_for))
            )
        condition |= case
    return condition


def sitting_reviews(user: AnyUser) -> QuerySet[Review]:
    """The cases ``user`` sits on as an SCA member (see :func:`_sitting_on`)."""
    if not user.is_authenticated or not user.is_active or not has_role(user, Role.SCA_MEMBER):
        return Review.objects.none()
    return Review.objects.filter(_sitting_on(user)).exclude(
        institution_id__in=own_institution_ids(user)
    )


def sits_on(user: AnyUser, review: Review) -> bool:
    return sitting_reviews(user).filter(pk=review.pk).exists()


def chairs(user: AnyUser, session: Session) -> bool:
    """Holds the chair's seat sitting in ``session``."""
    return (
        has_role(user, Role.SCA_MEMBER)
        and sessions_sat_in(user).filter(pk=session.pk).exists()
        and session.seats.filter(role=SeatRole.CHAIR, body=Body.SCA, people=user.pk).exists()
    )


def visible_reviews(user: AnyUser) -> QuerySet[Review]:
    """The reviews ``user`` may know exist. A member never sees their own institution's
    case through an SCA or Bureau seat (automatic recusal), nor one they are recused
    from; as its focal point they do."""
    reviews = Review.objects.all()
    if not user.is_authenticated or not user.is_active:
        return reviews.none()
    if is_secretariat(user):
        return reviews
    own = own_institution_ids(user)
    visible = Q(pk__in=[])
    if has_role(user, Role.FOCAL_POINT):
        visible |= Q(institution__in=institutions_acted_for(user))
    if has_role(user, Role.SCA_MEMBER):
        visible |= _sitting_on(user) & ~Q(institution_id__in=own)
    if has_role(user, Role.BUREAU_MEMBER):
        visible |= Q(state__in=BUREAU_STATES) & ~Q(institution_id__in=own)
    if has_role(user, Role.OBSERVER):
        visible |= Q(institution__region_id__in=observed_region_ids(user))
    return reviews.filter(visible)


def actors_for(user: AnyUser | None, review: Review) -> set[Actor]:
    """The capacities in which ``user`` stands towards ``review``; None is the system."""
    if user is None:
        return {Actor.SYSTEM}
    actors: set[Actor] = set()
    if is_secretariat(user):
        actors.add(Actor.SECRETARIAT)
    if is_focal_point_of(user, review.institution):
        actors.add(Actor.FOCAL_POINT)
    if chairs(user, review.session) and sits_on(user, review):
        actors.add(Actor.SCA_CHAIR)
    return actors


def may_transition(user: AnyUser | None, transition: Transition, review: Review) -> bool:
    actors = actors_for(user, review) & transition.who
    if actors == {Actor.FOCAL_POINT} and transition.focal_point_condition is not None:
        return transition.focal_point_condition(review)
    return bool(actors)


def may_act_on(user: AnyUser, review: Review) -> bool:
    return bool(actors_for(user, review) - {Actor.SYSTEM})


def load_review(user: AnyUser, pk: int, *, to_act: bool = False) -> Review:
    """404 to those who may not know the review exists; 403 to those who may only look."""
    review = (
        visible_reviews(user).select_related("institution__region", "session").filter(pk=pk).first()
    )
    if review is None:
        raise Http404
    if to_act and not may_act_on(user, review):
        raise PermissionDenied
    return review


# Before submission a dossier is the institution's draft: only its focal points and
# the secretariat may know what is in it.
DRAFT_STATES = (ReviewState.INVITED, ReviewState.DOSSIER)


def visible_dossier_reviews(user: AnyUser) -> QuerySet[Review]:
    """Reviews whose dossier ``user`` may read: drafts only for its authors."""
    reviews = visible_reviews(user)
    if is_secretariat(user):
        return reviews
    own = (
        Q(institution__in=institutions_acted_for(user))
        if has_role(user, Role.FOCAL_POINT)
        else Q(pk__in=[])
    )
    return reviews.filter(own | ~Q(state__in=DRAFT_STATES))


def may_edit_dossier(user: AnyUser, review: Review) -> bool:
    return review.state in DRAFT_STATES and (
        is_secretariat(user) or is_focal_point_of(user, review.institution)
    )


def load_dossier_review(user: AnyUser, pk: int, *, to_edit: bool = False) -> Review:
    """The review whose dossier a view shows: 404 to those who may not read it, 403 to
    those who may read but not change it (or no longer: it has been submitted)."""
    review = (
        visible_dossier_reviews(user)
        .select_related("institution__region", "session")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404
    if to_edit and not may_edit_dossier(user, review):
        raise PermissionDenied
    return review
