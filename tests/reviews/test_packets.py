"""The review packet, rendered directly (no worker): its outline points at the first page
of each case and of each dossier document, every page names the recipient, a case the
recipient is recused from is nowhere in it, and files that cannot be merged are listed
in the manifest with the reason while the packet still builds."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader, PdfWriter

from institutions.enums import RegionCode
from institutions.models import Seat
from nhri_portal import clock
from reviews.agenda import agenda_of
from reviews.enums import DocumentSlot
from reviews.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    Dossier,
    GeneratedDocument,
    IssueAnswer,
    IssueSummary,
    SummaryIssue,
)
from reviews.rendering import renderer_for
from reviews.rendering.pdf import html_to_pdf
from reviews.services.conflicts import declare_recusal
from reviews.services.dossiers import reference
from tests import files, procedure
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 3, 1)
DOCX = b"PK\x03\x04" + b"\x00" * 60  # the start of a zip, as a .docx is


def marked_pdf(label, pages):
    """A PDF whose page n reads "<label> page n"."""
    body = "".join(
        f'<p style="break-after: page">{label} page {n}</p>' for n in range(1, pages + 1)
    )
    return html_to_pdf(f"<html><body>{body}</body></html>")


def encrypted_pdf():
    writer = PdfWriter(clone_from=io.BytesIO(files.pdf(2)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def put(review, by, title, name, content, kind="pdf"):
    dossier, _ = Dossier.objects.get_or_create(review=review)
    document = Document.objects.create(
        dossier=dossier,
        slot=DocumentSlot.OTHER,
        title=title,
        created_at=clock.now(),
        created_by=by,
    )
    for number in (1, 2):
        # An older version first: only the latest goes into the packet.
        data = content if number == 2 else marked_pdf(f"OLD {title}", 1)
        DocumentVersion.objects.create(
            document=document,
            number=number,
            file=ContentFile(data, name=name),
            original_name=name,
            kind=kind if number == 2 else "pdf",
            content_type="application/octet-stream",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            language="en",
            uploaded_at=clock.now(),
            uploaded_by=by,
        )
    return document


def summarise(review, by, facts, answer):
    summary = IssueSummary.objects.create(
        review=review, shared_at=clock.now(), answers_sent_at=clock.now()
    )
    issue = SummaryIssue.objects.create(summary=summary, number=1, facts=facts, concern="A worry.")
    IssueAnswer.objects.create(issue=issue, text=answer, updated_at=clock.now(), updated_by=by)


@pytest.fixture
def packet_session(cast):
    """cast.sca_member sits on three cases (Home, Other, Third) and is recused from a
    fourth (Recused Commission)."""
    sec = cast.secretariat
    third_institution = InstitutionFactory(
        name="Third Commission", acronym="THIRD", country="FR", region=region(RegionCode.EUROPE)
    )
    recused_institution = InstitutionFactory(
        name="Hidden Recused Commission",
        acronym="HIDDEN",
        country="PE",
        region=region(RegionCode.AMERICAS),
    )
    other = procedure.open_review(cast.other, cast.session)
    third = procedure.open_review(third_institution, cast.session)
    recused = procedure.open_review(recused_institution, cast.session)
    seat = Seat.objects.get(people=cast.sca_member)
    declare_recusal(review=recused, seat=seat, note="A former employee.", by=sec)

    put(cast.review, sec, "Home law", "home-law.pdf", marked_pdf("HOMELAW", 3))
    put(cast.review, sec, "Home budget", "home-budget.docx", DOCX, kind="docx")
    put(other, sec, "Other law", "other-law.pdf", marked_pdf("OTHERLAW", 2))
    put(other, sec, "Other report", "other-report.pdf", b"%PDF-1.7\n garbage \n%%EOF", kind="pdf")
    put(third, sec, "Third law", "third-law.pdf", marked_pdf("THIRDLAW", 4))
    put(third, sec, "Third plan", "third-plan.pdf", encrypted_pdf())
    put(recused, sec, "Hidden law", "hidden-law.pdf", marked_pdf("HIDDENLAW", 2))
    summarise(cast.review, sec, "The selection process is opaque.", "We publish every vacancy.")
    summarise(recused, sec, "Hidden facts of the recused case.", "Hidden answer.")
    return {"home": cast.review, "other": other, "third": third, "recused": recused}


def packet_for(cast, recipient):
    document = GeneratedDocument(
        kind=DocumentKind.PACKET,
        key=f"packet:{cast.session.pk}:{recipient.pk}:{DAY.isoformat()}",
        language="en",
        session=cast.session,
        recipient=recipient,
        as_of=DAY,
        requested_at=clock.now(),
    )
    notes = []
    rendered = renderer_for(DocumentKind.PACKET)(
        document, lambda pct, note: notes.append((pct, note))
    )
    content = Path(rendered.path).read_bytes()
    Path(rendered.path).unlink()
    return rendered, PdfReader(io.BytesIO(content)), notes


def outline_of(reader):
    """[(title, first page (1-based), [(child title, first page)])]."""
    result = []
    items = reader.outline
    for index, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = (
            items[index + 1]
            if index + 1 < len(items) and isinstance(items[index + 1], list)
            else []
        )
        result.append(
            (
                item.title,
                reader.get_destination_page_number(item) + 1,
                [(c.title, reader.get_destination_page_number(c) + 1) for c in children],
            )
        )
    return result


def test_the_outline_points_at_each_case_and_each_document(cast, packet_session):
    rendered, reader, notes = packet_for(cast, cast.sca_member)

    outline = outline_of(reader)
    cases = [title for title, _page, _children in outline if title != "Manifest"]
    assert len(cases) == 3
    agenda = [r.institution.name for r in agenda_of(cast.session) if r != packet_session["recused"]]
    assert [title.split(". ", 1)[1].split(" (")[0] for title in cases] == agenda
    pages_of_documents = {}
    for title, page, children in outline:
        if title == "Manifest":
            assert "Manifest" in reader.pages[page - 1].extract_text()
            continue
        institution = title.split(". ", 1)[1].split(" (")[0]
        # The case's entry points at its separator page.
        assert institution in reader.pages[page - 1].extract_text()
        for child, first in children:
            pages_of_documents[child.split(" (")[0]] = first
    # Only the documents that could be merged have an entry, each at its first page.
    assert set(pages_of_documents) == {"Home law", "Other law", "Third law"}
    for name, label, count in (
        ("Home law", "HOMELAW", 3),
        ("Other law", "OTHERLAW", 2),
        ("Third law", "THIRDLAW", 4),
    ):
        first = pages_of_documents[name]
        assert f"{label} page 1" in reader.pages[first - 1].extract_text()
        assert f"{label} page {count}" in reader.pages[first + count - 2].extract_text()
    assert rendered.pages == len(reader.pages)
    # The progress callback named each case.
    assert sum("Case " in note for _pct, note in notes) == 3


def test_every_page_names_the_recipient_and_carries_its_stamp(cast, packet_session):
    cast.sca_member.first_name, cast.sca_member.last_name = "Amina", "Okafor"
    cast.sca_member.save()
    _rendered, reader, _notes = packet_for(cast, cast.sca_member)

    total = len(reader.pages)
    home = reference(packet_session["home"])
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Amina Okafor" in text
        assert "1 March 2030" in text
        assert f"{number} / {total}" in text
    homelaw = next(p for p in reader.pages if "HOMELAW page 2" in p.extract_text())
    assert home in homelaw.extract_text()


def test_a_recused_case_is_nowhere_in_the_packet(cast, packet_session):
    rendered, reader, _notes = packet_for(cast, cast.sca_member)

    text = "\n".join(page.extract_text() for page in reader.pages)
    recused = packet_session["recused"]
    assert "Hidden Recused Commission" not in text
    assert reference(recused) not in text
    assert "HIDDENLAW" not in text and "Hidden facts" not in text
    assert all(entry["case"] != reference(recused) for entry in rendered.manifest)
    # The cases the member sits on are there, with the summary and the answers.
    assert "The selection process is opaque." in text and "We publish every vacancy." in text
    assert "Third Commission" in text


def test_the_secretariat_full_packet_has_every_case(cast, packet_session):
    _rendered, reader, _notes = packet_for(cast, cast.secretariat)

    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Hidden Recused Commission" in text and "HIDDENLAW page 2" in text
    assert len([item for item in reader.outline if not isinstance(item, list)]) == 5  # 4 + manifest


def test_files_that_cannot_be_merged_are_in_the_manifest_with_the_reason(cast, packet_session):
    rendered, reader, _notes = packet_for(cast, cast.sca_member)

    by_file = {entry["file"]: entry for entry in rendered.manifest}
    assert set(by_file) == {
        "home-law.pdf",
        "home-budget.docx",
        "other-law.pdf",
        "other-report.pdf",
        "third-law.pdf",
        "third-plan.pdf",
    }
    assert by_file["home-budget.docx"]["reason"] == "not a PDF"
    assert by_file["third-plan.pdf"]["reason"] == "encrypted"
    assert by_file["other-report.pdf"]["reason"].startswith("could not be read: ")
    for name in ("home-budget.docx", "third-plan.pdf", "other-report.pdf"):
        assert not by_file[name]["included"] and by_file[name]["first_page"] is None
    for name in ("home-law.pdf", "other-law.pdf", "third-law.pdf"):
        assert by_file[name]["included"] and by_file[name]["reason"] == ""
        assert by_file[name]["version"] == 2
    # The manifest pages say the same.
    manifest_text = " ".join(reader.pages[-1].extract_text().split())
    assert "home-budget.docx (v2) Not included: not a PDF" in manifest_text
    assert "third-plan.pdf (v2) Not included: encrypted" in manifest_text


def test_the_manifest_sha256_values_match_the_files(cast, packet_session):
    rendered, reader, _notes = packet_for(cast, cast.sca_member)

    versions = {
        v.original_name: v
        for v in DocumentVersion.objects.filter(number=2).select_related("document")
    }
    text = "\n".join(p.extract_text() for p in reader.pages).replace("\n", "")
    for entry in rendered.manifest:
        with versions[entry["file"]].file.open("rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
        assert entry["sha256"] == actual
        assert actual in text


def test_the_same_packet_renders_to_the_same_bytes(cast, packet_session):
    first, reader, _notes = packet_for(cast, cast.sca_member)
    again, reader_again, _notes = packet_for(cast, cast.sca_member)

    assert first.manifest == again.manifest
    assert bytes_of(reader) == bytes_of(reader_again)


def bytes_of(reader):
    return reader.stream.getvalue()
