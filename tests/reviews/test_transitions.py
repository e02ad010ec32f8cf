"""Every row of the workflow table: allowed, wrong role, wrong state, repeated, concurrent."""

import datetime as dt

import pytest

from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews import workflow
from reviews.enums import Outcome, ReviewKind, ReviewState
from reviews.models import Review
from reviews.services.decisions import decide_at_bureau_meeting, deem_adopted
from reviews.services.meetings import schedule_meeting
from reviews.services.outcomes import notify, record_outcome
from reviews.services.sweep import process_deadlines
from reviews.services.transitions import transition
from tests import procedure
from tests.procedure import refer

pytestmark = pytest.mark.django_db

S = ReviewState
NOTIFIED_ON = dt.date(2030, 3, 20)


def reach(cast, state: ReviewState) -> Review:
    """Bring the cast's review to ``state`` through the services."""
    review = cast.review
    if state in procedure.PATH or state == S.INVITED:
        return procedure.advance(review, state)
    if state == S.SUMMARY_SHARED:
        procedure.advance(review, S.SCREENING)
        transition(review, to=S.SUMMARY_SHARED, by=cast.secretariat)
        return review
    if state == S.RECOMMENDED:
        return procedure.recommend(review)
    review = procedure.notified(review, on=NOTIFIED_ON)
    if state == S.NOTIFIED:
        return review
    if state == S.BUREAU:
        process_deadlines(as_of=dt.date(2030, 4, 18))
    elif state == S.REFERRED:
        refer(review)
    review.refresh_from_db()
    assert review.state == state
    return review


def later_session():
    return procedure.session(dt.date(2030, 10, 7), name="Later")


def perform(cast, review: Review, step: workflow.Transition, by):
    """Take ``step`` as a person would: through the service that owns it."""
    target = step.target
    if target in (S.DEFERRED, S.SPECIAL_REVIEW_OPENED, S.RECOMMENDED):
        outcome = {
            S.DEFERRED: Outcome.DEFER,
            S.SPECIAL_REVIEW_OPENED: Outcome.OPEN_SPECIAL_REVIEW,
            S.RECOMMENDED: Outcome.ACCREDIT_A,
        }[target]
        follow_up = later_session() if target != S.RECOMMENDED else None
        with clock.as_of(review.session.ends_on):
            record_outcome(
                review=review,
                outcome=outcome,
                agreed_on=review.session.ends_on,
                follow_up_session=follow_up,
                by=by,
            )
    elif target == S.NOTIFIED:
        with clock.as_of(NOTIFIED_ON):
            notify(review=review, by=by)
    elif step.source == S.BUREAU and target == S.DECIDED:
        deem_adopted(review=review, decided_on=dt.date(2030, 5, 7))
    elif step.source == S.REFERRED:
        with clock.as_of(dt.date(2030, 6, 20)):
            meeting = schedule_meeting(
                held_on=dt.date(2030, 6, 19), reference="B/2030", is_virtual=True, by=by
            )
            decide_at_bureau_meeting(
                review=review,
                meeting=meeting,
                outcome=Outcome.ACCREDIT_B,
                reasons="Bureau meeting of June.",
                by=by,
            )
    else:
        with clock.as_of(review.session.starts_on - dt.timedelta(days=5)):
            transition(review, to=target, by=by, reason="test")


def allowed_actor(cast, step):
    if workflow.Actor.SECRETARIAT in step.who:
        return cast.secretariat
    return None  # the rules themselves


def wrong_actors(cast, step):
    wrong = [cast.other_focal_point, cast.sca_member, cast.bureau_member, cast.observer]
    if workflow.Actor.FOCAL_POINT not in step.who:
        wrong.append(cast.focal_point)
    if workflow.Actor.SECRETARIAT not in step.who:
        wrong.append(cast.secretariat)
    return wrong


STEPS = [pytest.param(step, id=f"{step.source}->{step.target}") for step in workflow.TRANSITIONS]


@pytest.mark.parametrize("step", STEPS)
def test_the_step_is_taken_by_whoever_the_table_allows(cast, step):
    review = reach(cast, step.source)
    actor = allowed_actor(cast, step)
    before = review.events.count()
    perform(cast, review, step, actor)
    review.refresh_from_db()
    assert review.state == step.target
    event = review.events.filter(from_state=step.source, to_state=step.target).get()
    assert event.by == actor
    assert review.events.count() == before + 1


@pytest.mark.parametrize("step", STEPS)
def test_the_step_is_refused_to_every_other_role_and_changes_nothing(cast, step):
    review = reach(cast, step.source)
    events = review.events.count()
    for user in wrong_actors(cast, step):
        with pytest.raises(NotPermitted):
            transition(review, to=step.target, by=user)
        assert Review.objects.get(pk=review.pk).state == step.source
    assert review.events.count() == events


