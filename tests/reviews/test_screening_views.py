"""The screening page: who reaches it, the two decisions through it, and the dossier
pages of a returned dossier (open for the returned items only)."""

import datetime as dt
import re

import pytest
from django.utils.html import escape

from nhri_portal import clock
from reviews.enums import DocumentSlot, ReviewState, ScreeningResult, Theme
from reviews.models import ComplianceAnswer, Screening
from reviews.permissions import COMPLAINTS_QUESTION
from reviews.services.dossiers import cite, dossier_for, save_answer, submit_dossier
from reviews.services.screening import mark_complete, return_dossier
from reviews.services.transitions import transition
from tests import procedure
from tests.dossier import add, login_url, pdf_upload, submit, url
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

DAY = dt.date(2029, 11, 1)
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


@pytest.fixture
def submitted(cast):
    with clock.as_of(DAY - dt.timedelta(days=5)):
        submit(cast.review, cast.focal_point)
    return cast


def post_as(client, user, address, data, on=DAY):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


def return_data(**changes):
    data = {
        "return-budget": "on",
        "note-budget": "The budget of 2029 is missing.",
        "return-funding": "on",
        "due_on": "2029-11-20",
        "note": "Thank you.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_refused_outside(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Screening of the dossier" not in text(response)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_finds_the_screening_page(client, submitted, member):
    address = url("screening", submitted.review)
    response = visit(client, submitted.members()[member], address, on=DAY)
    if member == "secretariat":
        assert response.status_code == 200
        page = text(response)
        assert page.count("<h1") == 1 and "<h1>Screening of the dossier</h1>" in page
        assert "<script>" not in page and "style=" not in page
        assert "Nothing required is missing." in page
        assert "This dossier has not been screened before." in page
        assert '<h2 id="complete-heading">Mark complete</h2>' in page
        assert '<h2 id="return-heading">Return as incomplete</h2>' in page
        assert 'name="due_on" value="2029-11-15"' in page  # today + 14 days
        assert '<label for="return-return-budget">Budget</label>' in page
    else:
        assert_refused_outside(response, member, address)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_marks_a_dossier_complete(client, submitted, member):
    address = url("screening_complete", submitted.review)
    response = post_as(client, submitted.members()[member], address, {"note": "Fine."})
    submitted.review.refresh_from_db()
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (
            302,
            url("screening", submitted.review),
        )
        assert submitted.review.state == ReviewState.SCREENING
        assert Screening.objects.get().note == "Fine."
        page = text(client.get(response["Location"]))
        assert "The dossier is marked complete. The institution is told by mail." in page
        assert "Marked complete on" in page
        assert 'action="' + address not in page
    else:
        assert_refused_outside(response, member, address)
        assert (submitted.review.state, Screening.objects.count()) == (ReviewState.SUBMITTED, 0)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_returns_a_dossier(client, submitted, member):
    address = url("screening_return", submitted.review)
    response = post_as(client, submitted.members()[member], address, return_data())
    submitted.review.refresh_from_db()
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (
            302,
            url("screening", submitted.review),
        )
        assert submitted.review.state == ReviewState.DOSSIER
        screening = Screening.objects.get()
        assert (screening.result, screening.due_on, screening.note) == (
            ScreeningResult.RETURNED,
            dt.date(2029, 11, 20),
            "Thank you.",
        )
        assert [(i.slot, i.theme, i.note) for i in screening.items.all()] == [
            ("", "funding", ""),
            ("budget", "", "The budget of 2029 is missing."),
        ]
    else:
        assert_refused_outside(response, member, address)
        assert (submitted.review.state, Screening.objects.count()) == (ReviewState.SUBMITTED, 0)


def test_marking_complete_twice_shows_when_it_was_done(client, submitted):
    with clock.as_of(DAY):
        mark_complete(review=submitted.review, by=submitted.secretariat)
    address = url("screening_complete", submitted.review)
    response = post_as(client, submitted.secretariat, address, {"note": ""})
    assert response.status_code == 400
    assert "This dossier was already marked complete on 1 November 2029." in text(response)
    assert Screening.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        (
            {"return-budget": None, "return-funding": None, "note-budget": None},
            "Say what is missing: tick at least one part of the dossier.",
            None,
        ),
        ({"due_on": "2029-10-31"}, "The due date cannot be a day that has passed.", "due_on"),
        ({"due_on": ""}, "Give the day by which the missing items are due.", "due_on"),
        (
            {"return-budget": None},
            "Tick “Budget” to return it, or clear this note.",
            "note-budget",
        ),
    ],
    ids=["nothing ticked", "past date", "no date", "note without tick"],
)
def test_a_bad_return_is_shown_by_its_field_and_changes_nothing(
    client, submitted, changes, error, field
):
    address = url("screening_return", submitted.review)
    response = post_as(client, submitted.secretariat, address, return_data(**changes))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and escape(error) in page
    if field is None:
        assert 'aria-describedby="return-parts-error"' in page
    else:
        assert f'id="return-{field}_error"' in page
        assert re.search(f'aria-describedby="[^"]*return-{field}_error"', page)
    submitted.review.refresh_from_db()
    assert (submitted.review.state, Screening.objects.count()) == (ReviewState.SUBMITTED, 0)


