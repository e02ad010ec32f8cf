"""The session report: the SCA's order (summary by kind, background, one section per
institution), the form of its paragraphs, the one-year note, who reads which sections,
and what it costs."""

import datetime as dt

import pytest
from django.urls import reverse

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from reviews.enums import ActionVerb, Outcome, ParagraphKind, RecusalReason, ReviewKind
from reviews.models import RecommendationParagraph, Recusal, Review
from reviews.permissions import visible_reviews
from reviews.report import assemble
from reviews.services.outcomes import Paragraph
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
READERS = {"secretariat", "sca_member", "recused_sca_member", "observer"}
MOMENT = dt.datetime(2030, 3, 15, 12, 0, tzinfo=dt.UTC)


def report(session):
    return reverse("reviews:report", args=[session.pk])


def case(cast, name, country, code, kind):
    institution = InstitutionFactory(name=name, country=country, region=region(code))
    return procedure.open_review(institution, cast.session, kind=kind)


def adopt(cast, review, outcome=Outcome.ACCREDIT_A, **extra):
    return procedure.recommend(review, outcome, by=cast.secretariat, **extra)


def in_the_sca_form(review, number, **parts):
    RecommendationParagraph.objects.filter(recommendation__review=review, number=number).update(
        **parts
    )


@pytest.fixture
def session_of_four(cast):
    """Home (holding A) downgraded to B; an initial accreditation; a special review that
    removes; a review after deferral deferred again."""
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    later = procedure.session(dt.date(2031, 3, 10))
    initial = case(cast, "Savanna Commission", "GH", RegionCode.AFRICA, ReviewKind.INITIAL)
    special = case(cast, "Alpine Ombuds", "AT", RegionCode.EUROPE, ReviewKind.SPECIAL_REVIEW)
    deferred = case(cast, "Andes Defensoría", "PE", RegionCode.AMERICAS, ReviewKind.AFTER_DEFERRAL)
    adopt(
        cast,
        cast.review,
        Outcome.ACCREDIT_B,
        paragraphs=[
            Paragraph(text="The SCA commends the institution for its outreach."),
            Paragraph(text="Composed.", principles=("B.3",), observations=("1.8",)),
            Paragraph(text="The SCA notes the old way, in one piece."),
        ],
    )
    in_the_sca_form(cast.review, 1, kind=ParagraphKind.COMMENDATION)
    in_the_sca_form(
        cast.review,
        2,
        notes="that the selection of members is not broad and transparent.",
        standard="A clear, transparent and participatory selection process is required.",
        verb=ActionVerb.RECOMMENDS,
        request="that the institution advocate for a formal selection process.",
    )
    adopt(cast, initial, Outcome.ACCREDIT_B)
    adopt(cast, special, Outcome.REMOVE)
    adopt(cast, deferred, Outcome.DEFER, follow_up=later)
    return {"home": cast.review, "initial": initial, "special": special, "deferred": deferred}


# The assembly


def test_the_report_groups_the_cases_by_kind_in_the_sca_order(cast, session_of_four):
    assembled = assemble(cast.session, Review.objects.all())

    assert [(g.number, g.kind, g.title) for g in assembled.groups] == [
        (1, ReviewKind.INITIAL, "Accreditation"),
        (2, ReviewKind.REACCREDITATION, "Re-accreditation"),
        (3, ReviewKind.SPECIAL_REVIEW, "Special review"),
        (4, ReviewKind.AFTER_DEFERRAL, "Review after deferral (deferred files)"),
    ]
    assert [
        (s.number, s.review.institution.name) for g in assembled.groups for s in g.sections
    ] == [
        ("1.1", "Savanna Commission"),
        ("2.1", "Home Commission"),
        ("3.1", "Alpine Ombuds"),
        ("4.1", "Andes Defensoría"),
    ]
    assert assembled.case_count == 4


