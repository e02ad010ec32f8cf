"""The session room: who enters, which cases each reader sees on the agenda and what is
shown of them, and what the agenda costs."""

import datetime as dt

import pytest
from django.urls import reverse

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import Outcome, RecusalReason, ReviewKind, ReviewState, SourceKind
from reviews.models import (
    Dossier,
    IssueSummary,
    RecommendationDraft,
    Recusal,
    ThirdPartySubmission,
)
from reviews.services.discussion import post_comment
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

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
ENTERS = {"secretariat", "sca_member", "recused_sca_member", "observer"}
MOMENT = dt.datetime(2030, 2, 20, 9, 0, tzinfo=dt.UTC)


def room(session):
    return reverse("reviews:room", args=[session.pk])


def case_link(review):
    return f'<a href="{reverse("reviews:case", args=[review.pk])}">'


def african_case(cast, name="Savanna Commission", country="GH", **extra):
    institution = InstitutionFactory(name=name, country=country, region=region(RegionCode.AFRICA))
    return procedure.open_review(institution, cast.session, **extra)


def submission(review, *, shared):
    return ThirdPartySubmission.objects.create(
        review=review,
        source_name="Civil Society Watch",
        source_kind=SourceKind.CIVIL_SOCIETY,
        received_on=dt.date(2030, 1, 10),
        content="Full text.",
        recorded_by=procedure.secretariat(f"recorder-{ThirdPartySubmission.objects.count()}"),
        recorded_at=MOMENT,
        shared_at=MOMENT if shared else None,
    )


def agenda(response):
    """The agenda part of the room: the header lists the seats, Home's among them."""
    body = text(response)
    return body[body.index('id="agenda-caption"') :]


def glance(cast, review):
    """A case the secretariat has been working on: everything the room shows is set."""
    Dossier.objects.update_or_create(review=review, defaults={"submitted_at": MOMENT})
    IssueSummary.objects.create(review=review, shared_at=MOMENT)
    RecommendationDraft.objects.create(
        review=review,
        outcome=Outcome.ACCREDIT_A,
        updated_at=MOMENT,
        updated_by=cast.secretariat,
    )
    submission(review, shared=True)
    submission(review, shared=False)
    post_comment(review=review, body="A view.", by=cast.secretariat)


@pytest.mark.parametrize("member", MEMBERS)
def test_the_room_is_for_the_sca_sitting_the_observers_and_the_secretariat(client, cast, member):
    address = room(cast.session)
    response = visit(client, cast.members()[member], address)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member not in ENTERS:
        assert response.status_code == 404
        assert "Session March 2030" not in text(response)
    else:
        assert response.status_code == 200
        body = text(response)
        assert body.count("<h1") == 1
        assert "<h1>Session room: <bdi>Session March 2030</bdi></h1>" in body
        assert "<script>" not in body and "style=" not in body


@pytest.mark.parametrize(
    ("member", "home", "africa"),
    [
        ("secretariat", True, True),
        ("sca_member", True, True),
        ("recused_sca_member", False, True),
        ("observer", False, True),
    ],
)
def test_each_reader_sees_the_cases_they_may_know_of(client, cast, member, home, africa):
    savanna = african_case(cast)
    body = text(visit(client, cast.members()[member], room(cast.session)))
    assert (case_link(cast.review) in body) is home
    assert (case_link(savanna) in body) is africa
    assert body.count("<tr>") == 1 + home + africa


def test_an_sca_member_of_another_session_does_not_enter(client, cast):
    later = procedure.session(dt.date(2031, 3, 10))
    response = visit(client, cast.sca_member, room(later))
    assert response.status_code == 404


def test_a_member_recused_by_an_objection_learns_nothing_of_the_case(client, cast):
    seat = cast.sca_member.seats.get()
    Recusal.objects.create(
        review=cast.review,
        seat=seat,
        reason=RecusalReason.DECLARED,
        recorded_by=cast.secretariat,
        recorded_at=MOMENT,
    )
    glance(cast, cast.review)
    body = text(visit(client, cast.sca_member, room(cast.session)))
    assert case_link(cast.review) not in body
    assert body.count("Home Commission") == 1  # its seat sits, as the header says
    assert "New Zealand" not in body
    assert "No case of this session is on your agenda." in body


