"""The Bureau meeting pages: who finds them, what each reads, what a POST records, and
what the list of meetings costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from nhri_portal import clock
from reviews.enums import Outcome, ReviewState
from reviews.models import BureauMeeting, Decision
from reviews.services.meetings import schedule_meeting
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory
from tests.pages import queries_for, text, visit
from tests.reviews.test_meetings import AFTER, HELD, referred

pytestmark = pytest.mark.django_db

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
LIST = reverse("reviews:meetings")


def page(meeting):
    return reverse("reviews:meeting", args=[meeting.pk])


def decide_url(meeting, review):
    return reverse("reviews:meeting_decide", args=[meeting.pk, review.pk])


def post_as(client, user, address, data, on=AFTER):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


def june(cast):
    with clock.as_of(dt.date(2030, 1, 1)):
        return schedule_meeting(
            held_on=HELD, reference="Bureau 2030/2", place="Geneva", by=cast.secretariat
        )


@pytest.fixture
def meeting(cast):
    referred(cast.review)
    return june(cast)


@pytest.mark.parametrize("member", MEMBERS)
def test_the_secretariat_and_the_bureau_find_the_meetings_everyone_else_gets_404(
    client, cast, member, meeting
):
    for address in (LIST, page(meeting)):
        response = visit(client, cast.members()[member], address, on=AFTER)
        if member == "anonymous":
            assert (response.status_code, response["Location"]) == (302, login_url(address))
            continue
        body = text(response)
        if member in ("secretariat", "bureau_member"):
            assert response.status_code == 200
            assert body.count("<h1") == 1
            assert "<script>" not in body and "style=" not in body
            assert "Bureau 2030/2" in body
        else:
            assert response.status_code == 404
            assert "Bureau 2030/2" not in body


def test_the_bureau_reads_the_referred_cases_but_gets_no_form(client, cast, meeting):
    body = text(visit(client, cast.bureau_member, page(meeting), on=AFTER))
    assert "<bdi>Home Commission</bdi>" in body
    assert "4 objections from 2 region(s); 0 approval(s)" in body
    assert decide_url(meeting, cast.review) not in body
    assert "Schedule a meeting" not in text(visit(client, cast.bureau_member, LIST, on=AFTER))


def test_a_bureau_member_never_reads_their_own_institutions_case(client, cast, meeting):
    seat = cast.bureau_member.seats.get()
    procedure.bureau_seat(cast.home, person=cast.bureau_member)
    assert seat.institution != cast.home
    body = text(visit(client, cast.bureau_member, page(meeting), on=AFTER))
    assert "Home Commission" not in body
    assert "No case is referred to the Bureau" in body


def test_the_secretariat_sees_each_referred_case_with_the_recommendation_and_a_form(
    client, cast, meeting
):
    body = text(visit(client, cast.secretariat, page(meeting), on=AFTER))
    assert "Accredit with A status" in body
    assert f'action="{decide_url(meeting, cast.review)}"' in body
    assert "Adopt the recommendation: Accredit with A status" in body
    assert f'for="decide-{cast.review.pk}-outcome"' in body
    assert f'for="decide-{cast.review.pk}-reasons"' in body
    assert "This meeting has recorded no decision yet." in body


def test_before_its_day_a_meeting_offers_no_form(client, cast, meeting):
    body = text(visit(client, cast.secretariat, page(meeting), on=HELD - dt.timedelta(days=1)))
    assert "it decides nothing before its day" in body
    assert decide_url(meeting, cast.review) not in body


def test_adopting_from_the_page_records_a_numbered_decision(client, cast, meeting):
    response = post_as(
        client, cast.secretariat, decide_url(meeting, cast.review), {"choice": "adopt"}
    )
    assert (response.status_code, response["Location"]) == (302, page(meeting))
    decision = Decision.objects.get()
    assert (decision.outcome, decision.item, decision.decided_on) == (Outcome.ACCREDIT_A, 1, HELD)
    with clock.as_of(AFTER):
        body = text(client.get(page(meeting)))
    assert "Home Commission: the decision is recorded as Bureau 2030/2/1." in body
    assert '<li value="1" id="decision-1">' in body
    assert "The Bureau adopted the SCA's recommendation." in body
    assert "No case is referred to the Bureau and awaiting its decision." in body


def test_another_outcome_needs_the_outcome_and_the_reasons_on_their_fields(client, cast, meeting):
    address = decide_url(meeting, cast.review)
    response = post_as(client, cast.secretariat, address, {"choice": "other", "reasons": "Why"})
    assert response.status_code == 400
    assert f'href="#decide-{cast.review.pk}-outcome"' in text(response)
    assert "Choose the outcome the Bureau decided." in text(response)
    response = post_as(
        client, cast.secretariat, address, {"choice": "other", "outcome": "accredit-b"}
    )
    assert response.status_code == 400
    assert escape("Give the Bureau's reasons") in text(response)
    response = post_as(
        client,
        cast.secretariat,
        address,
        {"choice": "other", "outcome": "accredit-b", "reasons": "Funding."},
    )
    assert response.status_code == 302
    assert Decision.objects.get().outcome == Outcome.ACCREDIT_B


def test_a_deferral_is_not_offered_nor_accepted(client, cast, meeting):
    body = text(visit(client, cast.secretariat, page(meeting), on=AFTER))
    assert 'value="defer"' not in body and 'value="special-review"' not in body
    response = post_as(
        client,
        cast.secretariat,
        decide_url(meeting, cast.review),
        {"choice": "other", "outcome": "defer", "reasons": "Later."},
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_a_double_click_decides_once_and_says_it_was_already_decided(client, cast, meeting):
    address = decide_url(meeting, cast.review)
    first = post_as(client, cast.secretariat, address, {"choice": "adopt"})
    second = post_as(client, cast.secretariat, address, {"choice": "adopt"})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "This case has already been decided" in text(second)
    assert Decision.objects.count() == 1


def test_a_meeting_not_yet_held_refuses_a_decision_with_the_reason(client, cast, meeting):
    response = post_as(
        client,
        cast.secretariat,
        decide_url(meeting, cast.review),
        {"choice": "adopt"},
        on=HELD - dt.timedelta(days=1),
    )
    assert response.status_code == 400
    assert "record its decisions from then on" in text(response)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.REFERRED


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_decides(client, cast, member, meeting):
    address = decide_url(meeting, cast.review)
    response = post_as(client, cast.members()[member], address, {"choice": "adopt"})
    expected = {"secretariat": 302, "bureau_member": 403, "anonymous": 302}.get(member, 404)
    assert response.status_code == expected
    if member == "anonymous":
        assert response["Location"] == login_url(address)
    assert Decision.objects.count() == (1 if member == "secretariat" else 0)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_schedules_from_the_page(client, cast, member):
    data = {"held_on": "2030-06-19", "reference": "Bureau 2030/2", "place": "Geneva"}
    response = post_as(client, cast.members()[member], LIST, data)
    expected = {"secretariat": 302, "bureau_member": 403, "anonymous": 302}.get(member, 404)
    assert response.status_code == expected
    assert BureauMeeting.objects.count() == (1 if member == "secretariat" else 0)
    if member == "secretariat":
        made = BureauMeeting.objects.get()
        assert response["Location"] == page(made)
        assert (made.held_on, made.place) == (HELD, "Geneva")


def test_a_duplicate_reference_is_refused_on_its_field_keeping_what_was_typed(client, cast):
    june(cast)
    data = {"held_on": "2030-09-01", "reference": "bureau 2030/2", "place": "Rabat"}
    response = post_as(client, cast.secretariat, LIST, data)
    assert response.status_code == 400
    body = text(response)
    assert 'href="#id_reference"' in body
    assert 'value="Rabat"' in body
    assert BureauMeeting.objects.count() == 1


def test_a_bad_day_is_refused_on_its_field(client, cast):
    data = {"held_on": "19/06/2030", "reference": "B/1", "is_virtual": "on"}
    response = post_as(client, cast.secretariat, LIST, data)
    assert response.status_code == 400
    assert "Give the day as YYYY-MM-DD." in text(response)
    assert not BureauMeeting.objects.exists()


def test_the_list_of_meetings_costs_the_same_with_one_meeting_or_five(client, cast):
    client.force_login(cast.secretariat)
    meetings = [june(cast)]
    one = queries_for(client, LIST, on=AFTER)
    with clock.as_of(AFTER):
        for n in range(4):
            meetings.append(
                schedule_meeting(
                    held_on=HELD + dt.timedelta(days=n),
                    reference=f"B/{n}",
                    is_virtual=True,
                    by=cast.secretariat,
                )
            )
    five = queries_for(client, LIST, on=AFTER)
    assert BureauMeeting.objects.count() == 5
    assert one == five


def test_the_meeting_page_costs_the_same_however_many_cases_and_decisions(client, cast):
    reviews = [cast.review] + [
        procedure.open_review(InstitutionFactory(name=f"Commission {n}"), cast.session)
        for n in range(6)
    ]
    referred(*reviews)
    at = june(cast)
    with clock.as_of(AFTER):
        later = schedule_meeting(
            held_on=dt.date(2030, 9, 1), reference="Bureau 2030/3", place="x", by=cast.secretariat
        )
    client.force_login(cast.secretariat)
    seven_awaiting = queries_for(client, page(later), on=AFTER)
    post_as(client, cast.secretariat, decide_url(at, reviews[0]), {"choice": "adopt"})
    one_decided = queries_for(client, page(at), on=AFTER)
    for review in reviews[1:5]:
        post_as(client, cast.secretariat, decide_url(at, review), {"choice": "adopt"})
    client.force_login(cast.secretariat)
    assert queries_for(client, page(later), on=AFTER) == seven_awaiting  # two awaiting now
    assert queries_for(client, page(at), on=AFTER) == one_decided  # five decided now
    assert Decision.objects.count() == 5
