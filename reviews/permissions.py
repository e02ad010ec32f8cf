"""Who may see and do what with reviews and sessions: the one home of these rules.

Every list, count, export and API response of reviews starts from
:func:`visible_reviews`; every view loads one review through :func:`load_review`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from institutions.enums import Body, Role, SeatRole
from institutions.models import Seat
from institutions.permissions import (
    bureau_seats_of,
    has_role,
    institutions_acted_for,
    is_focal_point_of,
    is_secretariat,
    observed_region_ids,
    own_institution_ids,
)
from reviews.enums import BUREAU_STATES, ReviewState, ScreeningResult
from reviews.models import (
    BureauMeeting,
    DocumentKind,
    GeneratedDocument,
    MessageState,
    OutgoingMessage,
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


# -- challenge --


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


# -- end challenge --

# -- Bureau e-procedure --


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


# -- end Bureau --

# -- Bureau meetings and report publication --


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


# -- end meetings --

# -- outbox and mail --


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


# -- end outbox --

# -- generated documents --


def may_read_document(user: AnyUser, document: GeneratedDocument) -> bool:
    """Who may follow and download a generated document: the chart is public; a
    session report by everyone once published and by the secretariat before (the
    full report names every case; those who attend read the report's page, which
    leaves out the cases they may not know of); a letter or certificate by the
    secretariat and the institution's focal points; a review packet by the secretariat
    and the person it was made for."""
    kind = document.kind
    if kind == DocumentKind.CHART:
        return True
    if kind == DocumentKind.REPORT:
        session = document.session
        return session is not None and (
            session.report_published_on is not None or is_secretariat(user)
        )
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    if kind in (DocumentKind.LETTER, DocumentKind.CERTIFICATE):
        institution = document.institution
        if institution is None and document.review is not None:
            institution = document.review.institution
        return institution is not None and is_focal_point_of(user, institution)
    if kind == DocumentKind.PACKET:
        return document.recipient_id == user.pk
    return False


def load_document(user: AnyUser, pk: int) -> GeneratedDocument:
    """404 to those who may not read the document (they may not know it exists)."""
    document = (
        GeneratedDocument.objects.select_related("session", "institution", "review__institution")
        .filter(pk=pk)
        .first()
    )
    if document is None or not may_read_document(user, document):
        raise Http404
    return document


# -- end generated --

# -- letters --


def may_edit_letters(user: AnyUser) -> bool:
    """The texts of the letters are the secretariat's to write."""
    return is_secretariat(user)


def require_letter_editor(user: AnyUser) -> None:
    """404 to everyone but the secretariat, as for the outbox: the letters' drafts and
    their history are nobody else's business."""
    if not may_edit_letters(user):
        raise Http404


def load_letters_review(user: AnyUser, pk: int) -> Review:
    """The review whose letters ``user`` may read: the secretariat and the institution's
    focal points. 404 to those who may not know the review, 403 to others who may."""
    review = load_review(user, pk)
    if not (is_secretariat(user) or is_focal_point_of(user, review.institution)):
        raise PermissionDenied
    return review


# -- end letters --

# -- packets --


def sits_in(user: AnyUser, session: Session) -> bool:
    """An SCA member whose seat sits in ``session`` (whatever cases they are recused from)."""
    return (
        user.is_authenticated
        and user.is_active
        and sessions_sat_in(user).filter(pk=session.pk).exists()
    )


def may_see_packets(user: AnyUser, session: Session) -> bool:
    """The packets page of a session: the secretariat (every packet) and the SCA members
    sitting in it (their own). Nobody else learns that it exists."""
    return is_secretariat(user) or sits_in(user, session)


def may_request_packet(user: AnyUser, session: Session, recipient: AnyUser) -> bool:
    """The secretariat asks for anyone's packet; an SCA member for their own."""
    return is_secretariat(user) or (user.pk == recipient.pk and sits_in(user, session))


def load_packets_session(user: AnyUser, pk: int) -> Session:
    """The session whose packets ``user`` may see: 404 to everyone else."""
    session = Session.objects.filter(pk=pk).first()
    if session is None or not may_see_packets(user, session):
        raise Http404
    return session


# -- end packets --