def test_each_outcome_is_said_in_words_with_the_one_year_note_where_due(cast, session_of_four):
    sections = {
        s.review.pk: s
        for g in assemble(cast.session, Review.objects.all()).groups
        for s in g.sections
    }
    said = {
        name: (
            sections[review.pk].outcome_label,
            sections[review.pk].outcome_text,
            sections[review.pk].takes_effect_in_a_year,
        )
        for name, review in session_of_four.items()
    }
    assert said == {
        "home": (
            "Downgrade to B status",
            "The SCA recommends that the institution be downgraded to B status.",
            True,
        ),
        "initial": (
            "Accredit with B status",
            "The SCA recommends that the institution be accredited with B status.",
            False,
        ),
        "special": (
            "Remove accreditation",
            "The SCA recommends that the accreditation of the institution be removed.",
            True,
        ),
        "deferred": (
            "Defer to a later session",
            "The SCA decides to defer the review of the institution to Session March 2031.",
            False,
        ),
    }


def test_commendations_come_first_and_the_issues_are_numbered_in_the_sca_form(
    cast, session_of_four
):
    (section,) = assemble(cast.session, Review.objects.filter(pk=cast.review.pk)).groups[0].sections

    assert [p.text for p in section.commendations] == [
        "The SCA commends the institution for its outreach."
    ]
    structured, legacy = section.issues
    assert (structured.number, structured.structured) == (1, True)
    assert structured.notes == (
        "The SCA notes that the selection of members is not broad and transparent."
    )
    assert structured.action == (
        "The SCA recommends that the institution advocate for a formal selection process."
    )
    assert structured.references == "Principles: B.3; General Observations: 1.8"
    assert (legacy.number, legacy.structured, legacy.references) == (2, False, "")


# The page


@pytest.mark.parametrize("member", MEMBERS)
def test_the_report_is_for_those_who_attend_the_session(client, cast, member, session_of_four):
    address = report(cast.session)
    response = visit(client, cast.members()[member], address)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
        return
    if member not in READERS:
        assert response.status_code == 404
        assert "Session March 2030" not in text(response)
        return
    assert response.status_code == 200
    body = text(response)
    assert body.count("<h1") == 1
    assert "<script>" not in body and "style=" not in body
    shown = {name: f'id="section-{review.pk}"' in body for name, review in session_of_four.items()}
    expected = {
        "secretariat": {"home": True, "initial": True, "special": True, "deferred": True},
        "sca_member": {"home": True, "initial": True, "special": True, "deferred": True},
        "recused_sca_member": {"home": False, "initial": True, "special": True, "deferred": True},
        "observer": {"home": False, "initial": True, "special": False, "deferred": False},
    }[member]
    assert shown == expected


def test_the_page_reads_in_the_sca_order(client, cast, session_of_four):
    body = text(visit(client, cast.secretariat, report(cast.session)))
    landmarks = [
        '<h2 id="summary-heading">Summary of recommendations</h2>',
        "<h3>1. Accreditation</h3>",
        "Savanna Commission</bdi></a> (Ghana): Accredit with B status",
        "<h3>2. Re-accreditation</h3>",
        "Home Commission</bdi></a> (New Zealand): Downgrade to B status",
        "<h3>4. Review after deferral (deferred files)</h3>",
        '<h2 id="background-heading">Background</h2>',
        '<h2 id="group-1-heading">1. Accreditation</h2>',
        "1.1 <bdi>Ghana: Savanna Commission</bdi>",
        "2.1 <bdi>New Zealand: Home Commission</bdi>",
        "3.1 <bdi>Austria: Alpine Ombuds</bdi>",
        "4.1 <bdi>Peru: Andes Defensoría</bdi>",
    ]
    positions = [body.index(landmark) for landmark in landmarks]
    assert positions == sorted(positions)