@pytest.mark.parametrize("step", STEPS)
def test_the_step_is_refused_from_any_other_state(cast, step):
    review = cast.review  # invited
    if step.source == S.INVITED or workflow.find(S.INVITED, step.target):
        review = reach(cast, S.RECOMMENDED)
    state, events = review.state, review.events.count()
    with pytest.raises(DomainError) as refused:
        transition(review, to=step.target, by=cast.secretariat)
    assert "cannot become" in str(refused.value)
    assert Review.objects.get(pk=review.pk).state == state
    assert review.events.count() == events


@pytest.mark.parametrize("step", STEPS)
def test_repeating_the_step_changes_nothing(cast, step):
    review = reach(cast, step.source)
    perform(cast, review, step, allowed_actor(cast, step))
    review.refresh_from_db()
    events = review.events.count()
    result = transition(review, to=step.target, by=allowed_actor(cast, step))
    assert result.changed is False
    assert review.events.count() == events


UNCONDITIONAL = [p for p in STEPS if p.values[0].condition is None]


@pytest.mark.parametrize("step", UNCONDITIONAL)
def test_of_two_concurrent_attempts_exactly_one_wins(cast, step):
    review = reach(cast, step.source)
    first, second = Review.objects.get(pk=review.pk), Review.objects.get(pk=review.pk)
    actor = allowed_actor(cast, step)
    assert transition(first, to=step.target, by=actor).changed
    with pytest.raises(Conflict, match="Someone else changed this review first"):
        transition(second, to=step.target, by=actor)
    assert second.state == step.target  # the loser now sees what won
    assert review.events.filter(from_state=step.source, to_state=step.target).count() == 1


def test_conditions_are_checked_before_anything_changes(cast):
    review = reach(cast, S.AT_SESSION)
    with pytest.raises(DomainError, match="Record a recommendation first"):
        transition(review, to=S.RECOMMENDED, by=cast.secretariat)
    with pytest.raises(DomainError, match="Record the deferral"):
        transition(review, to=S.DEFERRED, by=cast.secretariat)
    assert Review.objects.get(pk=review.pk).state == S.AT_SESSION


def test_a_focal_point_withdraws_an_initial_application_but_not_a_reaccreditation(cast):
    with pytest.raises(NotPermitted):
        transition(cast.review, to=S.WITHDRAWN, by=cast.focal_point)
    transition(cast.review, to=S.WITHDRAWN, by=cast.secretariat, reason="On request.")
    initial = procedure.open_review(cast.home, cast.session, kind=ReviewKind.INITIAL)
    assert transition(initial, to=S.WITHDRAWN, by=cast.focal_point).changed


def test_a_deferral_opens_the_follow_up_review_and_no_challenge_window(cast):
    review = reach(cast, S.AT_SESSION)
    october = later_session()
    with clock.as_of(review.session.ends_on):
        result = record_outcome(
            review=review,
            outcome=Outcome.DEFER,
            follow_up_session=october,
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    review.refresh_from_db()
    assert review.state == S.DEFERRED
    assert not review.deadlines.filter(rule_key="challenge-window").exists()
    follow_up = result.follow_up
    assert (follow_up.kind, follow_up.session, follow_up.continues, follow_up.state) == (
        ReviewKind.AFTER_DEFERRAL,
        october,
        review,
        S.INVITED,
    )
    assert follow_up.deadlines.get(rule_key="lapse-after-deferral").due_on == dt.date(2031, 3, 15)
    with pytest.raises(DomainError, match="cannot become"):
        notify(review=review, by=cast.secretariat)


def test_a_special_review_opening_cannot_be_notified_for_challenge(cast):
    review = reach(cast, S.AT_SESSION)
    with clock.as_of(review.session.ends_on):
        result = record_outcome(
            review=review,
            outcome=Outcome.OPEN_SPECIAL_REVIEW,
            follow_up_session=later_session(),
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    assert result.follow_up.kind == ReviewKind.SPECIAL_REVIEW
    assert result.follow_up.opened_at == review.session
    assert not result.recommendation.is_challengeable
    review.refresh_from_db()
    with pytest.raises(DomainError):
        notify(review=review, by=cast.secretariat)


def test_a_deferral_must_name_a_later_session(cast):
    review = reach(cast, S.AT_SESSION)
    with clock.as_of(review.session.ends_on), pytest.raises(DomainError, match="Name the session"):
        record_outcome(
            review=review,
            outcome=Outcome.DEFER,
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    with clock.as_of(review.session.ends_on), pytest.raises(DomainError, match="must come after"):
        record_outcome(
            review=review,
            outcome=Outcome.DEFER,
            agreed_on=review.session.ends_on,
            follow_up_session=review.session,
            by=cast.secretariat,
        )
    assert Review.objects.get(pk=review.pk).state == S.AT_SESSION
    assert not hasattr(Review.objects.get(pk=review.pk), "recommendation")
