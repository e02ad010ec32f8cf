"""Adopting the session's recommendations: each case moves on through the transition
services; all or nothing; once."""

import datetime as dt

import pytest

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ActionVerb, Outcome, ParagraphKind, RecusalReason, ReviewKind, ReviewState
from reviews.models import Recommendation, RecommendationDraft, Recusal, Review, ReviewEvent
from reviews.services import adoption, drafts
from reviews.services.outcomes import Paragraph
from reviews.services.sessions import seat_in_session
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

DURING = dt.date(2030, 3, 12)
LAST_DAY = dt.date(2030, 3, 15)


def chair_of(session, institution, username="chair"):
    person = UserFactory(username=username)
    seat = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=SeatRole.CHAIR,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    add_seat_person(seat=seat, user=person, by=None)
    seat_in_session(session=session, seat=seat, by=None)
    return person


def case_of(cast, name, code=RegionCode.AFRICA):
    institution = InstitutionFactory(
        name=name, acronym=name.split()[0].upper(), region=region(code)
    )
    return procedure.advance(procedure.open_review(institution, cast.session), ReviewState.READY)


def drafted(review, outcome=Outcome.ACCREDIT_A, follow_up=None, by=None, paragraphs=()):
    actor = by or procedure.secretariat("drafter")
    with clock.as_of(DURING):
        drafts.save_draft(
            review=review, outcome=outcome, follow_up_session=follow_up, summary="", by=actor
        )
        for content in paragraphs:
            drafts.add_paragraph(review=review, content=content, by=actor)
    return review


def later_session():
    return procedure.session(dt.date(2030, 10, 7), name="Session October 2030")


def states(*reviews):
    return [Review.objects.get(pk=r.pk).state for r in reviews]


def nothing_adopted():
    return (
        not Recommendation.objects.exists()
        and not RecommendationDraft.objects.filter(adopted_at__isnull=False).exists()
    )


def adopt(session, by, on=LAST_DAY):
    with clock.as_of(on):
        return adoption.adopt_session(session=session, by=by)


def test_adoption_moves_each_case_on_as_drafted(cast):
    later = later_session()
    accredited = drafted(procedure.advance(cast.review, ReviewState.READY))
    deferred = drafted(case_of(cast, "Deferred Commission"), Outcome.DEFER, later)
    special = drafted(case_of(cast, "Special Commission"), Outcome.OPEN_SPECIAL_REVIEW, later)
    results = adopt(cast.session, cast.secretariat)

    assert states(accredited, deferred, special) == [
        ReviewState.RECOMMENDED,
        ReviewState.DEFERRED,
        ReviewState.SPECIAL_REVIEW_OPENED,
    ]
    assert len(results) == 3
    follow_ups = Review.objects.filter(session=later).order_by("kind")
    assert [(r.institution.name, r.kind, r.state, r.continues_id) for r in follow_ups] == [
        ("Deferred Commission", ReviewKind.AFTER_DEFERRAL, ReviewState.INVITED, deferred.pk),
        ("Special Commission", ReviewKind.SPECIAL_REVIEW, ReviewState.INVITED, None),
    ]
    recommendation = Recommendation.objects.get(review=accredited)
    assert (recommendation.outcome, recommendation.agreed_on, recommendation.recorded_by) == (
        Outcome.ACCREDIT_A,
        LAST_DAY,
        cast.secretariat,
    )
    assert RecommendationDraft.objects.filter(adopted_by=cast.secretariat).count() == 3
    # Each case went through "taken up at the session" first.
    assert list(ReviewEvent.objects.filter(review=accredited).values_list("to_state", flat=True))[
        -2:
    ] == [ReviewState.AT_SESSION, ReviewState.RECOMMENDED]


def test_the_drafts_paragraphs_become_the_recommendations(cast):
    review = drafted(
        procedure.advance(cast.review, ReviewState.READY),
        paragraphs=[
            Paragraph(
                notes="that members are appointed by the executive alone",
                standard="The process must be transparent.",
                verb=ActionVerb.RECOMMENDS,
                request="that the law provide for a merit-based selection",
                principles=("B.1",),
                observations=("1.8",),
            ),
            Paragraph(kind=ParagraphKind.COMMENDATION, notes="the institution's outreach"),
        ],
    )
    adopt(cast.session, cast.secretariat)
    rows = list(Recommendation.objects.get(review=review).paragraphs.order_by("number"))
    assert [(r.number, r.kind, r.text) for r in rows] == [
        (1, "commendation", "The SCA commends the institution's outreach."),
        (
            2,
            "issue",
            "The SCA notes that members are appointed by the executive alone. The process "
            "must be transparent. The SCA recommends that the law provide for a merit-based "
            "selection.",
        ),
    ]
    assert (rows[1].notes, rows[1].verb, [o.number for o in rows[1].observations.all()]) == (
        "that members are appointed by the executive alone",
        "recommends",
        ["1.8"],
    )


