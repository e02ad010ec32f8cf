"""The session report as a PDF: its text read back (each institution, its outcome, its
numbered issues with their citations), its key, who may ask for it and who may read it
(the full report is the secretariat's until published), and the benchmark's smoke run."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from reviews.enums import Outcome, ReviewKind
from reviews.models import DocumentKind, GeneratedDocument
from reviews.rendering import renderer_for
from reviews.rendering.report import report_key
from reviews.services.generated import render_document
from reviews.services.outcomes import Paragraph
from tests import procedure
from tests.dossier import login_url
from tests.pages import visit

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
PUBLISHED = dt.date(2030, 6, 1)


def adopted(cast):
    procedure.recommend(
        cast.review,
        Outcome.ACCREDIT_B,
        by=cast.secretariat,
        paragraphs=[
            Paragraph(text="The SCA notes that the selection process is not transparent."),
            Paragraph(text="The SCA notes the lack of funding.", principles=("B.2",)),
        ],
    )
    other = procedure.open_review(cast.other, cast.session, kind=ReviewKind.INITIAL)
    procedure.recommend(other, Outcome.ACCREDIT_A, by=cast.secretariat)
    return other


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def full_report(cast):
    return GeneratedDocument(
        kind=DocumentKind.REPORT, key=report_key(cast.session), language="en", session=cast.session
    )


def post(client, user, session):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(reverse("reviews:report_pdf", args=[session.pk]))


def test_the_pdf_names_each_institution_its_outcome_and_its_numbered_issues(cast):
    adopted(cast)
    rendered = renderer_for(DocumentKind.REPORT)(full_report(cast), lambda pct, note: None)

    text = pdf_text(rendered.content)
    assert "Report and recommendations" in text
    assert "Home Commission" in text and "Other Commission" in text
    assert "The SCA recommends that the institution be accredited with B status." in text
    assert "The SCA recommends that the institution be accredited with A status." in text
    assert "1. The SCA notes that the selection process is not transparent." in text
    assert "2. The SCA notes the lack of funding." in text
    assert "Principles: B.2" in text
    assert "Page 1 of" in text
    assert rendered.pages == len(PdfReader(io.BytesIO(rendered.content)).pages)


def test_the_key_changes_with_the_recommendations_and_with_publication(cast):
    empty = report_key(cast.session)
    adopted(cast)
    full = report_key(cast.session)
    cast.session.report_published_on = PUBLISHED
    cast.session.save(update_fields=["report_published_on"])

    assert empty.endswith(":none:0")
    assert full.startswith(f"report:{cast.session.pk}:full:") and full.endswith(":2")
    assert report_key(cast.session) == full.replace(":full:", ":published:")


def test_the_published_pdf_says_so(cast):
    adopted(cast)
    cast.session.report_published_on = PUBLISHED
    cast.session.report_final_on = PUBLISHED
    cast.session.save(update_fields=["report_published_on", "report_final_on"])
    document = full_report(cast)

    text = pdf_text(renderer_for(DocumentKind.REPORT)(document, lambda pct, note: None).content)

    assert "Published on" in text and "Home Commission" in text


@pytest.mark.parametrize("member", MEMBERS)
def test_before_publication_only_the_secretariat_may_ask_for_the_pdf(client, cast, member):
    adopted(cast)
    response = post(client, cast.members()[member], cast.session)

    documents = GeneratedDocument.objects.filter(kind=DocumentKind.REPORT)
    if member == "secretariat":
        document = documents.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reviews:document", args=[document.pk])
        assert document.key == report_key(cast.session) and document.language == "en"
    else:
        expected = {"anonymous": 302, "bureau_member": 404, "focal_point": 404}
        expected |= {"other_focal_point": 404}
        assert response.status_code == expected.get(member, 403)
        assert not documents.exists()
        if member == "anonymous":
            assert response["Location"] == login_url(
                reverse("reviews:report", args=[cast.session.pk])
            )


@pytest.mark.parametrize("member", MEMBERS)
def test_once_published_everyone_may_ask_and_shares_one_document(client, cast, member):
    adopted(cast)
    cast.session.report_published_on = PUBLISHED
    cast.session.save(update_fields=["report_published_on"])

    first = post(client, cast.secretariat, cast.session)
    again = post(client, cast.members()[member], cast.session)

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert GeneratedDocument.objects.filter(kind=DocumentKind.REPORT).count() == 1


def test_a_double_click_makes_one_document(client, cast):
    adopted(cast)
    post(client, cast.secretariat, cast.session)
    post(client, cast.secretariat, cast.session)
    assert GeneratedDocument.objects.filter(kind=DocumentKind.REPORT).count() == 1


def test_a_recused_member_cannot_get_the_full_report_of_a_case_they_may_not_know(
    client, cast, django_capture_on_commit_callbacks
):
    adopted(cast)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, cast.secretariat, cast.session)
    document = GeneratedDocument.objects.get(kind=DocumentKind.REPORT)
    render_document(document.pk)
    download = reverse("reviews:document_download", args=[document.pk])

    assert visit(client, cast.secretariat, download).status_code == 200
    for member in ("recused_sca_member", "sca_member", "observer"):
        assert visit(client, cast.members()[member], download).status_code == 404, member


def test_the_report_page_offers_the_pdf_to_the_secretariat_only_before_publication(client, cast):
    adopted(cast)
    url = reverse("reviews:report", args=[cast.session.pk])
    action = reverse("reviews:report_pdf", args=[cast.session.pk])

    assert action in visit(client, cast.secretariat, url).content.decode()
    assert action not in visit(client, cast.sca_member, url).content.decode()


# Committed data: the benchmark renders in forked processes, each with its own connection.
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_prints_its_three_sections(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command(
        "bench_documents", "--cases", "1", "--repeat", "1", "--pages", "4", "--letters", "2"
    )

    out = capsys.readouterr().out
    assert "1. Letters" in out
    assert "2. Packet" in out
    assert "3. All the letters of a session" in out
    assert "failed" not in out
    packet = r"packet: +[\d.]+ s CPU \([\d.]+ s wall\), \d+ pages, peak RSS \d+ MB"
    assert re.search(packet, out), out
    assert re.search(r"zh-hans +certificate +\d+ +bare +\d+ +ratio [\d.]+", out), out