@pytest.mark.parametrize("state", [ReviewState.DOSSIER, ReviewState.READY])
def test_outside_screening_the_page_says_where_the_review_is_and_offers_nothing(
    client, cast, state
):
    if state == ReviewState.DOSSIER:
        save_answer(review=cast.review, theme=Theme.PLURALISM, text="x", by=cast.focal_point)
    else:
        with clock.as_of(DAY):
            submit(cast.review, cast.focal_point)
            transition(cast.review, to=ReviewState.SCREENING, by=cast.secretariat)
            transition(cast.review, to=ReviewState.READY, by=cast.secretariat)
    page = text(visit(client, cast.secretariat, url("screening", cast.review), on=DAY))
    label = escape(ReviewState(state).label)
    assert f"This review is “{label}”. A dossier is screened once" in page
    assert "Mark complete" not in page and "Return as incomplete" not in page
    assert url("screening_complete", cast.review) not in page
    assert url("screening_return", cast.review) not in page


def test_the_focal_point_sees_what_is_missing_and_by_when(client, submitted):
    cast = submitted
    with clock.as_of(DAY):
        return_dossier(
            review=cast.review,
            by=cast.secretariat,
            items=[
                (DocumentSlot.BUDGET, "The budget of 2029 is missing."),
                (COMPLAINTS_QUESTION, "Answer again."),
            ],
            due_on=dt.date(2029, 11, 20),
            note="Call us if unclear.",
        )
    page = text(visit(client, cast.focal_point, url("dossier", cast.review), on=DAY))
    assert (
        'Returned by the secretariat on <time datetime="2029-11-01">1 November 2029</time>: '
        "what is missing"
    ) in page
    assert (
        f'<a href="{url("documents", cast.review, "budget")}">Budget</a>: '
        '<span dir="auto">The budget of 2029 is missing.</span>'
    ) in page
    assert "Whether the institution handles complaints</a>: " in page
    assert 'Send back by <time datetime="2029-11-20">20 November 2029</time>.' in page
    assert "Call us if unclear." in page
    assert "The secretariat reopened the dossier" not in page
    # The complaints question was returned: its form is open.
    assert 'action="' + url("complaints", cast.review) + '"' in page
    assert "Screen this dossier" not in page


def test_the_secretariat_goes_from_the_dossier_to_screening_while_it_may(client, submitted):
    cast = submitted
    link = f'<a class="button" href="{url("screening", cast.review)}">Screen this dossier</a>'
    assert link in text(visit(client, cast.secretariat, url("dossier", cast.review), on=DAY))
    assert link not in text(visit(client, cast.focal_point, url("dossier", cast.review), on=DAY))
    with clock.as_of(DAY):
        return_dossier(
            review=cast.review,
            by=cast.secretariat,
            items=[(Theme.FUNDING, "")],
            due_on=DAY,
        )
    assert link not in text(visit(client, cast.secretariat, url("dossier", cast.review), on=DAY))


