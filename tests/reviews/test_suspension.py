"""Suspension and its lifting through the recommendation → Bureau route; the lapse of an
accreditation on the chart; an institution withdrawing its own initial application."""

import datetime as dt

import pytest
from django.urls import reverse

from accreditation.chart import chart_on
from accreditation.enums import Grade, Right, StatusEvent
from accreditation.models import StatusRecord
from accreditation.services import record_prior_status
from accreditation.status import status_on
from reviews.enums import DecisionRoute, Outcome, ReviewKind, ReviewState
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)
DECIDED = dt.date(2030, 5, 7)  # N + 48: the Bureau window closes without a referral
LIFT_NOTIFIED = dt.date(2030, 10, 20)
LIFTED = dt.date(2030, 12, 7)  # N + 48
FULL_RIGHTS = (Right.VOTE, Right.OFFICE, Right.HRC, Right.ATTEND)


def held_a(institution):
    record_prior_status(
        institution=institution, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )


def deemed_adopted(review, notified_on, outcome):
    procedure.notified(review, on=notified_on, outcome=outcome)
    process_deadlines(as_of=notified_on + dt.timedelta(days=49))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    return review.decision


def suspended_count(day):
    return chart_on(day).totals.suspended


def test_a_suspension_deemed_adopted_takes_effect_at_once_and_a_lifting_restores_rights(cast):
    home = InstitutionFactory(name="Suspended Commission")
    held_a(home)
    special = procedure.open_review(home, cast.session, kind=ReviewKind.SPECIAL_REVIEW)
    decision = deemed_adopted(special, NOTIFIED, Outcome.SUSPEND)
    assert (decision.outcome, decision.route, decision.decided_on) == (
        Outcome.SUSPEND,
        DecisionRoute.DEEMED_ADOPTED,
        DECIDED,
    )
    assert decision.status_record.effective_on == DECIDED  # no year's wait for a suspension

    before = status_on(home.pk, DECIDED - dt.timedelta(days=1))
    on = status_on(home.pk, DECIDED)
    assert (before.suspended, before.rights) == (False, FULL_RIGHTS)
    assert (on.grade, on.suspended, on.rights, on.chart_column) == (Grade.A, True, (), "suspended")
    assert (suspended_count(DECIDED - dt.timedelta(days=1)), suspended_count(DECIDED)) == (0, 1)
    assert chart_on(DECIDED).totals.a == 0

    follow = procedure.open_review(
        home, procedure.session(dt.date(2030, 10, 7)), kind=ReviewKind.SPECIAL_REVIEW
    )
    deemed_adopted(follow, LIFT_NOTIFIED, Outcome.LIFT_SUSPENSION)
    lifted = status_on(home.pk, LIFTED)
    assert (lifted.grade, lifted.suspended, lifted.rights) == (Grade.A, False, FULL_RIGHTS)
    assert (suspended_count(LIFTED), chart_on(LIFTED).totals.a) == (0, 1)
    assert status_on(home.pk, LIFTED - dt.timedelta(days=1)).suspended


def test_a_b_institution_can_be_suspended_too_and_keeps_its_grade_on_paper(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.B, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    deemed_adopted(cast.review, NOTIFIED, Outcome.SUSPEND)
    status = status_on(cast.home.pk, DECIDED)
    assert (status.grade, status.suspended, status.rights) == (Grade.B, True, ())


def test_the_lapse_sweep_takes_the_institution_off_the_chart_from_the_lapse_day(cast):
    held_a(cast.home)
    procedure.recommend(
        cast.review, Outcome.DEFER, follow_up=procedure.session(dt.date(2030, 10, 7), name="Oct")
    )
    due = cast.review.continuations.get().deadlines.get(rule_key="lapse-after-deferral").due_on
    process_deadlines(as_of=due + dt.timedelta(days=1))
    assert chart_on(due - dt.timedelta(days=1)).totals.a == 1
    assert chart_on(due).totals.total == 0
    assert status_on(cast.home.pk, due).rights == ()


def test_the_lapse_of_a_case_of_an_institution_never_accredited_writes_no_status(cast):
    procedure.recommend(
        cast.review, Outcome.DEFER, follow_up=procedure.session(dt.date(2030, 10, 7), name="Oct")
    )
    follow_up = cast.review.continuations.get()
    due = follow_up.deadlines.get(rule_key="lapse-after-deferral").due_on
    process_deadlines(as_of=due + dt.timedelta(days=1))
    follow_up.refresh_from_db()
    assert follow_up.state == ReviewState.LAPSED
    assert not StatusRecord.objects.filter(event=StatusEvent.LAPSE).exists()


def move(client, user, review, data):
    client.force_login(user)
    return client.post(reverse("reviews:move", args=[review.pk]), data)


def test_a_focal_point_withdraws_its_initial_application_with_a_reason(client, cast):
    review = procedure.open_review(
        InstitutionFactory(name="New Commission"), cast.session, kind=ReviewKind.INITIAL
    )
    focal = procedure.focal_point(review.institution, "new-focal")
    refused = move(client, focal, review, {"to": "withdrawn", "reason": ""})
    assert refused.status_code == 400
    review.refresh_from_db()
    assert review.state == ReviewState.INVITED
    response = move(client, focal, review, {"to": "withdrawn", "reason": "Not ready yet."})
    assert response.status_code == 302
    review.refresh_from_db()
    event = review.events.get(to_state=ReviewState.WITHDRAWN)
    assert (review.state, event.by, event.reason) == (
        ReviewState.WITHDRAWN,
        focal,
        "Not ready yet.",
    )


def test_a_focal_point_cannot_withdraw_a_reaccreditation(client, cast):
    response = move(client, cast.focal_point, cast.review, {"to": "withdrawn", "reason": "No."})
    assert response.status_code == 403
    assert "You may not “Withdraw” for this review." in text(response)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.INVITED
    assert not cast.review.events.filter(to_state=ReviewState.WITHDRAWN).exists()
