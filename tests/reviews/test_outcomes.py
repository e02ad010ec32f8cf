import datetime as dt

import pytest

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import Outcome, ReviewState
from reviews.models import Recommendation, Review
from reviews.services.outcomes import Paragraph, notify, record_outcome
from tests import procedure

pytestmark = pytest.mark.django_db


def at_session(cast):
    return procedure.advance(cast.review, ReviewState.AT_SESSION)


def test_a_recommendation_keeps_its_numbered_paragraphs_and_their_citations(cast):
    review = at_session(cast)
    paragraphs = [
        Paragraph(
            "The SCA notes that members are appointed by the executive alone.",
            principles=("B.1", "B.3"),
            observations=("1.8",),
        ),
        Paragraph(
            "The SCA encourages the institution to seek adequate funding.",
            principles=("B.2",),
            observations=("1.10", "2.7"),
        ),
    ]
    with clock.as_of(review.session.ends_on):
        result = record_outcome(
            review=review,
            outcome=Outcome.ACCREDIT_B,
            paragraphs=paragraphs,
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    rows = list(result.recommendation.paragraphs.order_by("number"))
    assert [row.number for row in rows] == [1, 2]
    assert sorted(p.key for p in rows[0].principles.all()) == ["B.1", "B.3"]
    assert [(o.number, o.version) for o in rows[1].observations.order_by("position")] == [
        ("1.10", 2018),
        ("2.7", 2018),
    ]


def test_a_citation_the_catalogue_does_not_hold_is_refused_and_nothing_is_kept(cast):
    review = at_session(cast)
    with clock.as_of(review.session.ends_on), pytest.raises(DomainError) as refused:
        record_outcome(
            review=review,
            outcome=Outcome.ACCREDIT_A,
            paragraphs=[Paragraph("x", principles=("B.9",), observations=("7.7",))],
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    assert str(refused.value) == ("Paragraph 1 cites what the catalogue does not hold: B.9, 7.7.")
    assert not Recommendation.objects.exists()
    assert Review.objects.get(pk=review.pk).state == ReviewState.AT_SESSION


def test_only_the_secretariat_or_the_chair_records_the_scas_outcome(cast):
    review = at_session(cast)
    for user in (cast.focal_point, cast.sca_member, cast.bureau_member):
        with pytest.raises(NotPermitted):
            record_outcome(
                review=review, outcome=Outcome.ACCREDIT_A, agreed_on=review.session.ends_on, by=user
            )
    assert not Recommendation.objects.exists()


def test_notification_sets_both_windows_that_explain_themselves(cast):
    review = procedure.recommend(cast.review)
    with clock.as_of(dt.date(2030, 3, 20)):
        notify(review=review, by=cast.secretariat)
    explained = {d.rule_key: d.explain() for d in review.deadlines.all()}
    assert explained["challenge-window"].startswith(
        "Challenge window closes 2030-04-17 = notified 2030-03-20 + 28 calendar days"
    )
    assert explained["bureau-window"].startswith(
        "Bureau objection window closes 2030-05-07 = Bureau window opens 2030-04-17 + 20"
    )


def test_a_notification_cannot_be_dated_in_the_future(cast):
    review = procedure.recommend(cast.review)
    with clock.as_of(dt.date(2030, 3, 20)), pytest.raises(DomainError, match="future"):
        notify(review=review, by=cast.secretariat, notified_on=dt.date(2030, 3, 21))
    assert Review.objects.get(pk=review.pk).state == ReviewState.RECOMMENDED


def test_the_state_field_cannot_be_assigned_directly(cast):
    with pytest.raises(AttributeError):
        cast.review.state = ReviewState.DECIDED
    assert Review.objects.get(pk=cast.review.pk).state == ReviewState.INVITED


def test_one_open_review_per_institution(cast):
    with pytest.raises(DomainError, match="already has an open review"):
        procedure.open_review(cast.home, cast.session)


def _chair(cast, institution):
    from institutions.enums import Body, SeatRole
    from institutions.services import add_seat_person, assign_seat
    from reviews.services.sessions import seat_in_session
    from tests.factories import UserFactory

    person = UserFactory(username="chair")
    seat = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=SeatRole.CHAIR,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    add_seat_person(seat=seat, user=person, by=None)
    seat_in_session(session=cast.session, seat=seat, by=None)
    return person


def test_the_chair_sitting_on_the_case_records_the_scas_outcome(cast):
    review = at_session(cast)
    chair = _chair(cast, cast.other)
    with clock.as_of(review.session.ends_on):
        record_outcome(
            review=review, outcome=Outcome.ACCREDIT_B, agreed_on=review.session.ends_on, by=chair
        )
    assert Review.objects.get(pk=review.pk).state == ReviewState.RECOMMENDED
    assert Recommendation.objects.get(review=review).recorded_by == chair


def test_a_chair_recused_from_the_case_does_not_record_its_outcome(cast):
    from reviews.enums import RecusalReason
    from reviews.models import Recusal

    review = at_session(cast)
    chair = _chair(cast, cast.other)
    Recusal.objects.create(
        review=review,
        seat=chair.seats.get(),
        reason=RecusalReason.DECLARED,
        recorded_by=cast.secretariat,
        recorded_at=clock.now(),
    )
    with pytest.raises(NotPermitted):
        record_outcome(
            review=review, outcome=Outcome.ACCREDIT_A, agreed_on=review.session.ends_on, by=chair
        )
    assert not Recommendation.objects.exists()


def test_a_paragraph_in_the_scas_form_is_composed_and_keeps_its_parts(cast):
    from reviews.enums import ActionVerb, ParagraphKind

    review = at_session(cast)
    paragraphs = [
        Paragraph(kind=ParagraphKind.COMMENDATION, notes="the institution's outreach."),
        Paragraph(
            notes="that the budget was cut by half",
            standard="Adequate funding is a requirement of the Paris Principles.",
            verb=ActionVerb.URGES,
            request="the institution to advocate adequate funding",
            principles=("B.2",),
        ),
        Paragraph(request="the institution to publish its reports", verb=ActionVerb.ENCOURAGES),
    ]
    with clock.as_of(review.session.ends_on):
        result = record_outcome(
            review=review,
            outcome=Outcome.ACCREDIT_A,
            paragraphs=paragraphs,
            agreed_on=review.session.ends_on,
            by=cast.secretariat,
        )
    rows = list(result.recommendation.paragraphs.order_by("number"))
    assert [(r.kind, r.text) for r in rows] == [
        ("commendation", "The SCA commends the institution's outreach."),
        (
            "issue",
            "The SCA notes that the budget was cut by half. Adequate funding is a requirement "
            "of the Paris Principles. The SCA urges the institution to advocate adequate funding.",
        ),
        ("issue", "The SCA encourages the institution to publish its reports."),
    ]
    assert (rows[1].notes, rows[1].standard, rows[1].verb, rows[1].request) == (
        "that the budget was cut by half",
        "Adequate funding is a requirement of the Paris Principles.",
        "urges",
        "the institution to advocate adequate funding",
    )