def test_a_section_reads_recommendation_commendations_then_numbered_issues(
    client, cast, session_of_four
):
    body = text(visit(client, cast.secretariat, report(cast.session)))
    home = body[body.index(f'id="section-{cast.review.pk}"') :].split("</section>")[0]
    landmarks = [
        "<strong>Recommendation:</strong> The SCA recommends that the institution be "
        "downgraded to B status.",
        "takes effect one year after the decision",
        "<h4>Commendations</h4>",
        "The SCA commends the institution for its outreach.",
        "<h4>Issues</h4>",
        '<li value="1">',
        "The SCA notes that the selection of members is not broad and transparent.",
        "A clear, transparent and participatory selection process is required.",
        "The SCA recommends that the institution advocate for a formal selection process.",
        '<p class="report-references">Principles: B.3; General Observations: 1.8</p>',
        '<li value="2">',
        "The SCA notes the old way, in one piece.",
    ]
    positions = [home.index(landmark) for landmark in landmarks]
    assert positions == sorted(positions)
    assert "Composed." not in home  # the parts stand for the text


def test_only_a_downgrade_or_a_removal_carries_the_one_year_note(client, cast, session_of_four):
    body = text(visit(client, cast.secretariat, report(cast.session)))
    assert body.count("takes effect one year after the decision") == 2
    initial = body[body.index(f'id="section-{session_of_four["initial"].pk}"') :]
    assert "takes effect one year" not in initial.split("</section>")[0]


def test_the_background_gives_dates_place_seats_and_the_number_of_cases(
    client, cast, session_of_four
):
    body = text(visit(client, cast.secretariat, report(cast.session)))
    background = body[body.index('id="background-heading"') :]
    assert '<time datetime="2030-03-11">11 March 2030</time>' in background
    assert "<dt>Cases in this report</dt>\n        <dd>4</dd>" in background
    assert "<td>Africa</td>" in background and "<bdi>SCA Commission</bdi>" in background


def test_a_recused_member_reads_a_report_without_the_case(client, cast, session_of_four):
    Recusal.objects.create(
        review=session_of_four["initial"],
        seat=cast.sca_member.seats.get(),
        reason=RecusalReason.DECLARED,
        recorded_by=cast.secretariat,
        recorded_at=MOMENT,
    )
    body = text(visit(client, cast.sca_member, report(cast.session)))
    assert "Savanna" not in body and "Ghana" not in body
    assert "<h3>1. Re-accreditation</h3>" in body
    assert "<dt>Cases in this report</dt>\n        <dd>3</dd>" in body


def test_before_any_adoption_the_report_says_so(client, cast):
    body = text(visit(client, cast.secretariat, report(cast.session)))
    assert "No recommendation of this session has been adopted yet." in body
    assert "Summary of recommendations" not in body
    assert "<dd>0</dd>" in body


def test_the_recused_members_case_alone_adopted_reads_as_nothing_adopted(client, cast):
    adopt(cast, cast.review)
    body = text(visit(client, cast.recused_sca_member, report(cast.session)))
    assert "No recommendation of this session has been adopted yet." in body
    assert assemble(cast.session, visible_reviews(cast.recused_sca_member)).case_count == 0


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "observer"])
def test_the_report_costs_the_same_for_two_cases_as_for_six(client, cast, member):
    walker = cast.secretariat

    def add_cases(count, offset):
        for n in range(count):
            review = case(
                cast, f"Commission {offset + n}", "GH", RegionCode.AFRICA, ReviewKind.INITIAL
            )
            paragraphs = [
                Paragraph(text="Commended."),
                Paragraph(text="Issue.", principles=("B.3", "B.2"), observations=("1.8",)),
            ]
            procedure.recommend(review, Outcome.ACCREDIT_B, by=walker, paragraphs=paragraphs)

    client.force_login(cast.members()[member])
    add_cases(2, 0)
    few = queries_for(client, report(cast.session))
    add_cases(4, 2)
    many = queries_for(client, report(cast.session))
    assert few == many
    assert text(client.get(report(cast.session))).count('class="report-section"') == 6