def test_the_chair_adopts_when_sitting_on_every_case(cast):
    chair = chair_of(cast.session, cast.other)
    review = drafted(procedure.advance(cast.review, ReviewState.READY), by=chair)
    adopt(cast.session, chair)
    assert states(review) == [ReviewState.RECOMMENDED]
    assert Recommendation.objects.get(review=review).recorded_by == chair


def test_the_chair_adopts_a_deferral_and_its_follow_up_review_is_opened(cast):
    chair = chair_of(cast.session, cast.other)
    later = later_session()
    review = drafted(procedure.advance(cast.review, ReviewState.READY), Outcome.DEFER, later)
    adopt(cast.session, chair)
    assert states(review) == [ReviewState.DEFERRED]
    assert Review.objects.get(session=later).continues_id == review.pk


def test_a_chair_recused_from_a_case_adopts_the_others_and_the_secretariat_that_one(cast):
    chair = chair_of(cast.session, cast.other)
    review = drafted(procedure.advance(cast.review, ReviewState.READY))
    seen = drafted(case_of(cast, "Seen Commission"), by=chair)
    for seat in chair.seats.all():
        Recusal.objects.create(
            review=review,
            seat=seat,
            reason=RecusalReason.DECLARED,
            recorded_by=cast.secretariat,
            recorded_at=clock.now(),
        )
    adopt(cast.session, chair)
    assert states(seen, review) == [ReviewState.RECOMMENDED, ReviewState.READY]
    with pytest.raises(DomainError, match="were adopted on"):
        adopt(cast.session, chair)
    adopt(cast.session, cast.secretariat)
    assert states(review) == [ReviewState.RECOMMENDED]


@pytest.mark.parametrize(
    "member", ["sca_member", "recused_sca_member", "observer", "focal_point", "bureau_member"]
)
def test_nobody_else_adopts(cast, member):
    review = drafted(procedure.advance(cast.review, ReviewState.READY))
    with pytest.raises(NotPermitted):
        adopt(cast.session, cast.members()[member])
    assert nothing_adopted()
    assert states(review) == [ReviewState.READY]


def test_adopting_twice_is_refused_and_changes_nothing(cast):
    review = drafted(procedure.advance(cast.review, ReviewState.READY))
    adopt(cast.session, cast.secretariat)
    before = (
        list(ReviewEvent.objects.values_list("pk", flat=True)),
        Recommendation.objects.count(),
    )
    with pytest.raises(DomainError) as refused:
        adopt(cast.session, cast.secretariat, on=LAST_DAY + dt.timedelta(days=1))
    assert str(refused.value) == (
        "The recommendations of Session March 2030 were adopted on 15 March 2030."
    )
    assert (
        list(ReviewEvent.objects.values_list("pk", flat=True)),
        Recommendation.objects.count(),
    ) == before
    assert states(review) == [ReviewState.RECOMMENDED]


def test_a_case_without_its_outcome_is_named_and_nothing_is_adopted(cast):
    first = drafted(procedure.advance(cast.review, ReviewState.READY))
    undrafted = case_of(cast, "Undrafted Commission")
    unchosen = drafted(case_of(cast, "Unchosen Commission", RegionCode.EUROPE), outcome="")
    with pytest.raises(DomainError) as refused:
        adopt(cast.session, cast.secretariat)
    assert str(refused.value) == ("No recommendation is ready to adopt for: UNDRAFTED, UNCHOSEN.")
    assert nothing_adopted()
    assert states(first, undrafted, unchosen) == [ReviewState.READY] * 3


def test_a_case_already_at_the_session_is_adopted_too(cast):
    review = drafted(procedure.advance(cast.review, ReviewState.AT_SESSION))
    adopt(cast.session, cast.secretariat)
    assert states(review) == [ReviewState.RECOMMENDED]


def test_adoption_waits_for_the_sessions_first_day(cast):
    review = drafted(procedure.advance(cast.review, ReviewState.READY))
    with pytest.raises(DomainError) as refused:
        adopt(cast.session, cast.secretariat, on=dt.date(2030, 3, 10))
    assert str(refused.value) == (
        "The recommendations are adopted at the session, from its first day (11 March 2030)."
    )
    assert nothing_adopted()
    assert states(review) == [ReviewState.READY]


def test_a_session_with_no_case_awaiting_has_nothing_to_adopt(cast):
    with pytest.raises(DomainError, match="No case of this session awaits"):
        adopt(cast.session, cast.secretariat)
    assert nothing_adopted()


def test_a_follow_up_session_past_by_the_adoption_is_refused_naming_the_case(cast):
    soon = procedure.session(dt.date(2030, 3, 20), name="Session late March 2030")
    first = drafted(procedure.advance(cast.review, ReviewState.READY))
    deferred = drafted(case_of(cast, "Zulu Commission", RegionCode.EUROPE), Outcome.DEFER, soon)
    with pytest.raises(DomainError) as refused:
        adopt(cast.session, cast.secretariat, on=dt.date(2030, 3, 30))
    assert str(refused.value) == (
        "ZULU: Session late March 2030 is in the past: name a session still to come."
    )
    assert nothing_adopted()
    assert states(first, deferred) == [ReviewState.READY, ReviewState.READY]
