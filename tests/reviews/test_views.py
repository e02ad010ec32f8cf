import datetime as dt

import pytest
from django.urls import reverse

from institutions.enums import RegionCode
from institutions.services import add_observer
from nhri_portal import clock
from reviews.enums import Vote
from reviews.services.bureau import cast_vote
from reviews.services.sweep import process_deadlines
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit
from tests.procedure import notified, open_review

# Before the cast's session (2030-03-11) and its dossier deadline (2029-11-11).
TODAY = dt.date(2029, 6, 1)
NOTIFIED = dt.date(2030, 3, 20)
IN_BUREAU_WINDOW = NOTIFIED + dt.timedelta(days=30)  # the window closes on NOTIFIED + 48


HOME_PAGE = {
    "secretariat": (
        ["Secretariat: open reviews", "Home Commission", "No deadline falls in the next 30 days."],
        ["The accreditation of national human rights institutions"],
    ),
    "sca_member": (
        ["SCA: the sessions you sit in", "Home Commission", "Session March 2030"],
        ["Secretariat: open reviews", "Dossier due"],
    ),
    "recused_sca_member": (
        ["SCA: the sessions you sit in", "No open review in the sessions you sit in."],
        ["Home Commission", "HOME", "Dossier due"],
    ),
    "bureau_member": (
        ["No recommendation is before the Bureau."],
        ["Home Commission", "Dossier due"],
    ),
    "focal_point": (
        ["Home Commission", "Invited", "Dossier due 2029-11-11"],
        ["Other Commission", "Secretariat: open reviews"],
    ),
    "other_focal_point": (
        ["Other Commission", "No review of this institution is open."],
        ["Home Commission", "Dossier due"],
    ),
    "observer": (
        ["Reviews in your region", "No review of your region"],
        ["Home Commission", "Dossier due"],
    ),
    "anonymous": (
        ["The accreditation of national human rights institutions", 'href="/accounts/login/"'],
        ["Home Commission", "What to do next", "Dossier due"],
    ),
}


@pytest.mark.parametrize("member", list(HOME_PAGE))
def test_the_home_page_shows_each_member_of_the_cast_only_what_they_may_see(client, cast, member):
    response = visit(client, cast.members()[member], reverse("home"), on=TODAY)
    assert response.status_code == 200
    page = text(response)
    shown, hidden = HOME_PAGE[member]
    for words in shown:
        assert words in page, words
    for words in hidden:
        assert words not in page, words


def test_a_bureau_member_sees_a_recommendation_in_its_window_with_its_closing_day(client, cast):
    notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=NOTIFIED + dt.timedelta(days=29))
    page = text(visit(client, cast.bureau_member, reverse("home"), on=IN_BUREAU_WINDOW))
    assert "Home Commission" in page
    assert "Accredit with A status" in page
    assert "2030-05-07" in page  # NOTIFIED + 28 + 20 days
    assert "not yet voted" in page
    assert "You hold no Bureau seat today" not in page


def test_a_bureau_member_sees_the_vote_they_cast(client, cast):
    notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=NOTIFIED + dt.timedelta(days=29))
    with clock.as_of(IN_BUREAU_WINDOW):
        cast_vote(
            review=cast.review,
            seat=cast.bureau_member.seats.get(),
            vote=Vote.APPROVE,
            by=cast.bureau_member,
        )
    page = text(visit(client, cast.bureau_member, reverse("home"), on=IN_BUREAU_WINDOW))
    assert "Approve" in page
    assert "not yet voted" not in page


def test_in_the_bureau_window_the_recused_member_and_the_other_focal_point_learn_nothing(
    client, cast
):
    notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=NOTIFIED + dt.timedelta(days=29))
    for user in (cast.recused_sca_member, cast.other_focal_point, cast.observer):
        page = text(visit(client, user, reverse("home"), on=IN_BUREAU_WINDOW))
        assert "Home Commission" not in page
    page = text(visit(client, cast.focal_point, reverse("home"), on=IN_BUREAU_WINDOW))
    assert "Bureau objection window open" in page


def test_an_sca_member_never_sees_the_review_of_their_own_institution(client, cast):
    open_review(cast.sca_home, cast.session)
    page = text(visit(client, cast.sca_member, reverse("home"), on=TODAY))
    assert "Home Commission" in page
    assert "SCA Commission" not in page


def test_an_observer_sees_the_open_reviews_of_their_region(client, cast):
    open_review(cast.sca_home, cast.session)  # in Africa, the observer's region
    page = text(visit(client, cast.observer, reverse("home"), on=TODAY))
    assert "SCA Commission" in page
    assert "Home Commission" not in page


def test_a_user_with_several_roles_sees_a_section_for_each(client, cast):
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=cast.focal_point, by=None)
    page = text(visit(client, cast.focal_point, reverse("home"), on=TODAY))
    assert 'id="focal-point-heading"' in page
    assert 'id="observer-heading"' in page
    assert page.count("Home Commission") >= 2


def test_a_user_without_a_role_is_told_so(client, cast):
    from tests.factories import UserFactory

    page = text(visit(client, UserFactory(username="nobody"), reverse("home"), on=TODAY))
    assert "Your account has no role in the procedure yet" in page


@pytest.mark.parametrize("member", ["secretariat", "sca_member"])
def test_the_home_page_costs_the_same_queries_for_3_and_12_open_reviews(client, cast, member):
    def add_reviews(count):
        for _ in range(count):
            open_review(InstitutionFactory(region=region(RegionCode.EUROPE)), cast.session)

    client.force_login(cast.members()[member])
    client.get(reverse("home"))  # warm the caches that are not about rows
    add_reviews(2)  # with the cast's own review: 3
    few = queries_for(client, reverse("home"), on=TODAY)
    add_reviews(9)
    many = queries_for(client, reverse("home"), on=TODAY)
    assert few == many
