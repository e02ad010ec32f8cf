"""Drive reviews through the procedure with the product's own services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from institutions.enums import Body, MembershipRole, RegionCode, Role, SeatRole
from institutions.models import Institution, Seat
from institutions.services import add_member, add_observer, add_seat_person, assign_seat, give_role
from nhri_portal import clock
from reviews.enums import Outcome, ReviewKind, ReviewState
from reviews.models import Review, Session
from reviews.services.cases import invite
from reviews.services.outcomes import Paragraph, notify, record_outcome
from reviews.services.sessions import create_session, seat_in_session
from reviews.services.transitions import transition
from tests.factories import InstitutionFactory, UserFactory, region, session_dates

# The path of a review from invitation to a recommendation before the Bureau.
PATH = (
    ReviewState.DOSSIER,
    ReviewState.SUBMITTED,
    ReviewState.SCREENING,
    ReviewState.READY,
    ReviewState.AT_SESSION,
)


def secretariat(username: str = "secretariat") -> Any:
    user = UserFactory(username=username)
    give_role(user=user, role=Role.SECRETARIAT, by=None)
    return user


def session(start: dt.date = dt.date(2030, 3, 11), **extra: Any) -> Session:
    with clock.as_of(start - dt.timedelta(days=200)):
        return create_session(
            name=extra.pop("name", f"Session {start:%B %Y}"),
            by=None,
            **session_dates(start),
            **extra,
        )


def focal_point(institution: Institution, username: str) -> Any:
    user = UserFactory(username=username)
    add_member(user=user, institution=institution, role=MembershipRole.FOCAL_POINT, by=None)
    return user


def bureau_seat(
    institution: Institution, *, person: Any = None, start: dt.date = dt.date(2020, 1, 1)
) -> Seat:
    seat = assign_seat(
        institution=institution, body=Body.BUREAU, role=SeatRole.MEMBER, starts_on=start, by=None
    )
    if person is not None:
        add_seat_person(seat=seat, user=person, by=None)
    return seat


def sca_seat(institution: Institution, sessions: list[Session], *, person: Any = None) -> Seat:
    seat = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=SeatRole.MEMBER,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    if person is not None:
        add_seat_person(seat=seat, user=person, by=None)
    for each in sessions:
        seat_in_session(session=each, seat=seat, by=None)
    return seat


def open_review(
    institution: Institution, at: Session, *, kind: ReviewKind = ReviewKind.REACCREDITATION
) -> Review:
    with clock.as_of(at.starts_on - dt.timedelta(days=150)):
        return invite(institution=institution, session=at, kind=kind, by=None)


def advance(review: Review, to: ReviewState, *, by: Any = None) -> Review:
    """Walk ``review`` along the ordinary path up to ``to`` (at most "at the session")."""
    actor = by or secretariat("walker")
    for state in PATH:
        if review.state == to:
            break
        with clock.as_of(review.session.starts_on - dt.timedelta(days=10)):
            transition(review, to=state, by=actor)
    return review


def recommend(
    review: Review,
    outcome: Outcome = Outcome.ACCREDIT_A,
    *,
    by: Any = None,
    follow_up: Session | None = None,
    paragraphs: list[Paragraph] | None = None,
) -> Review:
    actor = by or secretariat("walker")
    advance(review, ReviewState.AT_SESSION, by=actor)
    with clock.as_of(review.session.ends_on):
        record_outcome(
            review=review,
            outcome=outcome,
            agreed_on=review.session.ends_on,
            follow_up_session=follow_up,
            paragraphs=paragraphs,
            by=actor,
        )
    return review


def notified(review: Review, on: dt.date, outcome: Outcome = Outcome.ACCREDIT_A) -> Review:
    actor = secretariat("walker")
    recommend(review, outcome, by=actor)
    with clock.as_of(on):
        notify(review=review, by=actor)
    review.refresh_from_db()
    return review


class Cast:
    """The fixed cast of users that proves isolation, around one review."""

    def __init__(self) -> None:
        self.home = InstitutionFactory(
            name="Home Commission",
            acronym="HOME",
            country="NZ",
            region=region(RegionCode.ASIA_PACIFIC),
        )
        self.other = InstitutionFactory(
            name="Other Commission", acronym="OTHER", country="DE", region=region(RegionCode.EUROPE)
        )
        self.sca_home = InstitutionFactory(
            name="SCA Commission", acronym="SCAC", country="KE", region=region(RegionCode.AFRICA)
        )
        self.bureau_home = InstitutionFactory(
            name="Bureau Commission",
            acronym="BURC",
            country="CL",
            region=region(RegionCode.AMERICAS),
        )
        self.session = session()
        self.focal_point = focal_point(self.home, "focal")
        self.other_focal_point = focal_point(self.other, "other-focal")
        self.review = open_review(self.home, self.session)
        self.secretariat = secretariat()
        self.sca_member = UserFactory(username="sca")
        sca_seat(self.sca_home, [self.session], person=self.sca_member)
        self.recused_sca_member = UserFactory(username="recused-sca")
        sca_seat(self.home, [self.session], person=self.recused_sca_member)
        self.bureau_member = UserFactory(username="bureau")
        bureau_seat(self.bureau_home, person=self.bureau_member)
        self.observer = UserFactory(username="observer")
        add_observer(region=region(RegionCode.AFRICA), user=self.observer, by=None)

    def members(self) -> dict[str, Any]:
        return {
            "secretariat": self.secretariat,
            "sca_member": self.sca_member,
            "recused_sca_member": self.recused_sca_member,
            "bureau_member": self.bureau_member,
            "focal_point": self.focal_point,
            "other_focal_point": self.other_focal_point,
            "observer": self.observer,
            "anonymous": None,
        }


def refer(review: Review) -> Review:
    """Four Bureau members from two regions object; the sweep refers the case."""
    from reviews.enums import Vote
    from reviews.services.bureau import bureau_window, cast_vote
    from reviews.services.sweep import process_deadlines

    opens, closes = bureau_window(review)
    process_deadlines(as_of=opens.due_on + dt.timedelta(days=1))
    review.refresh_from_db()
    for n, code in enumerate(
        [RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE]
    ):
        person = UserFactory(username=f"objector-{n}")
        seat = bureau_seat(InstitutionFactory(region=region(code)), person=person)
        with clock.as_of(opens.due_on + dt.timedelta(days=1)):
            cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Concern.", by=person)
    process_deadlines(as_of=closes.due_on + dt.timedelta(days=1))
    review.refresh_from_db()
    return review
