"""The drafting page and the adoption page: who reaches them, what they show, what a
refusal looks like, and what they cost."""

import datetime as dt

import pytest
from django.urls import reverse

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from nhri_portal import clock
from reviews.enums import ActionVerb, Outcome, RecusalReason, ReviewState
from reviews.models import DraftParagraph, RecommendationDraft, Recusal, Review
from reviews.services import adoption, drafts
from reviews.services.outcomes import Paragraph
from reviews.services.sessions import seat_in_session
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, UserFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

DURING = dt.date(2030, 3, 12)
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
DRAFTERS = ("secretariat", "sca_member")
ON_1_8 = Paragraph(
    notes="that members are appointed by the executive alone",
    verb=ActionVerb.RECOMMENDS,
    request="a transparent selection",
    observations=("1.8",),
)


def page(review, **query):
    url = reverse("reviews:draft", args=[review.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def adopt_page(session):
    return reverse("reviews:adopt", args=[session.pk])


def ready(cast):
    return procedure.advance(cast.review, ReviewState.READY)


def post_as(client, user, address, data, on=DURING):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


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


def assert_hidden(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Home Commission" not in text(response)


def add(review, content, by):
    with clock.as_of(DURING):
        return drafts.add_paragraph(review=review, content=content, by=by)


def save(review, by, outcome=Outcome.ACCREDIT_A, follow_up=None):
    with clock.as_of(DURING):
        drafts.save_draft(
            review=review, outcome=outcome, follow_up_session=follow_up, summary="", by=by
        )


def decided_earlier(name, year=2029):
    session = procedure.session(dt.date(year, 3, 12), name=f"Session March {year}")
    review = procedure.open_review(InstitutionFactory(name=name, country="GH"), session)
    procedure.recommend(
        review,
        Outcome.ACCREDIT_B,
        paragraphs=[
            Paragraph("The SCA notes that the selection is opaque.", observations=("1.8",))
        ],
    )
    from reviews.services.outcomes import notify
    from reviews.services.sweep import process_deadlines

    with clock.as_of(session.ends_on + dt.timedelta(days=5)):
        notify(review=review, by=procedure.secretariat("walker"))
    for days in (40, 70):
        process_deadlines(as_of=session.ends_on + dt.timedelta(days=days))
    return review


# -- the drafting page ----------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_and_the_sca_sitting_on_the_case_open_the_draft(client, cast, member):
    review = ready(cast)
    add(review, ON_1_8, cast.secretariat)
    response = visit(client, cast.members()[member], page(review), on=DURING)
    if member in DRAFTERS:
        assert response.status_code == 200
        body = text(response)
        assert body.count("<h1") == 1
        assert "Home Commission" in body
        assert "The SCA notes that members are appointed by the executive alone." in body
        add_address = reverse("reviews:draft_add", args=[review.pk])
        assert f'action="{add_address}"' in body
        assert "<script>" not in body and "style=" not in body
    else:
        assert_hidden(response, member, page(review))


def test_a_case_not_yet_ready_has_no_draft_page(client, cast):
    response = visit(client, cast.secretariat, page(cast.review))
    assert response.status_code == 404


@pytest.mark.parametrize("member", MEMBERS)
def test_only_drafters_save_the_outcome(client, cast, member):
    review = ready(cast)
    address = reverse("reviews:draft_outcome", args=[review.pk])
    response = post_as(client, cast.members()[member], address, {"outcome": "accredit-b"})
    if member in DRAFTERS:
        assert (response.status_code, response["Location"]) == (302, page(review) + "#outcome")
        assert RecommendationDraft.objects.get(review=review).outcome == Outcome.ACCREDIT_B
    else:
        assert_hidden(response, member, address)
        assert not RecommendationDraft.objects.exists()


@pytest.mark.parametrize("member", MEMBERS)
def test_only_drafters_add_a_paragraph(client, cast, member):
    review = ready(cast)
    address = reverse("reviews:draft_add", args=[review.pk])
    data = {"kind": "issue", "notes": "that the law is silent", "observations": ["1.8"]}
    response = post_as(client, cast.members()[member], address, data)
    if member in DRAFTERS:
        assert (response.status_code, response["Location"]) == (302, page(review) + "#paragraphs")
        row = DraftParagraph.objects.get()
        assert (row.notes, [o.number for o in row.observations.all()]) == (
            "that the law is silent",
            ["1.8"],
        )
    else:
        assert_hidden(response, member, address)
        assert not DraftParagraph.objects.exists()


def test_a_refused_paragraph_is_shown_with_its_reason_and_nothing_is_kept(client, cast):
    review = ready(cast)
    address = reverse("reviews:draft_add", args=[review.pk])
    response = post_as(client, cast.sca_member, address, {"kind": "issue", "standard": "Alone."})
    assert response.status_code == 400
    assert "Paragraph 1: write what the SCA notes or what it asks." in text(response)
    assert not DraftParagraph.objects.exists()


def test_a_citation_the_catalogue_does_not_hold_is_refused_on_the_page(client, cast):
    review = ready(cast)
    address = reverse("reviews:draft_add", args=[review.pk])
    data = {"kind": "issue", "notes": "x", "principles": ["Z.9"]}
    response = post_as(client, cast.sca_member, address, data)
    assert response.status_code == 400
    assert "Select a valid choice. Z.9 is not one of the available choices." in text(response)
    assert not DraftParagraph.objects.exists()


def test_a_deferral_without_its_session_is_refused_on_the_page(client, cast):
    review = ready(cast)
    address = reverse("reviews:draft_outcome", args=[review.pk])
    response = post_as(client, cast.sca_member, address, {"outcome": "defer"})
    assert response.status_code == 400
    assert "Name the session that takes the case up again." in text(response)
    assert not RecommendationDraft.objects.exclude(outcome="").exists()


def test_a_past_session_is_not_offered_for_a_deferral(client, cast):
    review = ready(cast)
    past = procedure.session(dt.date(2029, 10, 8), name="Session October 2029")
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    body = text(visit(client, cast.sca_member, page(review), on=DURING))
    assert "Session October 2030" in body and "Session October 2029" not in body
    address = reverse("reviews:draft_outcome", args=[review.pk])
    refused = post_as(
        client, cast.sca_member, address, {"outcome": "defer", "follow_up_session": past.pk}
    )
    assert refused.status_code == 400
    assert not RecommendationDraft.objects.exclude(outcome="").exists()
    post_as(client, cast.sca_member, address, {"outcome": "defer", "follow_up_session": later.pk})
    assert RecommendationDraft.objects.get().follow_up_session == later


def test_a_paragraph_is_edited_moved_and_removed(client, cast):
    review = ready(cast)
    first = add(review, Paragraph(notes="first"), cast.sca_member)
    second = add(review, Paragraph(notes="second"), cast.sca_member)
    edit = reverse("reviews:draft_paragraph", args=[review.pk, first.pk])
    assert "first" in text(visit(client, cast.sca_member, edit, on=DURING))
    post_as(client, cast.sca_member, edit, {"kind": "issue", "notes": "first, rewritten"})
    move = reverse("reviews:draft_move", args=[review.pk, second.pk])
    post_as(client, cast.sca_member, move, {"direction": "up"})
    assert list(DraftParagraph.objects.order_by("number").values_list("notes", flat=True)) == [
        "second",
        "first, rewritten",
    ]
    remove = reverse("reviews:draft_remove", args=[review.pk, second.pk])
    response = post_as(client, cast.sca_member, remove, {})
    assert response.status_code == 302
    assert list(DraftParagraph.objects.values_list("notes", "number")) == [("first, rewritten", 1)]


def test_a_recused_member_cannot_reach_a_paragraph(client, cast):
    review = ready(cast)
    row = add(review, Paragraph(notes="first"), cast.sca_member)
    for name in ("draft_paragraph", "draft_remove", "draft_move"):
        address = reverse(f"reviews:{name}", args=[review.pk, row.pk])
        response = post_as(client, cast.recused_sca_member, address, {"direction": "up"})
        assert response.status_code == 404
    assert list(DraftParagraph.objects.values_list("notes", "number")) == [("first", 1)]


def test_the_precedent_panel_shows_earlier_recommendations_citing_the_drafts_gos(client, cast):
    decided_earlier("Precedent Commission")
    review = ready(cast)
    add(review, ON_1_8, cast.sca_member)
    body = text(visit(client, cast.sca_member, page(review), on=DURING))
    assert "Precedent Commission" in body and "Ghana" in body
    assert "The SCA notes that the selection is opaque." in body


def test_a_general_observation_is_looked_up_without_javascript_and_with_htmx(client, cast):
    decided_earlier("Precedent Commission")
    review = ready(cast)
    body = text(visit(client, cast.sca_member, page(review), on=DURING))
    assert "Precedent Commission" not in body
    looked_up = text(visit(client, cast.sca_member, page(review, go="1.8"), on=DURING))
    assert "Precedent Commission" in looked_up
    partial = visit(
        client,
        cast.sca_member,
        reverse("reviews:draft_precedent", args=[review.pk]) + "?go=1.8",
        on=DURING,
    )
    assert partial.status_code == 200
    assert text(partial).startswith('<div id="precedent-results"')
    assert "Precedent Commission" in text(partial)
    hidden = visit(
        client,
        cast.observer,
        reverse("reviews:draft_precedent", args=[review.pk]) + "?go=1.8",
        on=DURING,
    )
    assert hidden.status_code == 404


def test_after_adoption_the_page_shows_the_recommendation_read_only(client, cast):
    review = ready(cast)
    save(review, cast.sca_member, Outcome.ACCREDIT_B)
    add(review, ON_1_8, cast.sca_member)
    with clock.as_of(cast.session.ends_on):
        adoption.adopt_session(session=cast.session, by=cast.secretariat)
    body = text(visit(client, cast.sca_member, page(review), on=cast.session.ends_on))
    assert "Adopted recommendation" in body and "Accredit with B status" in body
    assert "The SCA recommends a transparent selection." in body
    assert reverse("reviews:draft_add", args=[review.pk]) not in body
    refused = post_as(
        client,
        cast.sca_member,
        reverse("reviews:draft_outcome", args=[review.pk]),
        {"outcome": "accredit-a"},
    )
    assert refused.status_code == 400
    assert "This recommendation was adopted on 2030-03-15" in text(refused)


@pytest.mark.parametrize("member", DRAFTERS)
def test_the_draft_page_costs_the_same_for_two_paragraphs_or_six(client, cast, member):
    review = ready(cast)
    user = cast.members()[member]
    for n in range(2):
        add(review, Paragraph(notes=f"issue {n}", observations=("1.8",), principles=("B.1",)), user)
    decided_earlier("First", 2028)
    decided_earlier("Second", 2029)
    client.force_login(user)
    two = queries_for(client, page(review), on=DURING)
    for n in range(4):
        add(review, Paragraph(notes=f"more {n}", observations=("1.8",)), user)
    for year in (2024, 2025, 2026, 2027):
        decided_earlier(f"Earlier {year}", year)
    client.force_login(user)
    six = queries_for(client, page(review), on=DURING)
    assert text(client.get(page(review))).count("Earlier 20") == 4
    assert two == six


# -- the adoption page ----------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_and_the_chair_open_the_adoption_page(client, cast, member):
    chair_of(cast.session, cast.other)
    review = ready(cast)
    save(review, cast.secretariat)
    address = adopt_page(cast.session)
    response = visit(client, cast.members()[member], address, on=DURING)
    if member == "secretariat":
        body = text(response)
        assert response.status_code == 200
        assert body.count("<h1") == 1
        assert "Home Commission" in body and "Accredit with A status" in body
        assert "Adopt the recommendations</button>" in body
    else:
        assert_hidden(response, member, address)


def test_the_chair_sitting_on_every_case_adopts(client, cast):
    chair = chair_of(cast.session, cast.other)
    review = ready(cast)
    save(review, chair)
    address = adopt_page(cast.session)
    assert "Adopt the recommendations</button>" in text(visit(client, chair, address, on=DURING))
    response = post_as(client, chair, address, {"confirm": "on"}, on=cast.session.ends_on)
    assert (response.status_code, response["Location"]) == (302, address)
    assert Review.objects.get(pk=review.pk).state == ReviewState.RECOMMENDED


def test_a_chair_recused_from_a_case_learns_nothing_of_it(client, cast):
    chair = chair_of(cast.session, cast.other)
    review = ready(cast)
    save(review, cast.secretariat)
    seen = procedure.advance(
        procedure.open_review(
            InstitutionFactory(name="Seen Commission", region=region(RegionCode.AFRICA)),
            cast.session,
        ),
        ReviewState.READY,
    )
    save(seen, chair)
    Recusal.objects.create(
        review=review,
        seat=chair.seats.get(),
        reason=RecusalReason.OBJECTION_UPHELD,
        recorded_by=cast.secretariat,
        recorded_at=clock.now(),
    )
    address = adopt_page(cast.session)
    body = text(visit(client, chair, address, on=DURING))
    assert "Seen Commission" in body
    assert "Home Commission" not in body and "HOME" not in body
    assert "Adopt the recommendations</button>" in body
    response = post_as(client, chair, address, {"confirm": "on"}, on=cast.session.ends_on)
    assert response.status_code == 302
    after = text(visit(client, chair, address, on=cast.session.ends_on))
    assert "The recommendations of this session were adopted on 15 March 2030." in after
    assert "Home Commission" not in after and "HOME" not in after
    assert Review.objects.get(pk=review.pk).state == ReviewState.READY
    assert Review.objects.get(pk=seen.pk).state == ReviewState.RECOMMENDED


def test_adoption_needs_its_confirmation(client, cast):
    review = ready(cast)
    save(review, cast.secretariat)
    response = post_as(client, cast.secretariat, adopt_page(cast.session), {})
    assert response.status_code == 400
    assert "Confirm that the SCA agreed them." in text(response)
    assert Review.objects.get(pk=review.pk).state == ReviewState.READY


def test_adopting_twice_is_refused_on_the_page(client, cast):
    review = ready(cast)
    save(review, cast.secretariat)
    address = adopt_page(cast.session)
    post_as(client, cast.secretariat, address, {"confirm": "on"}, on=cast.session.ends_on)
    body = text(visit(client, cast.secretariat, address, on=cast.session.ends_on))
    assert "The recommendations of this session were adopted on 15 March 2030." in body
    assert "Adopt the recommendations</button>" not in body
    again = post_as(client, cast.secretariat, address, {"confirm": "on"}, on=cast.session.ends_on)
    assert again.status_code == 400
    assert "The recommendations of Session March 2030 were adopted on 15 March 2030." in text(again)
    assert Review.objects.get(pk=review.pk).state == ReviewState.RECOMMENDED


def test_a_case_without_its_outcome_is_named_on_the_adoption_page(client, cast):
    ready(cast)
    response = post_as(
        client, cast.secretariat, adopt_page(cast.session), {"confirm": "on"}, on=DURING
    )
    assert response.status_code == 400
    assert "No recommendation is ready to adopt for: HOME." in text(response)


def test_the_adoption_page_costs_the_same_for_two_cases_or_six(client, cast):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")

    def another(n):
        review = procedure.open_review(
            InstitutionFactory(name=f"Case {n}", region=region(RegionCode.EUROPE)), cast.session
        )
        procedure.advance(review, ReviewState.READY)
        save(review, cast.secretariat, Outcome.DEFER, later)

    save(ready(cast), cast.secretariat)
    another(0)
    client.force_login(cast.secretariat)
    two = queries_for(client, adopt_page(cast.session), on=DURING)
    for n in range(1, 5):
        another(n)
    six = queries_for(client, adopt_page(cast.session), on=DURING)
    assert text(client.get(adopt_page(cast.session))).count("Session October 2030") == 5
    assert two == six
