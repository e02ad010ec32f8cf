"""Moving a session's dates: every deadline that hangs on them follows, and says so."""

import datetime as dt

import pytest

from accreditation.rulebook import RuleKey
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ReviewState
from reviews.models import Session
from reviews.services.sessions import SESSION_RULES, move_session
from tests import procedure
from tests.factories import InstitutionFactory

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
