"""Sessions: moving their dates (every deadline that hangs on them follows, and says
so), seating and unseating SCA seats, and rearranging the agenda."""

import datetime as dt

import pytest

from accreditation.rulebook import RuleKey
from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.agenda import agenda_of
from reviews.enums import ReviewState
from reviews.models import Session
from reviews.permissions import sessions_sat_in, visible_reviews
from reviews.services.sessions import (
    DOWN,
    SESSION_RULES,
    UP,
    move_on_agenda,
    move_session,
    reset_agenda,
    seat_in_session,
    unseat_from_session,
)
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


def dates_of(session):
    return {row.rule_key: row.due_on for row in session.deadlines.all()}


def dossier_due(review):
    return review.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).due_on


def test_moving_a_session_by_a_week_moves_every_deadline_by_a_week_and_says_which(cast):
    session = cast.session
    before = dates_of(session)
    review_before = dossier_due(cast.review)
    starts, ends = session.starts_on + WEEK, session.ends_on + WEEK

    changes = move_session(session=session, starts_on=starts, ends_on=ends, by=cast.secretariat)

    session.refresh_from_db()
    assert (session.starts_on, session.ends_on) == (starts, ends)
    assert dates_of(session) == {key: day + WEEK for key, day in before.items()}
    assert set(before) == set(SESSION_RULES)
    assert all(row.anchor_on == starts for row in session.deadlines.all())
    assert dossier_due(cast.review) == review_before + WEEK
    assert cast.review.deadlines.get().anchor_on == starts
    labels = {row.rule_key: row.label for row in session.deadlines.all()}
    expected = [(labels[key], before[key], before[key] + WEEK) for key in SESSION_RULES]
    expected.append((f"{labels[RuleKey.DOSSIER_DUE]}: HOME", review_before, review_before + WEEK))
    assert changes == expected
    assert session.history.count() == 2


def test_a_review_already_submitted_keeps_its_dossier_deadline(cast):
    submitted = procedure.advance(cast.review, ReviewState.SUBMITTED)
    kept = dossier_due(submitted)
    invited = procedure.open_review(cast.other, cast.session)
    session = cast.session

    changes = move_session(
        session=session,
        starts_on=session.starts_on + WEEK,
        ends_on=session.ends_on + WEEK,
        by=cast.secretariat,
    )

    assert dossier_due(submitted) == kept
    assert dossier_due(invited) == kept + WEEK
    reviews_moved = [label.rsplit(": ", 1)[1] for label, _o, _n in changes[len(SESSION_RULES) :]]
    assert reviews_moved == ["OTHER"]


def test_a_session_cannot_be_moved_to_end_before_it_starts_and_nothing_changes(cast):
    session = cast.session
    before = (session.starts_on, session.ends_on, dates_of(session), dossier_due(cast.review))
    with pytest.raises(DomainError, match="A session cannot end before it starts"):
        move_session(
            session=session,
            starts_on=dt.date(2030, 5, 10),
            ends_on=dt.date(2030, 5, 9),
            by=cast.secretariat,
        )
    fresh = Session.objects.get(pk=session.pk)
    assert (fresh.starts_on, fresh.ends_on, dates_of(fresh), dossier_due(cast.review)) == before


def test_moving_to_the_same_dates_reports_nothing(cast):
    session = cast.session
    changes = move_session(
        session=session, starts_on=session.starts_on, ends_on=session.ends_on, by=cast.secretariat
    )
    assert changes == []


@pytest.mark.parametrize(
    "member",
    ["sca_member", "recused_sca_member", "bureau_member", "focal_point", "observer"],
)
def test_only_the_secretariat_moves_a_session(cast, member):
    session = cast.session
    before = (session.starts_on, dates_of(session))
    with pytest.raises(NotPermitted):
        move_session(
            session=session,
            starts_on=session.starts_on + WEEK,
            ends_on=session.ends_on + WEEK,
            by=cast.members()[member],
        )
    fresh = Session.objects.get(pk=session.pk)
    assert (fresh.starts_on, dates_of(fresh)) == before


def test_a_session_with_reviews_of_several_institutions_reports_each(cast):
    lonely = InstitutionFactory(name="Lonely Commission", acronym="LONE", country="NO")
    procedure.open_review(lonely, cast.session)
    changes = move_session(
        session=cast.session,
        starts_on=cast.session.starts_on + WEEK,
        ends_on=cast.session.ends_on + WEEK,
        by=cast.secretariat,
    )
    assert [label.rsplit(": ", 1)[1] for label, _o, _n in changes[len(SESSION_RULES) :]] == [
        "HOME",
        "LONE",
    ]


# -- seating --

SEATED_BEFORE = dt.date(2029, 6, 1)  # the cast's session opens on 2030-03-11
NOT_SECRETARIAT = ["sca_member", "recused_sca_member", "bureau_member", "focal_point", "observer"]


def new_seat(institution, role=SeatRole.MEMBER, *, body=Body.SCA, person=None, ends_on=None):
    seat = assign_seat(
        institution=institution,
        body=body,
        role=role,
        starts_on=dt.date(2020, 1, 1),
        ends_on=ends_on,
        by=None,
    )
    if person is not None:
        add_seat_person(seat=seat, user=person, by=None)
    return seat


