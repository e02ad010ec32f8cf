"""Bureau meetings: scheduling them, and the decisions each records on the cases
referred to it, numbered in its record of decisions."""

import datetime as dt

import pytest

from institutions.enums import RegionCode
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import DecisionRoute, Outcome, ReviewState, Vote
from reviews.models import BureauMeeting, Decision
from reviews.services.bureau import bureau_window, cast_vote
from reviews.services.decisions import decide_at_bureau_meeting
from reviews.services.meetings import awaiting_decision, next_meeting, schedule_meeting
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)
REFERRED = dt.date(2030, 5, 8)  # the day after the Bureau window closed
HELD = dt.date(2030, 6, 19)
AFTER = dt.date(2030, 6, 20)


def referred(*reviews, on=NOTIFIED, outcome=Outcome.ACCREDIT_A):
    """Notify each review on ``on``; four Bureau members from two regions object to each;
    the sweep refers them all."""
    for review in reviews:
        procedure.notified(review, on=on, outcome=outcome)
    opens, closes = bureau_window(reviews[0])
    process_deadlines(as_of=opens.due_on + dt.timedelta(days=1))
    for n, code in enumerate([RegionCode.AFRICA] * 2 + [RegionCode.EUROPE] * 2):
        person = UserFactory(username=f"objector-{n}")
        seat = procedure.bureau_seat(InstitutionFactory(region=region(code)), person=person)
        for review in reviews:
            review.refresh_from_db()
            with clock.as_of(opens.due_on + dt.timedelta(days=1)):
                cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="No.", by=person)
    process_deadlines(as_of=closes.due_on + dt.timedelta(days=1))
    for review in reviews:
        review.refresh_from_db()
        assert review.state == ReviewState.REFERRED
    return reviews


def second_review(cast, name="Second Commission"):
    return procedure.open_review(InstitutionFactory(name=name), cast.session)


def meeting(cast, held_on=HELD, reference="Bureau 2030/2"):
    with clock.as_of(dt.date(2030, 1, 1)):
        return schedule_meeting(
            held_on=held_on, reference=reference, place="Geneva", by=cast.secretariat
        )


def decide(cast, review, at, outcome=None, reasons="", on=AFTER, by=None):
    with clock.as_of(on):
        return decide_at_bureau_meeting(
            review=review,
            meeting=at,
            outcome=outcome or review.recommendation.outcome,
            reasons=reasons,
            by=by or cast.secretariat,
        )


def test_the_secretariat_schedules_a_meeting(cast):
    with clock.as_of(dt.date(2030, 1, 2)):
        made = schedule_meeting(
            held_on=HELD, reference="  Bureau 2030/2 ", is_virtual=True, by=cast.secretariat
        )
    assert (made.held_on, made.reference, made.is_virtual, made.created_by) == (
        HELD,
        "Bureau 2030/2",
        True,
        cast.secretariat,
    )
    assert made.created_at.date() == dt.date(2030, 1, 2)
    assert made.history.count() == 1


def test_a_reference_is_unique_whatever_its_case(cast):
    meeting(cast)
    with pytest.raises(DomainError, match="already has the reference “bureau 2030/2”"):
        meeting(cast, reference="bureau 2030/2")
    assert BureauMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("reference", "place", "message"),
    [("  ", "Geneva", "Give the meeting's reference"), ("B/1", "", "Say where the meeting")],
)
def test_a_meeting_needs_a_reference_and_a_place(cast, reference, place, message):
    with pytest.raises(DomainError, match=message):
        schedule_meeting(held_on=HELD, reference=reference, place=place, by=cast.secretariat)
    assert not BureauMeeting.objects.exists()


@pytest.mark.parametrize("member", ["bureau_member", "focal_point", "sca_member", "observer"])
def test_only_the_secretariat_schedules_a_meeting(cast, member):
    with pytest.raises(NotPermitted):
        schedule_meeting(held_on=HELD, reference="B/1", place="x", by=cast.members()[member])
    assert not BureauMeeting.objects.exists()


def test_the_next_meeting_is_the_first_held_on_or_after_the_day(cast):
    june = meeting(cast)
    september = meeting(cast, held_on=dt.date(2030, 9, 1), reference="Bureau 2030/3")
    assert next_meeting(dt.date(2030, 6, 1)) == june
    assert next_meeting(HELD) == june
    assert next_meeting(HELD + dt.timedelta(days=1)) == september
    assert next_meeting(dt.date(2030, 9, 2)) is None


