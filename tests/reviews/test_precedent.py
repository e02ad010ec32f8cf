"""Precedent: earlier paragraphs citing the same General Observation, only those the
reader may know."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import Outcome, RecusalReason, ReviewState
from reviews.models import Recusal
from reviews.precedent import precedent_for
from reviews.services.outcomes import Paragraph, notify
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

ON_1_8 = Paragraph(
    "The SCA notes that the selection process is not transparent.", observations=("1.8",)
)
ON_1_10 = Paragraph("The SCA notes that the funding is inadequate.", observations=("1.10",))


def earlier_session(year=2029):
    return procedure.session(dt.date(year, 3, 12), name=f"Session March {year}")


def recommended(institution, session, paragraphs, outcome=Outcome.ACCREDIT_B):
    review = procedure.open_review(institution, session)
    return procedure.recommend(review, outcome, paragraphs=list(paragraphs))


def decided(institution, session, paragraphs, outcome=Outcome.ACCREDIT_B):
    review = recommended(institution, session, paragraphs, outcome)
    with clock.as_of(session.ends_on + dt.timedelta(days=5)):
        notify(review=review, by=procedure.secretariat("walker"))
    for days in (40, 70):
        process_deadlines(as_of=session.ends_on + dt.timedelta(days=days))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    return review


def found(user, exclude_review, numbers=("1.8",), limit=10):
    rows = precedent_for(
        observation_numbers=numbers, user=user, exclude_review=exclude_review, limit=limit
    )
    return [(r.recommendation.review.institution.name, r.number) for r in rows]


def test_a_paragraph_of_a_decided_earlier_review_citing_the_go_is_found(cast):
    earlier = earlier_session()
    institution = InstitutionFactory(name="Precedent Commission", country="GH")
    decided(institution, earlier, [ON_1_10, ON_1_8])
    rows = precedent_for(
        observation_numbers=["1.8"], user=cast.sca_member, exclude_review=cast.review
    )
    assert len(rows) == 1
    row = rows[0]
    assert (
        row.recommendation.review.institution.name,
        row.recommendation.review.institution.country.name,
        row.recommendation.session.name,
        row.recommendation.get_outcome_display(),
        row.number,
        row.text,
        [o.number for o in row.observations.all()],
    ) == (
        "Precedent Commission",
        "Ghana",
        "Session March 2029",
        "Accredit with B status",
        2,
        "The SCA notes that the selection process is not transparent.",
        ["1.8"],
    )


def test_nothing_is_found_for_no_general_observation(cast):
    decided(InstitutionFactory(), earlier_session(), [ON_1_8])
    assert found(cast.secretariat, cast.review, numbers=()) == []


def test_a_recommendation_not_yet_decided_is_found_only_by_those_who_see_its_case(cast):
    institution = InstitutionFactory(name="Pending Commission")
    recommended(institution, earlier_session(), [ON_1_8])
    assert found(cast.sca_member, cast.review) == []
    assert found(cast.secretariat, cast.review) == [("Pending Commission", 1)]


def test_the_institution_of_a_case_the_reader_is_recused_from_never_appears(cast):
    objected = InstitutionFactory(name="Objecting Commission", region=region(RegionCode.AMERICAS))
    decided(objected, earlier_session(), [ON_1_8])
    current = procedure.open_review(objected, cast.session)
    Recusal.objects.create(
        review=current,
        seat=cast.sca_member.seats.get(),
        reason=RecusalReason.OBJECTION_UPHELD,
        recorded_by=cast.secretariat,
        recorded_at=clock.now(),
    )
    # The earlier case is decided and public, yet it would tell the member about the
    # institution whose case is hidden from them.
    assert found(cast.sca_member, cast.review) == []
    assert found(cast.secretariat, cast.review) == [("Objecting Commission", 1)]


def test_the_readers_own_institution_never_appears(cast):
    decided(cast.sca_home, earlier_session(), [ON_1_8])
    assert found(cast.sca_member, cast.review) == []
    assert found(cast.bureau_member, cast.review) == [("SCA Commission", 1)]


def test_a_focal_point_finds_no_unpublished_case_of_another_institution(cast):
    decided(cast.sca_home, earlier_session(), [ON_1_8])
    assert found(cast.focal_point, cast.review) == []


def test_the_review_being_drafted_never_appears(cast):
    review = procedure.recommend(cast.review, paragraphs=[ON_1_8])
    assert found(cast.secretariat, review) == []
    assert found(cast.secretariat, None) == [("Home Commission", 1)]


def test_newest_session_first_within_the_limit(cast):
    for year, name in ((2026, "Oldest"), (2029, "Newest"), (2028, "Middle")):
        decided(InstitutionFactory(name=name), earlier_session(year), [ON_1_8])
    assert found(cast.sca_member, cast.review) == [("Newest", 1), ("Middle", 1), ("Oldest", 1)]
    assert found(cast.sca_member, cast.review, limit=2) == [("Newest", 1), ("Middle", 1)]


def queries_for_precedent(user, review):
    user = type(user).objects.get(pk=user.pk)  # nothing cached from an earlier call
    with CaptureQueriesContext(connection) as queries:
        rows = precedent_for(observation_numbers=["1.8"], user=user, exclude_review=review)
        shown = [
            (
                row.recommendation.review.institution.name,
                row.recommendation.session.name,
                [o.number for o in row.observations.all()],
            )
            for row in rows
        ]
    return len(shown), len(queries.captured_queries)


@pytest.mark.parametrize("member", ["secretariat", "sca_member"])
def test_the_precedent_costs_the_same_queries_for_two_rows_or_six(cast, member):
    user = cast.members()[member]
    earlier = earlier_session()
    for n in range(2):
        decided(InstitutionFactory(name=f"First {n}"), earlier_session(2020 + n), [ON_1_8])
    two = queries_for_precedent(user, cast.review)
    for n in range(4):
        decided(InstitutionFactory(name=f"More {n}"), earlier, [ON_1_8])
    six = queries_for_precedent(user, cast.review)
    assert (two[0], six[0]) == (2, 6)
    assert two[1] == six[1]