def test_a_theme_that_was_not_returned_is_read_only_and_its_save_is_refused(client, submitted):
    cast = submitted
    with clock.as_of(DAY):
        return_dossier(
            review=cast.review, by=cast.secretariat, items=[(Theme.FUNDING, "")], due_on=DAY
        )
    before = ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text

    page = text(visit(client, cast.focal_point, url("statement", cast.review, Theme.PLURALISM)))
    assert "<textarea" not in page and "<h2>Answer</h2>" in page
    page = text(visit(client, cast.focal_point, url("statement", cast.review, Theme.FUNDING)))
    assert "<textarea" in page

    response = client.post(url("statement", cast.review, Theme.PLURALISM), {"text": "Changed."})
    assert response.status_code == 403
    assert escape("“Pluralism” is not one of them.") in text(response)
    assert ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text == before

    response = client.post(
        url("statement_autosave", cast.review, Theme.PLURALISM),
        {"text": "Changed."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert "Not saved: The secretariat returned the dossier for some items only" in text(response)
    assert ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text == before

    response = client.post(url("statement", cast.review, Theme.FUNDING), {"text": "Parliament."})
    assert (response.status_code, response["Location"]) == (302, url("dossier", cast.review))
    assert ComplianceAnswer.objects.get(theme=Theme.FUNDING).text == "Parliament."

    page = text(client.get(url("check", cast.review)))
    assert f'<a href="{url("statement", cast.review, "funding")}">Change' in page
    assert f'<a href="{url("statement", cast.review, "pluralism")}">Read' in page


def test_only_a_returned_slot_takes_uploads(client, submitted):
    cast = submitted
    with clock.as_of(DAY):
        return_dossier(
            review=cast.review, by=cast.secretariat, items=[(DocumentSlot.BUDGET, "")], due_on=DAY
        )
    budget = text(visit(client, cast.focal_point, url("documents", cast.review, "budget")))
    law = text(client.get(url("documents", cast.review, "founding-law")))
    assert url("upload", cast.review, "budget") in budget
    assert url("upload", cast.review, "founding-law") not in law
    response = client.post(
        url("upload", cast.review, "founding-law"),
        {"file": pdf_upload("law-2.pdf"), "language": "en"},
    )
    assert response.status_code == 403
    assert "“law-2.pdf” was not uploaded." in text(response)
    assert dossier_for(cast.review).documents.filter(slot="founding-law").count() == 1


def _screened(review, focal, secretariat, *, extra):
    """A dossier returned and sent back ``extra + 1`` times, the first time with ``extra``
    more documents (two versions each) and citations than the minimum."""
    with clock.as_of(DAY - dt.timedelta(days=5)):
        submit(review, focal)
    for n in range(extra + 1):
        with clock.as_of(DAY + dt.timedelta(days=n)):
            return_dossier(
                review=review,
                by=secretariat,
                items=[(DocumentSlot.OTHER, "More."), (Theme.METHODS, "")],
                due_on=DAY + dt.timedelta(days=n),
            )
            answer = save_answer(review=review, theme=Theme.METHODS, text="More.", by=focal)
            for m in range(extra if n == 0 else 0):
                version = add(review, focal, slot=DocumentSlot.OTHER, name=f"other-{m}.pdf")
                add(review, focal, slot=DocumentSlot.OTHER, replaces=version.document)
                cite(answer=answer, document=version.document, pages=str(m + 1), by=focal)
            submit_dossier(review=review, by=focal)
    return review


def test_the_screening_page_costs_the_same_however_full_the_dossier(client, cast):
    small = _screened(cast.review, cast.focal_point, cast.secretariat, extra=0)
    other = procedure.open_review(cast.other, cast.session)
    large = _screened(other, cast.other_focal_point, cast.secretariat, extra=3)
    assert dossier_for(large).documents.count() == dossier_for(small).documents.count() + 3
    assert (small.screenings.count(), large.screenings.count()) == (1, 4)
    client.force_login(cast.secretariat)
    counts = [queries_for(client, url("screening", review), on=DAY) for review in (small, large)]
    assert counts[0] == counts[1]
    page = text(client.get(url("screening", large)))
    assert page.count("<strong>Returned as incomplete</strong>") == 4
    assert page.count("(2 versions, last uploaded by") == 3