def test_adopting_the_recommendation_decides_the_case_on_the_meetings_day(cast):
    (review,) = referred(cast.review)
    june = meeting(cast)
    decision = decide(cast, review, june)
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert (decision.outcome, decision.route, decision.decided_on) == (
        Outcome.ACCREDIT_A,
        DecisionRoute.BUREAU_MEETING,
        HELD,
    )
    assert (decision.meeting, decision.item, decision.record_number) == (june, 1, "Bureau 2030/2/1")
    assert decision.status_record.decided_on == HELD
    assert "Bureau 2030/2/1" in decision.status_record.reference
    assert review.events.get(to_state=ReviewState.DECIDED).by == cast.secretariat


def test_the_record_of_decisions_numbers_one_two_three_without_gaps(cast):
    reviews = referred(
        cast.review, second_review(cast), second_review(cast, name="Third Commission")
    )
    june = meeting(cast)
    september = meeting(cast, held_on=dt.date(2030, 9, 1), reference="Bureau 2030/3")
    decide(cast, reviews[2], june)
    decide(cast, reviews[0], june)
    decide(cast, reviews[1], september, on=dt.date(2030, 9, 2))
    numbers = list(Decision.objects.order_by("pk").values_list("meeting__reference", "item"))
    assert numbers == [("Bureau 2030/2", 1), ("Bureau 2030/2", 2), ("Bureau 2030/3", 1)]


def test_the_bureau_may_decide_another_status_with_its_reasons(cast):
    (review,) = referred(cast.review)
    with pytest.raises(DomainError, match="reasons for deciding otherwise"):
        decide(cast, review, meeting(cast), outcome=Outcome.ACCREDIT_B, reasons=" ")
    decision = decide(
        cast, review, BureauMeeting.objects.get(), outcome=Outcome.ACCREDIT_B, reasons="Funding."
    )
    assert (decision.outcome, decision.reasons) == (Outcome.ACCREDIT_B, "Funding.")


@pytest.mark.parametrize("outcome", [Outcome.DEFER, Outcome.OPEN_SPECIAL_REVIEW])
def test_the_bureau_decides_status_never_a_deferral_or_a_special_review(cast, outcome):
    (review,) = referred(cast.review)
    with pytest.raises(DomainError, match="The Bureau decides on status"):
        decide(cast, review, meeting(cast), outcome=outcome, reasons="Later.")
    review.refresh_from_db()
    assert (review.state, Decision.objects.count()) == (ReviewState.REFERRED, 0)


def test_a_meeting_not_yet_held_decides_nothing(cast):
    (review,) = referred(cast.review)
    with pytest.raises(DomainError, match="is held on 2030-06-19"):
        decide(cast, review, meeting(cast), on=HELD - dt.timedelta(days=1))
    review.refresh_from_db()
    assert (review.state, Decision.objects.count()) == (ReviewState.REFERRED, 0)


def test_a_meeting_before_the_referral_does_not_decide_the_case(cast):
    (review,) = referred(cast.review)
    early = meeting(cast, held_on=REFERRED - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="referred on 2030-05-08, after the meeting"):
        decide(cast, review, early)
    assert not Decision.objects.exists()


def test_deciding_twice_is_a_conflict_and_records_one_decision(cast):
    (review,) = referred(cast.review)
    june = meeting(cast)
    decide(cast, review, june)
    assert review.state == ReviewState.REFERRED  # as a second click had loaded it
    with pytest.raises(Conflict, match="already been decided"):
        decide(cast, review, june)
    assert Decision.objects.count() == 1


def test_only_a_referred_case_is_decided_at_a_meeting(cast):
    review = procedure.notified(cast.review, on=NOTIFIED)
    with pytest.raises(DomainError, match="Only a case referred"):
        decide(cast, review, meeting(cast))


@pytest.mark.parametrize("member", ["bureau_member", "focal_point", "sca_member"])
def test_only_the_secretariat_records_the_bureaus_decision(cast, member):
    (review,) = referred(cast.review)
    with pytest.raises(NotPermitted):
        decide(cast, review, meeting(cast), by=cast.members()[member])
    assert not Decision.objects.exists()


def test_a_meeting_lists_the_cases_referred_by_its_day_first(cast):
    (first,) = referred(cast.review)
    (later,) = referred(second_review(cast), on=dt.date(2030, 6, 10))
    june = meeting(cast)
    with clock.as_of(AFTER):
        rows = awaiting_decision(june, type(first).objects.all())
    assert [(row.review, row.referred_on, row.decidable) for row in rows] == [
        (first, REFERRED, True),
        (later, dt.date(2030, 7, 29), False),
    ]
    assert (rows[0].tally.objectors, sorted(rows[0].tally.regions)) == (4, ["africa", "europe"])
