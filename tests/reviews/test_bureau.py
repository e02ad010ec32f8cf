import datetime as dt

import pytest

from accreditation.enums import Grade
from accreditation.status import status_on
from institutions.enums import RegionCode
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import DecisionRoute, Outcome, ReviewState, Vote
from reviews.services.bureau import cast_vote, tally
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)
OPENS = dt.date(2030, 4, 17)  # the challenge window's last day (+ 0)
CLOSES = dt.date(2030, 5, 7)  # 20 days later
IN_WINDOW = dt.date(2030, 4, 25)


def members(*codes):
    """One Bureau member (a user sitting for an institution) per region code given."""
    seats = []
    for n, code in enumerate(codes):
        person = UserFactory(username=f"bureau-{code.value}-{n}")
        seat = procedure.bureau_seat(InstitutionFactory(region=region(code)), person=person)
        seats.append((seat, person))
    return seats


def object_with(review, seats, on=IN_WINDOW):
    with clock.as_of(on):
        for seat, person in seats:
            cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Pluralism.", by=person)


@pytest.fixture
def review(cast):
    return procedure.notified(cast.review, on=NOTIFIED)


def sweep_after_window(review):
    process_deadlines(as_of=CLOSES + dt.timedelta(days=1))
    review.refresh_from_db()
    return review


def test_four_objections_from_two_regions_refer_the_case(review):
    object_with(
        review, members(RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE)
    )
    assert sweep_after_window(review).state == ReviewState.REFERRED
    assert not hasattr(review, "decision")
    event = review.events.get(to_state=ReviewState.REFERRED)
    assert event.by is None
    assert "4 Bureau members from 2 regions" in event.reason


def test_four_objections_from_one_region_do_not(review):
    object_with(review, members(*[RegionCode.AFRICA] * 4))
    assert sweep_after_window(review).state == ReviewState.DECIDED
    assert review.decision.route == DecisionRoute.DEEMED_ADOPTED
    assert review.decision.decided_on == CLOSES


def test_three_objections_from_two_regions_do_not(review):
    object_with(review, members(RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.AMERICAS))
    assert tally(review).objectors == 3
    assert sweep_after_window(review).state == ReviewState.DECIDED


def test_an_objection_after_the_window_is_refused_and_does_not_count(review):
    seats = members(RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE)
    object_with(review, seats[:3])
    late_seat, late_person = seats[3]
    with (
        clock.as_of(CLOSES + dt.timedelta(days=1)),
        pytest.raises(DomainError, match="closed on 2030-05-07"),
    ):
        cast_vote(review=review, seat=late_seat, vote=Vote.OBJECT, reasons="Late.", by=late_person)
    assert sweep_after_window(review).state == ReviewState.DECIDED


def test_an_objection_on_the_last_day_counts(review):
    seats = members(RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE)
    object_with(review, seats[:3])
    object_with(review, seats[3:], on=CLOSES)
    assert sweep_after_window(review).state == ReviewState.REFERRED


def test_a_vote_before_the_window_opens_is_refused(review):
    [(seat, person)] = members(RegionCode.EUROPE)
    with (
        clock.as_of(OPENS - dt.timedelta(days=1)),
        pytest.raises(DomainError, match="opens on 2030-04-17"),
    ):
        cast_vote(review=review, seat=seat, vote=Vote.APPROVE, by=person)


def test_a_bureau_member_never_votes_on_their_own_institution(cast, review):
    person = UserFactory(username="own-bureau")
    own_seat = procedure.bureau_seat(cast.home, person=person)
    with clock.as_of(IN_WINDOW), pytest.raises(NotPermitted, match="own institution"):
        cast_vote(review=review, seat=own_seat, vote=Vote.OBJECT, reasons="x", by=person)
    assert review.recommendation.votes.count() == 0


def test_only_the_people_of_a_seat_vote_for_it(cast, review):
    [(seat, _person)] = members(RegionCode.EUROPE)
    with clock.as_of(IN_WINDOW), pytest.raises(NotPermitted, match="do not sit"):
        cast_vote(review=review, seat=seat, vote=Vote.APPROVE, by=cast.bureau_member)


def test_an_objection_needs_reasons(review):
    [(seat, person)] = members(RegionCode.EUROPE)
    with clock.as_of(IN_WINDOW), pytest.raises(DomainError, match="reasons"):
        cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="  ", by=person)