def test_the_header_gives_dates_place_and_the_seats_by_region(client, cast):
    body = text(visit(client, cast.secretariat, room(cast.session)))
    assert '<time datetime="2030-03-11">11 March 2030</time>' in body
    assert '<time datetime="2030-03-15">15 March 2030</time>' in body
    assert "<li>Africa: <bdi>SCA Commission</bdi> (Member)</li>" in body
    assert "<li>Asia-Pacific: <bdi>Home Commission</bdi> (Member)</li>" in body


def test_those_who_deliberate_see_the_cases_state_at_a_glance(client, cast):
    glance(cast, cast.review)
    for member in ("secretariat", "sca_member"):
        body = text(visit(client, cast.members()[member], room(cast.session)))
        row = body[body.index(case_link(cast.review)) :].split("</tr>")[0]
        assert "New Zealand" in row and "Re-accreditation" in row
        assert 'Submitted on <time datetime="2030-02-20">' in row
        assert 'Shared on <time datetime="2030-02-20">' in row
        assert '<td class="num">2</td>' in row  # both submissions, in full
        assert "Accredit with A status" in row
        assert '<td class="num">1</td>' in row  # one message
        assert "Discussion messages" in body


def test_an_observer_counts_only_shared_submissions_and_never_sees_the_deliberation(client, cast):
    savanna = african_case(cast)
    glance(cast, savanna)
    IssueSummary.objects.filter(review=savanna).update(answers_sent_at=MOMENT)

    body = text(visit(client, cast.observer, room(cast.session)))

    row = body[body.index(case_link(savanna)) :].split("</tr>")[0]
    assert "Answers sent on <time" in row
    assert '<td class="num">1</td>' in row
    assert "Accredit with A status" not in body
    assert "Recommendation draft" not in body and "Discussion messages" not in body


def test_a_case_without_work_yet_says_so(client, cast):
    body = text(visit(client, cast.secretariat, room(cast.session)))
    row = body[body.index(case_link(cast.review)) :].split("</tr>")[0]
    assert "Not submitted" in row and "Not shared" in row
    assert "No outcome chosen yet" in row
    assert row.count('<td class="num">0</td>') == 2


def test_the_agenda_follows_the_order_the_secretariat_set(client, cast):
    first = african_case(cast, "Zulu Commission", "ZA", kind=ReviewKind.INITIAL)
    second = african_case(cast, "Atlas Commission", "MA")
    body = agenda(visit(client, cast.secretariat, room(cast.session)))
    assert body.index("Zulu Commission") < body.index("Atlas Commission")
    assert body.index("Atlas Commission") < body.index("Home Commission")

    type(second).objects.filter(pk=second.pk).update(agenda_position=1)
    type(first).objects.filter(pk=first.pk).update(agenda_position=2)
    body = agenda(visit(client, cast.secretariat, room(cast.session)))
    assert body.index("Atlas Commission") < body.index("Zulu Commission")


def test_the_sca_member_reaches_the_room_from_a_case_page(client, cast):
    body = text(visit(client, cast.sca_member, reverse("reviews:case", args=[cast.review.pk])))
    assert f'<a href="{room(cast.session)}">Session room</a>' in body


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "observer"])
def test_the_agenda_costs_the_same_for_two_cases_as_for_six(client, cast, member):
    def add_cases(count):
        for n in range(count):
            review = african_case(cast, f"Commission {n}-{count}", "GH")
            glance(cast, review)
            with clock.as_of(dt.date(2030, 3, 1)):
                procedure.transition(review, to=ReviewState.DOSSIER, by=cast.secretariat)

    client.force_login(cast.members()[member])
    add_cases(2)
    few = queries_for(client, room(cast.session))
    add_cases(4)
    many = queries_for(client, room(cast.session))
    assert few == many
    assert text(client.get(room(cast.session))).count("Commission 0-") == 2
