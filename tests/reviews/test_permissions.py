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