def test_a_member_may_change_their_mind_within_the_window(review):
    seats = members(RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE)
    object_with(review, seats)
    seat, person = seats[0]
    with clock.as_of(CLOSES):
        cast_vote(review=review, seat=seat, vote=Vote.APPROVE, by=person)
    vote = review.recommendation.votes.get(seat=seat)
    assert [h.vote for h in vote.history.order_by("history_date")] == [Vote.OBJECT, Vote.APPROVE]
    assert tally(review).objectors == 3
    assert sweep_after_window(review).state == ReviewState.DECIDED


def test_the_thresholds_in_force_when_the_window_opened_decide(review):
    from accreditation.models import Rule
    from accreditation.rulebook import RuleKey

    process_deadlines(as_of=OPENS + dt.timedelta(days=1))  # the case goes before the Bureau
    Rule.objects.filter(key=RuleKey.REFERRAL_MIN_OBJECTORS).update(value=2)
    object_with(review, members(RegionCode.AFRICA, RegionCode.EUROPE))
    assert sweep_after_window(review).state == ReviewState.DECIDED


def test_a_deemed_adoption_writes_the_status(cast):
    from accreditation.services import record_prior_status

    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    review = procedure.notified(cast.review, on=NOTIFIED, outcome=Outcome.ACCREDIT_B)
    sweep_after_window(review)
    record = review.decision.status_record
    assert (record.grade, record.decided_on, record.effective_on) == (
        Grade.B,
        CLOSES,
        CLOSES + dt.timedelta(days=365),
    )
    assert status_on(cast.home.pk, CLOSES + dt.timedelta(days=364)).grade == Grade.A
    assert status_on(cast.home.pk, CLOSES + dt.timedelta(days=365)).grade == Grade.B


# --- the second path, a double click, the race with the sweep, the tally by region ---


def test_three_objections_without_a_challenge_are_deemed_adopted_the_day_after_the_window(review):
    from reviews.models import Challenge

    process_deadlines(as_of=OPENS + dt.timedelta(days=1))
    object_with(review, members(RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.AMERICAS))
    assert not Challenge.objects.filter(review=review).exists()
    last_day = process_deadlines(as_of=CLOSES).actions  # the last day: still open
    assert not [line for line in last_day if "adopted" in line or "referred" in line]
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    report = process_deadlines(as_of=CLOSES + dt.timedelta(days=1))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert review.decision.route == DecisionRoute.DEEMED_ADOPTED
    assert review.decision.decided_on == CLOSES
    assert any("deemed adopted on 2030-05-07" in line for line in report.actions)


def test_the_same_vote_sent_twice_changes_nothing(review):
    [(seat, person)] = members(RegionCode.EUROPE)
    with clock.as_of(IN_WINDOW):
        first = cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Tie.", by=person)
        again = cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Tie. ", by=person)
    assert again.pk == first.pk
    assert first.history.count() == 1


def test_a_vote_after_the_sweep_decided_is_refused_with_the_closing_day(review):
    from nhri_portal.errors import Conflict

    [(seat, person)] = members(RegionCode.EUROPE)
    sweep_after_window(review)
    # Even on a clock still showing the last day, the decided case takes no vote.
    with (
        clock.as_of(CLOSES),
        pytest.raises(Conflict, match=r"closed on 2030-05-07\..*your vote was not recorded"),
    ):
        cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Late.", by=person)
    assert review.recommendation.votes.count() == 0


def test_the_standing_shows_each_region_and_who_has_not_voted(cast, review):
    from reviews.services.bureau import Thresholds, standing, voting_seats

    seats = members(RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE)
    object_with(review, seats[:2])
    with clock.as_of(IN_WINDOW):
        cast_vote(review=review, seat=seats[2][0], vote=Vote.APPROVE, by=seats[2][1])
    procedure.bureau_seat(cast.home)  # the institution's own seat never votes on its case
    votes = list(review.recommendation.votes.select_related("seat__region", "seat__institution"))
    result = standing(review, votes, voting_seats(IN_WINDOW), Thresholds.current())
    by_region = {
        part.region.code: (len(part.objecting), len(part.approving), len(part.not_voted))
        for part in result.regions
    }
    assert by_region == {
        RegionCode.AFRICA: (1, 0, 0),
        RegionCode.AMERICAS: (0, 0, 1),  # the cast's Bureau member
        RegionCode.EUROPE: (1, 1, 0),
    }
    assert (result.tally.objectors, len(result.tally.regions), result.not_voted) == (2, 2, 1)
    assert not result.tally.refers