def in_africa(name="Lagos Commission"):
    return InstitutionFactory(name=name, country="NG", region=region(RegionCode.AFRICA))


def sitting(session):
    return sorted(seat.institution.name for seat in session.seats.all())


def test_a_regions_alternate_is_seated_and_its_person_may_read_the_session(cast):
    person = UserFactory(username="alternate")
    seat = new_seat(in_africa(), SeatRole.ALTERNATE, person=person)
    seat_in_session(session=cast.session, seat=seat, by=cast.secretariat)
    assert sitting(cast.session) == ["Home Commission", "Lagos Commission", "SCA Commission"]
    assert list(sessions_sat_in(person)) == [cast.session]


@pytest.mark.parametrize("role", [SeatRole.MEMBER, SeatRole.CHAIR])
def test_a_second_member_for_a_region_is_refused_and_nothing_changes(cast, role):
    person = UserFactory(username="second")
    seat = new_seat(in_africa(), role, person=person)
    with pytest.raises(DomainError) as refused:
        seat_in_session(session=cast.session, seat=seat, by=cast.secretariat)
    assert str(refused.value) == (
        "Africa already has its member in this session: SCA Commission. "
        "Unseat it first, or seat this one as the alternate."
    )
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]
    assert list(sessions_sat_in(person)) == []


def test_a_second_alternate_for_a_region_is_refused(cast):
    seat_in_session(
        session=cast.session, seat=new_seat(in_africa(), SeatRole.ALTERNATE), by=cast.secretariat
    )
    second = new_seat(in_africa("Accra Commission"), SeatRole.ALTERNATE)
    with pytest.raises(DomainError, match=r"^Africa already has its alternate in this session: "):
        seat_in_session(session=cast.session, seat=second, by=cast.secretariat)
    assert "Accra Commission" not in sitting(cast.session)


def test_each_region_has_its_own_member(cast):
    europe = new_seat(cast.other)
    seat_in_session(session=cast.session, seat=europe, by=cast.secretariat)
    assert sitting(cast.session) == ["Home Commission", "Other Commission", "SCA Commission"]


def test_seating_a_seat_already_sitting_changes_nothing(cast):
    seat = cast.sca_member.seats.get()
    seat_in_session(session=cast.session, seat=seat, by=cast.secretariat)
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: new_seat(in_africa(), body=Body.BUREAU), "Only SCA seats sit in a session."),
        (
            lambda: new_seat(in_africa(), ends_on=dt.date(2029, 12, 31)),
            "This seat's term does not cover the session.",
        ),
    ],
)
def test_a_seat_that_cannot_sit_is_refused(cast, make, message):
    seat = make()
    with pytest.raises(DomainError) as refused:
        seat_in_session(session=cast.session, seat=seat, by=cast.secretariat)
    assert str(refused.value) == message
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]


@pytest.mark.parametrize("member", NOT_SECRETARIAT)
def test_only_the_secretariat_seats(cast, member):
    seat = new_seat(cast.other)
    with pytest.raises(NotPermitted):
        seat_in_session(session=cast.session, seat=seat, by=cast.members()[member])
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]


def test_unseating_before_the_session_takes_away_what_the_member_could_read(cast):
    assert cast.review in visible_reviews(cast.sca_member)
    with clock.as_of(SEATED_BEFORE):
        unseat_from_session(
            session=cast.session, seat=cast.sca_member.seats.get(), by=cast.secretariat
        )
    assert sitting(cast.session) == ["Home Commission"]
    assert list(sessions_sat_in(cast.sca_member)) == []
    assert cast.review not in visible_reviews(cast.sca_member)


def test_a_person_with_another_seat_in_the_session_keeps_reading_it(cast):
    europe = new_seat(cast.other, person=cast.sca_member)
    seat_in_session(session=cast.session, seat=europe, by=cast.secretariat)
    with clock.as_of(SEATED_BEFORE):
        unseat_from_session(session=cast.session, seat=europe, by=cast.secretariat)
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]
    assert list(sessions_sat_in(cast.sca_member)) == [cast.session]
    assert cast.review in visible_reviews(cast.sca_member)


@pytest.mark.parametrize("day", [dt.date(2030, 3, 11), dt.date(2030, 4, 1)])
def test_once_the_session_has_started_nobody_is_unseated(cast, day):
    with clock.as_of(day), pytest.raises(DomainError) as refused:
        unseat_from_session(
            session=cast.session, seat=cast.sca_member.seats.get(), by=cast.secretariat
        )
    assert str(refused.value) == (
        "The session has started: who sits in it stays as it is, because its "
        "recommendations depend on who sat."
    )
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]
    assert cast.review in visible_reviews(cast.sca_member)


def test_unseating_a_seat_that_does_not_sit_changes_nothing(cast):
    seat = cast.sca_member.seats.get()
    with clock.as_of(SEATED_BEFORE):
        unseat_from_session(session=cast.session, seat=seat, by=cast.secretariat)
        unseat_from_session(session=cast.session, seat=seat, by=cast.secretariat)
    assert sitting(cast.session) == ["Home Commission"]


