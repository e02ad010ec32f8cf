"""The Bureau's pages: who finds them, what a member and the secretariat see, the vote
from the page (a change of mind, a refusal after the window) and what the list costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import ReviewState, Vote
from reviews.models import BureauVote, Challenge
from reviews.services.bureau import cast_vote
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, UserFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)
OPENS = dt.date(2030, 4, 17)
CLOSES = dt.date(2030, 5, 7)
IN_WINDOW = dt.date(2030, 4, 25)
MEMBERS = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
    "anonymous",
]


def before_the_bureau(review):
    procedure.notified(review, on=NOTIFIED)
    process_deadlines(as_of=OPENS + dt.timedelta(days=1))
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    return review


@pytest.fixture
def review(cast):
    return before_the_bureau(cast.review)


def case_page(review):
    return reverse("reviews:bureau_case", args=[review.pk])


def vote_url(review):
    return reverse("reviews:bureau_vote", args=[review.pk])


def post_as(client, user, address, data, on=IN_WINDOW):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


def member(code, username, name=None):
    person = UserFactory(username=username)
    institution = InstitutionFactory(region=region(code), **({"name": name} if name else {}))
    return procedure.bureau_seat(institution, person=person), person


def expect(response, member_name, address, allowed=("secretariat", "bureau_member")):
    if member_name == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member_name in allowed:
        assert response.status_code == 200
        body = text(response)
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", MEMBERS)
def test_only_the_bureau_and_the_secretariat_find_the_bureau_list(client, cast, review, name):
    address = reverse("reviews:bureau")
    response = visit(client, cast.members()[name], address, on=IN_WINDOW)
    expect(response, name, address)
    if response.status_code == 200:
        assert "Home Commission" in text(response)


@pytest.mark.parametrize("name", MEMBERS)
def test_only_the_bureau_and_the_secretariat_find_the_case_file(client, cast, review, name):
    response = visit(client, cast.members()[name], case_page(review), on=IN_WINDOW)
    expect(response, name, case_page(review))
    if response.status_code == 404:
        assert "Before the Bureau" not in text(response)


@pytest.mark.parametrize("name", MEMBERS)
def test_only_a_sitting_bureau_member_votes(client, cast, review, name):
    data = {"vote": "approve", "reasons": ""}
    response = post_as(client, cast.members()[name], vote_url(review), data)
    if name == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(vote_url(review)))
    elif name == "bureau_member":
        assert (response.status_code, response["Location"]) == (302, case_page(review))
    elif name == "secretariat":
        assert response.status_code == 403  # reads the file and the tally, never votes
    else:
        assert response.status_code == 404
    expected = 1 if name == "bureau_member" else 0
    assert BureauVote.objects.count() == expected


def test_a_member_of_the_institution_under_review_finds_nothing_and_cannot_vote(
    client, cast, review
):
    own = UserFactory(username="own-bureau")
    procedure.bureau_seat(cast.home, person=own)
    assert visit(client, own, case_page(review), on=IN_WINDOW).status_code == 404
    response = post_as(client, own, vote_url(review), {"vote": "object", "reasons": "Mine."})
    assert response.status_code == 404
    assert "Home Commission" not in text(visit(client, own, reverse("reviews:bureau")))
    assert not BureauVote.objects.exists()


def test_the_member_sees_the_file_the_window_and_that_they_have_not_voted(client, cast, review):
    body = text(visit(client, cast.bureau_member, case_page(review), on=IN_WINDOW))
    assert "<strong>Accredit with A status</strong>" in body
    assert "You have not yet voted." in body
    assert "did not challenge" in body
    closes = review.deadlines.get(rule_key="bureau-window")
    assert escape(closes.explain()) in body
    assert f'action="{vote_url(review)}"' in body
    assert reverse("reviews:dossier", args=[review.pk]) in body
    assert "The tally by region" not in body  # the secretariat's
    listing = text(visit(client, cast.bureau_member, reverse("reviews:bureau"), on=IN_WINDOW))
    assert "Not yet voted" in listing and "Not challenged" in listing
    assert '<time datetime="2030-05-07">' in listing


def test_the_file_shows_the_paragraphs_with_their_standards_and_the_challenge(client, cast):
    from reviews.services.outcomes import Paragraph

    procedure.recommend(
        cast.review,
        paragraphs=[Paragraph(text="The SCA notes the selection.", principles=("B.1",),
                              observations=("1.8",))],
    )  # fmt: skip
    with clock.as_of(NOTIFIED):
        from reviews.services.outcomes import notify

        notify(review=cast.review, by=cast.secretariat)
    with clock.as_of(dt.date(2030, 4, 1)):
        Challenge.objects.create(review=cast.review, lodged_by=cast.focal_point,
                                 lodged_on=dt.date(2030, 4, 1), lodged_at=clock.now(),
                                 reasons="Our law was misread.")  # fmt: skip
    process_deadlines(as_of=OPENS + dt.timedelta(days=1))
    body = text(visit(client, cast.bureau_member, case_page(cast.review), on=IN_WINDOW))
    assert '<li value="1">' in body and "The SCA notes the selection." in body
    assert "B.1" in body and "1.8" in body
    assert "Our law was misread." in body
    listing = text(visit(client, cast.bureau_member, reverse("reviews:bureau"), on=IN_WINDOW))
    assert "<strong>Challenged</strong>" in listing


def test_a_member_objects_changes_their_mind_and_sees_the_history(client, cast, review):
    objected = post_as(client, cast.bureau_member, vote_url(review),
                       {"vote": "object", "reasons": "Pluralism is lacking."})  # fmt: skip
    assert objected.status_code == 302
    body = text(client.get(case_page(review)))
    assert "Your objection is recorded." in body
    assert "Pluralism is lacking." in body
    approved = post_as(client, cast.bureau_member, vote_url(review),
                       {"vote": "approve", "reasons": ""}, on=CLOSES)  # fmt: skip
    assert approved.status_code == 302
    vote = BureauVote.objects.get()
    assert (vote.vote, vote.cast_on) == (Vote.APPROVE, CLOSES)
    with clock.as_of(CLOSES):
        body = text(client.get(case_page(review)))
    assert "Your vote&#x27;s history" in body or "Your vote's history" in body
    assert "Pluralism is lacking." in body  # the objection stays in the history
    assert "Record my new vote" in body
    assert [h.vote for h in vote.history.order_by("history_date")] == [Vote.OBJECT, Vote.APPROVE]


def test_an_objection_without_reasons_is_refused_on_the_page(client, cast, review):
    response = post_as(client, cast.bureau_member, vote_url(review),
                       {"vote": "object", "reasons": "  "})  # fmt: skip
    assert response.status_code == 400
    assert "Give the reasons for the objection." in text(response)
    assert 'href="#id_reasons"' in text(response)
    assert not BureauVote.objects.exists()


def test_after_the_window_the_form_is_gone_and_a_vote_is_refused_with_the_date(
    client, cast, review
):
    after = CLOSES + dt.timedelta(days=1)
    body = text(visit(client, cast.bureau_member, case_page(review), on=after))
    assert "The window closed on" in body and '<time datetime="2030-05-07">' in body
    assert f'action="{vote_url(review)}"' not in body
    response = post_as(client, cast.bureau_member, vote_url(review),
                       {"vote": "object", "reasons": "Late."}, on=after)  # fmt: skip
    assert response.status_code == 400
    assert "The Bureau&#x27;s window closed on 2030-05-07." in text(response)
    assert not BureauVote.objects.exists()


def test_the_secretariat_sees_the_tally_by_region_and_the_threshold(client, cast, review):
    africa = [member(RegionCode.AFRICA, f"africa-{n}", f"Africa NHRI {n}") for n in range(2)]
    europe = [member(RegionCode.EUROPE, "europe-0", "Europe NHRI 0")]
    with clock.as_of(IN_WINDOW):
        for seat, person in africa + europe:
            cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="Concern.", by=person)
        cast_vote(
            review=review, seat=procedure_seat(cast), vote=Vote.APPROVE, by=cast.bureau_member
        )
    body = text(visit(client, cast.secretariat, case_page(review), on=IN_WINDOW))
    assert "3 of 4 objectors, from 2 of 2 regions" in body
    assert "the referral threshold is not met" in body
    assert "<bdi>Africa NHRI 0</bdi>, <bdi>Africa NHRI 1</bdi>" in body
    assert "<bdi>Bureau Commission</bdi>" in body  # approving, the Americas
    assert f'action="{vote_url(review)}"' not in body
    listing = text(visit(client, cast.secretariat, reverse("reviews:bureau"), on=IN_WINDOW))
    assert "3 of 4 objectors, from 2 of 2 regions" in listing


def procedure_seat(cast):
    return cast.bureau_member.seats.get()


def test_a_referred_case_shows_below_as_read_only(client, cast, review):
    procedure.refer(review)
    body = text(visit(client, cast.bureau_member, reverse("reviews:bureau")))
    assert "Recently referred or decided" in body
    assert "Referred to a Bureau meeting" in body
    page = text(visit(client, cast.bureau_member, case_page(review)))
    assert f'action="{vote_url(review)}"' not in page
    assert "The window closed on" in page


@pytest.mark.parametrize("who", ["bureau_member", "secretariat"])
def test_the_list_costs_the_same_with_one_case_or_five(client, cast, who):
    others = [member(RegionCode.EUROPE, f"objector-{n}") for n in range(2)]

    def add_case(n):
        institution = InstitutionFactory(name=f"Case NHRI {n}", region=region(RegionCode.AFRICA))
        review = before_the_bureau(procedure.open_review(institution, cast.session))
        with clock.as_of(IN_WINDOW):
            cast_vote(review=review, seat=procedure_seat(cast), vote=Vote.APPROVE,
                      by=cast.bureau_member)  # fmt: skip
            for seat, person in others:
                cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="No.", by=person)

    client.force_login(cast.members()[who])
    add_case(0)
    one = queries_for(client, reverse("reviews:bureau"), on=IN_WINDOW)
    for n in range(1, 5):
        add_case(n)
    five = queries_for(client, reverse("reviews:bureau"), on=IN_WINDOW)
    assert one == five
