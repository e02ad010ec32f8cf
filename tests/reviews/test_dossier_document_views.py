"""The documents of a slot: listing versions, uploading, refusing, downloading."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.enums import DocumentSlot, ReviewState
from reviews.models import Document, DocumentVersion
from tests import files
from tests.dossier import PNG, add, pdf_upload, submit, url
from tests.pages import queries_for, text

pytestmark = pytest.mark.django_db

SLOT = DocumentSlot.FOUNDING_LAW


@pytest.fixture
def focal(client, cast):
    client.force_login(cast.focal_point)
    return cast


def post_file(client, review, upload, slot=SLOT, **fields):
    data = {"file": upload, "language": "fr", **fields}
    return client.post(url("upload", review, slot), data)


def test_the_page_says_what_the_slot_is_for_and_how_to_upload(client, focal, settings):
    settings.NHRI_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    page = text(client.get(url("documents", focal.review, SLOT)))
    assert "<h1>Founding law or constitutional text</h1>" in page
    assert "establishes the institution and sets its mandate" in page
    assert 'enctype="multipart/form-data"' in page
    assert f'action="{url("upload", focal.review, SLOT)}"' in page
    assert (
        "PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), PNG or JPEG, up to 20 MB" in page
    )
    assert '<option value="zh-hans">Chinese</option>' in page
    assert "No document has been uploaded here yet." in page


def test_an_upload_lists_the_version_with_what_was_recorded(client, focal):
    response = post_file(client, focal.review, pdf_upload("Loi n° 2007.pdf", 4), title="Loi")
    assert response["Location"] == url("documents", focal.review, SLOT)
    version = DocumentVersion.objects.get()
    assert (version.language, version.page_count, version.document.title) == ("fr", 4, "Loi")
    page = text(client.get(response["Location"]))
    assert "<h2" in page and ">Loi</h2>" in page
    assert "Loi n° 2007.pdf" in page
    assert f'href="{url("download", focal.review, version.pk)}"' in page
    assert f'<code title="{version.sha256}">{version.sha256[:12]}…</code>' in page
    assert f'data-label="Size" class="num">{version.size}\xa0bytes</td>' in page
    assert 'data-label="Pages" class="num">4</td>' in page
    assert 'data-label="Language">French</td>' in page
    assert "<bdi>focal</bdi><br><time" in page
    cast_review = focal.review
    cast_review.refresh_from_db()
    assert cast_review.state == ReviewState.DOSSIER


def test_sizes_are_written_for_the_language_of_the_page(client, focal):
    post_file(client, focal.review, pdf_upload(pages=12))
    kilobytes = f"{DocumentVersion.objects.get().size / 1024:.1f}"
    english = text(client.get(url("documents", focal.review, SLOT)))
    assert f'class="num">{kilobytes}\xa0KB</td>' in english
    french = text(client.get(url("documents", focal.review, SLOT), HTTP_ACCEPT_LANGUAGE="fr"))
    assert f'class="num">{kilobytes.replace(".", ",")}\xa0Kio</td>' in french


def test_a_new_version_keeps_the_earlier_one(client, focal):
    first = add(focal.review, focal.focal_point)
    response = post_file(
        client, focal.review, pdf_upload("law-2008.pdf", 5), replaces=first.document_id
    )
    assert response.status_code == 302
    assert list(first.document.versions.values_list("number", "page_count")) == [(1, 3), (2, 5)]
    assert Document.objects.count() == 1
    page = text(client.get(url("documents", focal.review, SLOT)))
    assert "law.pdf" in page and "law-2008.pdf" in page
    assert f'id="version-{first.document_id}-file"' in page


def test_an_empty_file_is_refused_with_the_message_and_nothing_is_stored(client, focal):
    response = post_file(client, focal.review, SimpleUploadedFile("law.pdf", b""), title="Loi")
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert (
        "“law.pdf” was not uploaded. The file is empty. Check that you chose the right file "
        "and upload it again." in page
    )
    assert 'value="Loi"' in page  # what was typed stays
    assert not DocumentVersion.objects.exists() and not Document.objects.exists()
    focal.review.refresh_from_db()
    assert focal.review.state == ReviewState.INVITED


def test_text_or_a_png_named_pdf_is_refused_and_a_png_named_png_is_accepted(client, focal):
    response = post_file(client, focal.review, SimpleUploadedFile("law.pdf", b"Hello, world"))
    assert response.status_code == 400
    assert "This type of file is not accepted." in text(response)
    response = post_file(client, focal.review, SimpleUploadedFile("chart.pdf", PNG))
    assert response.status_code == 400
    assert "This file is a PNG image, but its name ends in" in text(response)
    response = post_file(client, focal.review, SimpleUploadedFile("../../etc/passwd.pdf", PNG))
    assert response.status_code == 400
    assert not DocumentVersion.objects.exists()
    response = post_file(client, focal.review, SimpleUploadedFile("chart.png", PNG))
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert (version.kind, version.content_type) == ("png", "image/png")
    assert version.file.name.endswith("/chart.png")
    download = client.get(url("download", focal.review, version.pk))
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="chart.png"'


def test_a_file_over_the_limit_is_refused(client, focal, settings):
    settings.NHRI_MAX_UPLOAD_BYTES = 1024
    response = post_file(client, focal.review, pdf_upload(pages=12))
    assert response.status_code == 400
    assert "The file is larger than the limit" in text(response)
    assert not DocumentVersion.objects.exists()


def test_a_refused_new_version_opens_its_own_form_with_the_message(client, focal):
    first = add(focal.review, focal.focal_point)
    response = post_file(
        client,
        focal.review,
        SimpleUploadedFile("v2.pdf", b"%PDF-1.4 cut"),
        replaces=first.document_id,
    )
    assert response.status_code == 400
    page = text(response)
    assert "This PDF appears to be damaged or incomplete." in page
    assert '<details class="details" open>' in page
    assert f'href="#version-{first.document_id}-file"' in page
    assert first.document.versions.count() == 1


def test_a_document_of_another_slot_cannot_be_replaced_from_this_one(client, focal):
    budget = add(focal.review, focal.focal_point, slot=DocumentSlot.BUDGET)
    response = post_file(client, focal.review, pdf_upload(), replaces=budget.document_id)
    assert response.status_code == 400
    assert budget.document.versions.count() == 1


def test_a_file_must_be_chosen(client, focal):
    response = client.post(url("upload", focal.review, SLOT), {"language": "en"})
    assert response.status_code == 400
    assert "Choose a file to upload." in text(response)


def test_nobody_uploads_to_a_submitted_dossier(client, focal):
    submit(focal.review, focal.focal_point)
    before = DocumentVersion.objects.count()
    response = post_file(client, focal.review, pdf_upload())
    assert response.status_code == 403
    assert "You may not do this" in text(response)
    assert DocumentVersion.objects.count() == before


def test_the_documents_page_costs_the_same_queries_with_one_or_six_documents(client, focal):
    add(focal.review, focal.focal_point)
    small = queries_for(client, url("documents", focal.review, SLOT))
    for n in range(5):
        version = add(focal.review, focal.focal_point, name=f"annex-{n}.pdf")
        add(focal.review, focal.focal_point, replaces=version.document)
    assert Document.objects.filter(slot=SLOT).count() == 6
    assert queries_for(client, url("documents", focal.review, SLOT)) == small


def test_the_statement_page_costs_the_same_queries_with_one_or_six_documents(client, focal):
    from reviews.enums import Theme
    from reviews.services.dossiers import cite, save_answer

    answer = save_answer(review=focal.review, theme=Theme.FUNDING, text="x", by=focal.focal_point)
    first = add(focal.review, focal.focal_point)
    cite(answer=answer, document=first.document, pages="1", by=focal.focal_point)
    address = url("statement", focal.review, Theme.FUNDING)
    small = queries_for(client, address)
    for n in range(5):
        version = add(focal.review, focal.focal_point, name=f"annex-{n}.pdf")
        cite(answer=answer, document=version.document, pages=f"{n + 1}", by=focal.focal_point)
    assert queries_for(client, address) == small


def test_a_real_pdf_round_trips_byte_for_byte(client, focal):
    content = files.pdf(2)
    post_file(client, focal.review, SimpleUploadedFile("report.pdf", content))
    version = DocumentVersion.objects.get()
    response = client.get(url("download", focal.review, version.pk))
    assert b"".join(response.streaming_content) == content
    assert response["Cache-Control"] == "private, no-store"