@pytest.mark.parametrize("member", NOT_SECRETARIAT)
def test_only_the_secretariat_unseats(cast, member):
    with clock.as_of(SEATED_BEFORE), pytest.raises(NotPermitted):
        unseat_from_session(
            session=cast.session, seat=cast.sca_member.seats.get(), by=cast.members()[member]
        )
    assert sitting(cast.session) == ["Home Commission", "SCA Commission"]


# -- the agenda --


@pytest.fixture
def agenda(cast):
    """Alpha, Beta, Home: three re-accreditations of Asia-Pacific, in the default order."""
    for name in ("Beta Commission", "Alpha Commission"):
        procedure.open_review(InstitutionFactory(name=name), cast.session)
    return cast.session


def order(session):
    return [(r.institution.name, r.agenda_position) for r in agenda_of(session)]


def review_of(session, name):
    return session.reviews.get(institution__name=name)


def test_moving_a_case_up_numbers_the_agenda_and_swaps_it_with_the_one_above(cast, agenda):
    place = move_on_agenda(
        review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat
    )
    assert place == 2
    assert order(agenda) == [
        ("Alpha Commission", 1),
        ("Home Commission", 2),
        ("Beta Commission", 3),
    ]


def test_moving_again_keeps_moving(cast, agenda):
    home = review_of(agenda, "Home Commission")
    move_on_agenda(review=home, direction=UP, by=cast.secretariat)
    assert move_on_agenda(review=home, direction=UP, by=cast.secretariat) == 1
    assert move_on_agenda(review=home, direction=DOWN, by=cast.secretariat) == 2
    assert [name for name, _p in order(agenda)] == [
        "Alpha Commission",
        "Home Commission",
        "Beta Commission",
    ]


@pytest.mark.parametrize(
    ("name", "direction"), [("Alpha Commission", UP), ("Home Commission", DOWN)]
)
def test_moving_the_first_up_or_the_last_down_changes_nothing(cast, agenda, name, direction):
    before = order(agenda)
    place = move_on_agenda(review=review_of(agenda, name), direction=direction, by=cast.secretariat)
    assert place == (1 if direction == UP else 3)
    assert order(agenda) == before
    assert all(position is None for _n, position in before)


def test_a_case_invited_after_a_rearrangement_comes_last(cast, agenda):
    move_on_agenda(review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat)
    procedure.open_review(InstitutionFactory(name="Aardvark Commission"), agenda)
    assert [name for name, _p in order(agenda)] == [
        "Alpha Commission",
        "Home Commission",
        "Beta Commission",
        "Aardvark Commission",
    ]


def test_a_direction_other_than_up_or_down_is_refused(cast, agenda):
    with pytest.raises(DomainError, match=r"^A case moves up or down the agenda\.$"):
        move_on_agenda(
            review=review_of(agenda, "Home Commission"), direction="top", by=cast.secretariat
        )
    assert all(position is None for _n, position in order(agenda))


@pytest.mark.parametrize("member", NOT_SECRETARIAT)
def test_only_the_secretariat_rearranges_the_agenda(cast, agenda, member):
    with pytest.raises(NotPermitted):
        move_on_agenda(
            review=review_of(agenda, "Home Commission"), direction=UP, by=cast.members()[member]
        )
    move_on_agenda(review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat)
    with pytest.raises(NotPermitted):
        reset_agenda(session=agenda, by=cast.members()[member])
    assert [p for _n, p in order(agenda)] == [1, 2, 3]


def test_the_agenda_of_a_session_that_is_over_stays_as_it_was(cast, agenda):
    move_on_agenda(review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat)
    before = order(agenda)
    with clock.as_of(agenda.ends_on + dt.timedelta(days=1)):
        with pytest.raises(DomainError, match=r"^The session is over; its agenda stays as it"):
            move_on_agenda(
                review=review_of(agenda, "Alpha Commission"), direction=DOWN, by=cast.secretariat
            )
        with pytest.raises(DomainError, match=r"^The session is over"):
            reset_agenda(session=agenda, by=cast.secretariat)
    assert order(agenda) == before


def test_restoring_the_default_order_clears_every_place_and_again_changes_nothing(cast, agenda):
    move_on_agenda(review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat)
    assert reset_agenda(session=agenda, by=cast.secretariat) == 3
    assert order(agenda) == [
        ("Alpha Commission", None),
        ("Beta Commission", None),
        ("Home Commission", None),
    ]
    assert reset_agenda(session=agenda, by=cast.secretariat) == 0


def test_rearranging_one_session_leaves_another_alone(cast, agenda):
    later = procedure.session(dt.date(2030, 10, 7))
    procedure.open_review(InstitutionFactory(name="Zeta Commission"), later)
    move_on_agenda(review=review_of(agenda, "Home Commission"), direction=UP, by=cast.secretariat)
    assert order(later) == [("Zeta Commission", None)]
