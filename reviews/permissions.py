"""Who may see and do what with reviews and sessions.

Every list, count, export and API response of reviews starts from
:func:`visible_reviews`; every view loads one review through :func:`load_review`.
The rules built on these for the stage after the recommendation (challenge, Bureau,
meetings, publication, outbox) are in ``reviews/decision_permissions.py``; those of
the documents the portal makes in ``reviews/document_permissions.py``.
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
from reviews.enums import BUREAU_STATES, ReviewState, ScreeningResult
from reviews.models import (
    Recusal,
    ReturnedItem,
    Review,
    Session,
)
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


# --- case page, session room and report ---

# From "ready for the session" on, the SCA has a recommendation to draft; a case that
# ended before the session never had one.
NO_DRAFT_STATES = (
    ReviewState.INVITED,
    ReviewState.DOSSIER,
    ReviewState.SUBMITTED,
    ReviewState.SCREENING,
    ReviewState.SUMMARY_SHARED,
    ReviewState.WITHDRAWN,
    ReviewState.LAPSED,
)


def deliberates(user: AnyUser, review: Review) -> bool:
    """The secretariat and the SCA members sitting on the case: they read its discussion,
    its draft recommendation and every third-party submission in full (the source too).
    Never the institution, observers, the Bureau or a recused member."""
    return is_secretariat(user) or sits_on(user, review)


def discussed_reviews(user: AnyUser) -> QuerySet[Review]:
    """The reviews :func:`deliberates` allows ``user``, for lists."""
    if is_secretariat(user):
        return Review.objects.all()
    return sitting_reviews(user)


def may_open_draft(user: AnyUser, review: Review) -> bool:
    return review.state not in NO_DRAFT_STATES and deliberates(user, review)


def attends(user: AnyUser, session: Session) -> bool:
    """May open the session's room and its report: the secretariat, the SCA members
    sitting in it and the regional observers (who then see their region's cases only,
    through :func:`visible_reviews`)."""
    return (
        is_secretariat(user)
        or sessions_sat_in(user).filter(pk=session.pk).exists()
        or bool(observed_region_ids(user))
    )


# --- summary of issues and third-party submissions ---


def observes(user: AnyUser, review: Review) -> bool:
    """A regional observer of the institution's region: reads, never acts."""
    return review.institution.region_id in observed_region_ids(user)


def may_read_summary(user: AnyUser, review: Review) -> bool:
    """Who may know of the summary of issues and the third-party submissions at all."""
    return (
        deliberates(user, review)
        or is_focal_point_of(user, review.institution)
        or observes(user, review)
    )


def load_summary_review(user: AnyUser, pk: int) -> Review:
    """The review of a summary or third-party page: 404 to everyone else (a Bureau
    member, another institution, a recused member); the services refuse the acts."""
    review = load_review(user, pk)
    if not may_read_summary(user, review):
        raise Http404
    return review


def may_read_answers(user: AnyUser, review: Review, *, sent: bool) -> bool:
    """The institution and the secretariat read the answers as they are written; the
    SCA and the region's observers once the institution has sent them."""
    if is_secretariat(user) or is_focal_point_of(user, review.institution):
        return True
    return sent and (sits_on(user, review) or observes(user, review))


# --- conflicts of interest ---


def seats_on_case(review: Review) -> list[Seat]:
    """The SCA seats that sit on ``review``: the rule of :func:`_sitting_on`, seen from
    the case. A seat sitting in the session takes part unless it sits for the
    institution under review or is recused; the region's alternate takes part exactly
    when one of its region's members does not, unless it is conflicted itself."""
    seats = list(
        review.session.seats.filter(body=Body.SCA)
        .select_related("institution", "region")
        .prefetch_related("people")
    )
    recused = set(Recusal.objects.filter(review=review).values_list("seat_id", flat=True))

    def conflicted(seat: Seat) -> bool:
        return seat.institution_id == review.institution_id or seat.pk in recused

    absent_regions = {
        seat.region_id for seat in seats if seat.role != SeatRole.ALTERNATE and conflicted(seat)
    }
    return [
        seat
        for seat in seats
        if not conflicted(seat)
        and (seat.role != SeatRole.ALTERNATE or seat.region_id in absent_regions)
    ]


def may_see_objections(user: AnyUser, review: Review) -> bool:
    """Objections to SCA members and who sits on a case: the institution's focal points
    and the secretariat only. Never an SCA member: the member objected to learns
    nothing of it."""
    return is_secretariat(user) or is_focal_point_of(user, review.institution)


def load_objections_review(user: AnyUser, pk: int) -> Review:
    """The review of the objections page: 404 to everyone but those of
    :func:`may_see_objections`."""
    review = load_review(user, pk)
    if not may_see_objections(user, review):
        raise Http404
    return review


def declarable_seats(user: AnyUser, review: Review) -> list[Seat]:
    """The seats for which ``user`` may declare a conflict on ``review``: their own seats
    that sit on it (see :func:`seats_on_case`), once they sit on it at all."""
    if not sits_on(user, review):
        return []
    return [seat for seat in seats_on_case(review) if user in seat.people.all()]


# --- recommendation drafting and adoption ---

# The SCA writes its recommendation on a case while the case is before the session.
DRAFTING_STATES = (ReviewState.READY, ReviewState.AT_SESSION)


def adoptable_reviews(session: Session) -> QuerySet[Review]:
    """The cases whose recommendations the session adopts at its end."""
    return Review.objects.filter(session=session, state__in=DRAFTING_STATES)


def may_adopt(user: AnyUser, session: Session) -> bool:
    """The adoption is for the secretariat and the session's chair; 404 to others."""
    return is_secretariat(user) or chairs(user, session)


def adoptable_by(user: AnyUser, session: Session) -> QuerySet[Review]:
    """The cases of ``session`` whose recommendations ``user`` adopts: the chair those
    they sit on, the secretariat every one. A chair recused from a case so learns
    nothing of it, not even that it exists: the secretariat adopts it."""
    cases = adoptable_reviews(session)
    return cases if is_secretariat(user) else cases.filter(pk__in=sitting_reviews(user))


# --- screening ---

# The question whether the institution handles complaints, as a part of the dossier that
# a return can name beside the document slots and the themes of the statement.
COMPLAINTS_QUESTION = "handles-complaints"


def reopened_parts(review: Review) -> frozenset[str] | None:
    """The parts of the dossier (slots, themes, :data:`COMPLAINTS_QUESTION`) that a
    return by the secretariat has reopened, while the return is open; None when no
    return is open."""
    items = ReturnedItem.objects.filter(
        screening__review=review,
        screening__result=ScreeningResult.RETURNED,
        screening__closed_at__isnull=True,
    ).values_list("slot", "theme")
    return frozenset(slot or theme or COMPLAINTS_QUESTION for slot, theme in items) or None


def editable_parts(user: AnyUser, review: Review) -> frozenset[str] | None:
    """The parts of the dossier ``user`` may change: None for every part; while a return
    is open, the returned parts only; none once the dossier is submitted."""
    if not may_edit_dossier(user, review):
        return frozenset()
    return reopened_parts(review)


def may_edit_part(user: AnyUser, review: Review, part: str) -> bool:
    parts = editable_parts(user, review)
    return parts is None or part in parts
