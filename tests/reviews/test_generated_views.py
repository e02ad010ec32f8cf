"""The progress page of a generated document, its htmx partial, its download and "Try
again": who finds them (the whole cast, per kind of document), what they show while the
document is made and once it is ready or failed; and "Download as PDF" on the chart."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from reviews.models import DocumentKind, GeneratedDocument, JobState
from reviews.services.generated import render_document, request_document
from tests.dossier import login_url
from tests.pages import text, visit
from tests.procedure import UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 5, 10)
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


def page(document, name="document"):
    return reverse(f"reviews:{name}", args=[document.pk])


def reload(document):
    return GeneratedDocument.objects.get(pk=document.pk)


def chart(by=None, as_of=DAY):
    return request_document(
        kind=DocumentKind.CHART, key=f"chart:{as_of}", language="en", by=by, as_of=as_of
    )


def letter(cast):
    return request_document(
        kind=DocumentKind.LETTER,
        letter="invitation",
        key=f"letter:{cast.review.pk}",
        language="en",
        by=cast.secretariat,
        review=cast.review,
        institution=cast.home,
    )


def packet(cast):
    return request_document(
        kind=DocumentKind.PACKET,
        key=f"packet:{cast.session.pk}:{cast.sca_member.pk}",
        language="en",
        by=cast.secretariat,
        session=cast.session,
        recipient=cast.sca_member,
    )


def report(cast):
    return request_document(
        kind=DocumentKind.REPORT,
        key=f"report:{cast.session.pk}",
        language="en",
        by=cast.secretariat,
        session=cast.session,
    )


def post_as(client, user, address, data=None, **extra):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(address, data or {}, **extra)


READERS = {
    "chart": set(MEMBERS),
    "letter": {"secretariat", "focal_point"},
    "packet": {"secretariat", "sca_member"},
    # Before publication the full report is the secretariat's alone: it names every case,
    # including those a recused member may not know of.
    "report": {"secretariat"},
}


@pytest.mark.parametrize("kind", ["chart", "letter", "packet", "report"])
@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("name", ["document", "document_progress"])
def test_who_finds_the_progress_page_of_each_kind_of_document(client, cast, kind, member, name):
    document = {"chart": chart, "letter": letter, "packet": packet, "report": report}[kind]
    document = document() if kind == "chart" else document(cast)
    address = page(document, name)
    response = visit(client, cast.members()[member], address)
    if member in READERS[kind]:
        assert response.status_code == 200
        assert "Queued" in text(response)
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404


def test_a_published_report_is_found_by_everyone(client, cast):
    document = report(cast)
    cast.session.report_published_on = DAY
    cast.session.save(update_fields=["report_published_on"])
    for member in MEMBERS:
        assert visit(client, cast.members()[member], page(document)).status_code == 200


def test_a_document_that_does_not_exist_is_not_found(client, cast):
    response = visit(client, cast.secretariat, reverse("reviews:document", args=[4242]))
    assert response.status_code == 404
    anonymous = visit(client, None, reverse("reviews:document", args=[4242]))
    assert anonymous.status_code == 404


def test_while_the_document_is_made_the_page_polls_its_progress(client, cast):
    document = chart()
    GeneratedDocument.objects.filter(pk=document.pk).update(
        state=JobState.RENDERING, progress=40, progress_note="Laying out the chart"
    )
    body = text(visit(client, None, page(document)))
    progress = page(document, "document_progress")
    assert f'hx-get="{progress}" hx-trigger="every 1s" hx-swap="outerHTML"' in body
    assert '<label for="document-progress-bar">Progress</label>' in body
    assert '<progress id="document-progress-bar" max="100" value="40">40%</progress>' in body
    assert "Being made" in body and "Laying out the chart" in body
    assert "<script>" not in body and "style=" not in body
    partial = text(visit(client, None, progress))
    assert partial.startswith('<div id="document-progress" hx-get=')
    assert "<html" not in partial


def test_once_ready_the_partial_stops_polling_and_ends_with_the_download(client, cast):
    record_prior_status(institution=cast.home, grade=Grade.A, held_on=DAY, note="", by=None)
    document = chart()
    render_document(document.pk)
    made = reload(document)
    partial = text(visit(client, None, page(document, "document_progress")))
    assert "hx-get" not in partial and "hx-trigger" not in partial
    assert "Ready" in partial
    assert f'href="{page(document, "document_download")}"' in partial
    assert made.filename in partial and made.sha256 in partial
    assert f"<dd>{made.pages}</dd>" in partial
    assert "Try again" not in partial


def test_the_download_is_the_file_as_an_attachment_that_is_never_sniffed(client, cast):
    document = chart()
    render_document(document.pk)
    made = reload(document)
    response = visit(client, None, page(document, "document_download"))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{made.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(content).hexdigest() == made.sha256


def test_the_download_of_a_document_not_ready_leads_to_its_progress_page(client, cast):
    document = chart()
    response = visit(client, None, page(document, "document_download"))
    assert (response.status_code, response["Location"]) == (302, page(document))


@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_download_a_letter(client, cast, member):
    document = letter(cast)
    GeneratedDocument.objects.filter(pk=document.pk).update(as_of=None)
    address = page(document, "document_download")
    response = visit(client, cast.members()[member], address)
    if member in READERS["letter"]:
        # Not made yet (no letter renderer runs here): back to the progress page.
        assert (response.status_code, response["Location"]) == (302, page(document))
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404


def failed_chart(by):
    document = chart(by=by, as_of=None)  # a chart without its day cannot be drawn
    render_document(document.pk)
    assert reload(document).state == JobState.FAILED
    return document


@pytest.mark.parametrize("member", MEMBERS)
def test_a_failed_document_shows_its_error_and_try_again_to_whom_may_act(client, cast, member):
    document = failed_chart(by=cast.focal_point)
    body = text(visit(client, cast.members()[member], page(document)))
    assert "The document could not be made." in body
    assert "hx-get" not in body
    may_act = member in ("secretariat", "focal_point")
    assert ("ValueError: A chart document needs the day it shows" in body) == may_act
    assert (f'action="{page(document, "document_retry")}"' in body) == may_act


def test_try_again_queues_the_document_once(client, cast, django_capture_on_commit_callbacks):
    document = failed_chart(by=cast.focal_point)
    address = page(document, "document_retry")
    with django_capture_on_commit_callbacks() as tasks:
        response = post_as(client, cast.focal_point, address)
    assert (response.status_code, response["Location"]) == (302, page(document))
    assert (reload(document).state, len(tasks)) == (JobState.QUEUED, 1)
    assert "The document is being made again." in text(client.get(page(document)))
    # A double click: the second finds it queued already.
    again = post_as(client, cast.focal_point, address)
    assert again.status_code == 409
    assert "This document is no longer failed" in text(again)


@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_try_again(client, cast, member):
    document = failed_chart(by=cast.focal_point)
    address = page(document, "document_retry")
    response = post_as(client, cast.members()[member], address)
    if member in ("secretariat", "focal_point"):
        assert (response.status_code, response["Location"]) == (302, page(document))
        assert reload(document).state == JobState.QUEUED
        return
    assert reload(document).state == JobState.FAILED
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(page(document)))
    else:
        assert response.status_code == 403  # everyone may read the chart, not retry it
        assert "Only the secretariat or the person who asked for it may retry it." in text(response)


def test_try_again_is_a_post(client, cast):
    document = failed_chart(by=cast.focal_point)
    response = visit(client, cast.focal_point, page(document, "document_retry"))
    assert response.status_code == 405


def test_the_chart_page_offers_the_pdf_of_the_day_shown(client):
    body = text(client.get(reverse("accreditation:chart") + "?as_of=2030-05-10"))
    assert f'action="{reverse("reviews:document_chart")}"' in body
    assert '<input type="hidden" name="as_of" value="2030-05-10">' in body
    assert "Download as PDF" in body


def test_anyone_may_ask_for_the_chart_pdf_and_everyone_shares_one_row(
    client, cast, django_capture_on_commit_callbacks
):
    address = reverse("reviews:document_chart")
    with django_capture_on_commit_callbacks() as tasks:
        first = post_as(client, None, address, {"as_of": "2030-05-10"})
        second = post_as(client, cast.focal_point, address, {"as_of": "2030-05-10"})
    document = GeneratedDocument.objects.get()
    assert first["Location"] == second["Location"] == page(document)
    assert (document.kind, document.as_of, document.language) == (DocumentKind.CHART, DAY, "en")
    assert (document.requested_by, len(tasks)) == (None, 1)


def test_the_chart_pdf_is_made_in_the_readers_language(client):
    address = reverse("reviews:document_chart")
    response = client.post(address, {"as_of": "2030-05-10"}, HTTP_ACCEPT_LANGUAGE="ar")
    document = GeneratedDocument.objects.get()
    assert (response["Location"], document.language) == (page(document), "ar")


def test_a_chart_pdf_for_a_day_that_is_not_a_date_is_refused(client):
    response = client.post(reverse("reviews:document_chart"), {"as_of": "31/07/2007"})
    assert response.status_code == 400
    assert "is not a date" in text(response)
    assert not GeneratedDocument.objects.exists()


def test_a_packet_is_not_found_by_another_sca_member(client, cast):
    document = packet(cast)
    stranger = UserFactory(username="stranger")
    assert visit(client, stranger, page(document)).status_code == 404
