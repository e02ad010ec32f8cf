"""Who may know a review exists, at each stage, and who may act on it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from institutions.services import remove_member
from reviews.permissions import load_review, visible_reviews
from tests import procedure

pytestmark = pytest.mark.django_db


def seen_by(cast, review):
    return {
        name
        for name, user in cast.members().items()
        if user is not None and visible_reviews(user).filter(pk=review.pk).exists()
    }


def test_before_the_bureau_stage_the_bureau_does_not_see_the_case(cast):
    assert seen_by(cast, cast.review) == {"secretariat", "sca_member", "focal_point"}


def test_in_the_bureau_window_the_bureau_sees_it_and_the_recused_member_still_does_not(cast):
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    from reviews.services.sweep import process_deadlines

    process_deadlines(as_of=dt.date(2030, 4, 18))
    assert seen_by(cast, review) == {"secretariat", "sca_member", "focal_point", "bureau_member"}


def test_a_bureau_member_never_sees_their_own_institutions_case(cast):
    own = procedure.UserFactory(username="home-bureau")
    procedure.bureau_seat(cast.home, person=own)
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    from reviews.services.sweep import process_deadlines

    process_deadlines(as_of=dt.date(2030, 4, 18))
    assert not visible_reviews(own).filter(pk=review.pk).exists()


def test_an_observer_reads_the_cases_of_their_own_region_only(cast):
    from institutions.enums import RegionCode
    from institutions.services import add_observer
    from tests.factories import UserFactory, region

    apf = UserFactory(username="apf")
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=apf, by=None)
    assert visible_reviews(apf).filter(pk=cast.review.pk).exists()
    assert not visible_reviews(cast.observer).filter(pk=cast.review.pk).exists()


def test_the_loader_answers_404_to_outsiders_and_403_to_those_who_may_only_look(cast):
    pk = cast.review.pk
    for outsider in (
        cast.other_focal_point,
        cast.recused_sca_member,
        cast.bureau_member,
        cast.observer,
    ):
        with pytest.raises(Http404):
            load_review(outsider, pk)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        load_review(AnonymousUser(), pk)
    assert load_review(cast.sca_member, pk) == cast.review
    with pytest.raises(PermissionDenied):
        load_review(cast.sca_member, pk, to_act=True)
    assert load_review(cast.focal_point, pk, to_act=True) == cast.review
    assert load_review(cast.secretariat, pk, to_act=True) == cast.review


def test_leaving_the_institution_revokes_the_focal_points_access(cast):
    membership = cast.focal_point.memberships.get()
    remove_member(membership=membership, by=cast.secretariat)
    cast.focal_point.__dict__.pop("_perm_cache", None)
    cast.focal_point.__dict__.pop("_nhri_roles", None)
    fresh = type(cast.focal_point).objects.get(pk=cast.focal_point.pk)
    assert not visible_reviews(fresh).filter(pk=cast.review.pk).exists()


def test_an_inactive_account_sees_nothing(cast):
    cast.secretariat.is_active = False
    cast.secretariat.save()
    assert not visible_reviews(cast.secretariat).exists()


# -- who sits on a case: members, the chair, alternates, recusals and objections --


def _conflicts_setup(cast):
    from institutions.enums import RegionCode
    from tests.conflicts import alternate

    return alternate(cast.session, RegionCode.AFRICA)


def test_a_member_sits_on_every_case_of_the_session_but_their_own_institutions(cast):
    from reviews.permissions import sitting_reviews

    other = procedure.open_review(procedure.InstitutionFactory(name="Another"), cast.session)
    assert set(sitting_reviews(cast.sca_member)) == {cast.review, other}
    assert set(sitting_reviews(cast.recused_sca_member)) == {other}


def test_the_chair_sits_like_a_member_and_never_on_their_own_institutions_case(cast):
    from institutions.enums import RegionCode, SeatRole
    from reviews.permissions import chairs, sitting_reviews
    from tests.conflicts import seat

    chair, _seat = seat(cast.session, username="chair", code=RegionCode.EUROPE,
                        role=SeatRole.CHAIR)  # fmt: skip
    own = procedure.open_review(_seat.institution, cast.session)
    assert chairs(chair, cast.session)
    assert set(sitting_reviews(chair)) == {cast.review}
    assert own not in visible_reviews(chair)


def test_an_alternate_sees_nothing_until_its_member_is_recused_then_exactly_that_case(cast):
    from reviews.permissions import sitting_reviews
    from reviews.services.conflicts import declare_recusal
    from tests.conflicts import seat_of

    substitute, _seat = _conflicts_setup(cast)
    other = procedure.open_review(procedure.InstitutionFactory(name="Another"), cast.session)
    assert not visible_reviews(substitute).exists()

    declare_recusal(review=other, seat=seat_of(cast.sca_member), note="Conflict.",
                    by=cast.secretariat)  # fmt: skip

    assert set(sitting_reviews(substitute)) == {other}
    assert set(visible_reviews(substitute)) == {other}
    assert set(visible_reviews(cast.sca_member)) == {cast.review}


def test_the_alternate_of_the_region_stands_in_for_a_member_of_the_institution_reviewed(cast):
    from institutions.enums import RegionCode
    from tests.conflicts import alternate

    substitute, _seat = alternate(cast.session, RegionCode.ASIA_PACIFIC)
    assert set(visible_reviews(substitute)) == {cast.review}


def _objection(cast):
    from nhri_portal import clock
    from reviews.services.conflicts import lodge_objection
    from tests.conflicts import BEFORE_CUTOFF, seat_of

    with clock.as_of(BEFORE_CUTOFF):
        return lodge_objection(review=cast.review, seat=seat_of(cast.sca_member),
                               reasons="Ties.", by=cast.focal_point)  # fmt: skip


def _rule(cast, objection, upheld):
    from nhri_portal import clock
    from reviews.services.conflicts import rule_on_objection

    with clock.as_of(dt.date(2030, 3, 2)):
        rule_on_objection(objection=objection, upheld=upheld, ruled_on=dt.date(2030, 3, 1),
                          reasons="Ruled.", by=cast.secretariat)  # fmt: skip


def test_an_upheld_objection_takes_the_case_from_the_member_and_gives_it_to_the_alternate(cast):
    substitute, _seat = _conflicts_setup(cast)
    objection = _objection(cast)
    assert seen_by(cast, cast.review) == {"secretariat", "sca_member", "focal_point"}

    _rule(cast, objection, upheld=True)

    assert seen_by(cast, cast.review) == {"secretariat", "focal_point"}
    assert set(visible_reviews(substitute)) == {cast.review}
    with pytest.raises(Http404):
        load_review(cast.sca_member, cast.review.pk)


def test_a_rejected_objection_changes_nothing(cast):
    substitute, _seat = _conflicts_setup(cast)
    _rule(cast, _objection(cast), upheld=False)
    assert seen_by(cast, cast.review) == {"secretariat", "sca_member", "focal_point"}
    assert not visible_reviews(substitute).exists()


def test_the_seats_on_a_case_agree_with_what_each_person_sees(cast):
    from reviews.permissions import seats_on_case, sits_on
    from reviews.services.conflicts import declare_recusal
    from tests.conflicts import seat_of

    substitute, _seat = _conflicts_setup(cast)
    people = [cast.sca_member, cast.recused_sca_member, substitute]
    for step in range(2):
        seated = {p for s in seats_on_case(cast.review) for p in s.people.all()}
        assert {p for p in people if sits_on(p, cast.review)} == seated
        if step == 0:
            declare_recusal(review=cast.review, seat=seat_of(cast.sca_member), note="C.",
                            by=cast.secretariat)  # fmt: skip
    assert seated == {substitute}
