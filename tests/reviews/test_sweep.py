import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews.enums import ReviewState
from reviews.models import Decision, ReviewEvent
from reviews.services.sweep import process_deadlines
from tests import procedure

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)


@pytest.fixture
def review(cast):
    return procedure.notified(cast.review, on=NOTIFIED)


def snapshot():
    return (
        list(ReviewEvent.objects.values_list("pk", "to_state")),
        list(Decision.objects.values_list("pk", "took_effect_on")),
    )


def test_the_sweep_does_nothing_before_the_window_has_closed(review):
    assert process_deadlines(as_of=dt.date(2030, 4, 17)).actions == []  # day 28: still open
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED


def test_the_sweep_honours_as_of_and_replays_the_past(review):
    report = process_deadlines(as_of=dt.date(2030, 4, 18))
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    assert report.actions == [
        "HOME: challenge window closed on 2030-04-17; the recommendation is before the Bureau"
    ]
    event = review.events.get(to_state=ReviewState.BUREAU)
    assert event.at.date() == dt.date(2030, 4, 18)
    assert event.by is None


def test_a_late_sweep_dates_the_decision_by_the_rules_not_by_the_run(review):
    process_deadlines(as_of=dt.date(2031, 1, 1))
    process_deadlines(as_of=dt.date(2031, 1, 1))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert review.decision.decided_on == dt.date(2030, 5, 7)
    assert review.decision.took_effect_on == dt.date(2030, 5, 7)


def test_running_the_sweep_twice_for_a_day_changes_nothing_the_second_time(review):
    day = dt.date(2030, 5, 8)
    process_deadlines(as_of=dt.date(2030, 4, 18))
    first = process_deadlines(as_of=day)
    assert first.actions  # adopted and in effect
    before = snapshot()
    second = process_deadlines(as_of=day)
    assert second.actions == []
    assert snapshot() == before


def test_the_command_prints_what_it_did_and_refuses_a_bad_date(review):
    out = StringIO()
    call_command("process_deadlines", "--as-of", "2030-04-18", stdout=out)
    assert "challenge window closed on 2030-04-17" in out.getvalue()
    assert "1 change(s)" in out.getvalue()
    again = StringIO()
    call_command("process_deadlines", "--as-of", "2030-04-18", stdout=again)
    assert "0 change(s)" in again.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("process_deadlines", "--as-of", "18/04/2030")


def test_a_deferred_reaccreditation_lapses_when_nothing_comes_in_a_year(cast):
    from accreditation.enums import Grade, StatusEvent
    from accreditation.services import record_prior_status
    from accreditation.status import status_on
    from reviews.enums import Outcome

    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    procedure.recommend(
        cast.review,
        Outcome.DEFER,
        follow_up=procedure.session(dt.date(2030, 10, 7), name="October"),
    )
    follow_up = cast.review.continuations.get()
    due = follow_up.deadlines.get(rule_key="lapse-after-deferral").due_on
    assert process_deadlines(as_of=due).actions == []
    report = process_deadlines(as_of=due + dt.timedelta(days=1))
    follow_up.refresh_from_db()
    assert follow_up.state == ReviewState.LAPSED
    assert report.actions == [f"HOME: accreditation lapsed on {due}"]
    status = status_on(cast.home.pk, due)
    assert (status.grade, status.ended_by) == (Grade.NONE, StatusEvent.LAPSE)
    assert process_deadlines(as_of=due + dt.timedelta(days=1)).actions == []
