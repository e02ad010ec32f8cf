"""The review packet of a session for one recipient, as one PDF.

A cover and the agenda, then for each case the recipient sits on (never one they are
recused from; every case for the secretariat) a separator page, the summary of issues
with the institution's answers, and each dossier document's latest version that is a
readable PDF. Every page carries a stamp (the page number "n / N" and the case's
reference) and a diagonal watermark naming the recipient and the day; the last pages
are the manifest: every dossier file with its SHA-256, and the reason for each file
that could not be merged. The same manifest is kept on the row as JSON.

Memory: the dossier files are read one at a time, from the storage, and their pages
appended to the writer as they are read; the packet is written to a temporary file,
whose path is returned (reviews.services.generated stores it and removes it).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    RectangleObject,
)

from institutions.permissions import is_secretariat
from reviews.agenda import agenda_of
from reviews.models import (
    Document,
    DocumentKind,
    DocumentVersion,
    GeneratedDocument,
    Review,
    Session,
    SummaryIssue,
)
from reviews.permissions import sitting_reviews
from reviews.rendering import Progress, Rendered, renders
from reviews.rendering.pdf import html_to_document, html_to_pdf
from reviews.services.dossiers import reference

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from weasyprint import Document as LaidOutDocument

LANGUAGE = "en"  # the packet's language: the SCA works in English
# The names the stamp and the watermark take in each page's resources.
STAMP_FONT = NameObject("/NhriPacketFont")
WATERMARK = NameObject("/NhriPacketWatermark")


@dataclass
class Part:
    """One dossier file as the packet treats it."""

    version: DocumentVersion
    sha256: str = ""
    size: int = 0
    included: bool = False
    reason: str = ""
    first_page: int | None = None  # 1-based, in the packet
    pages: int = 0


@dataclass
class Case:
    review: Review
    reference: str
    first_page: int = 0  # 1-based: its separator page
    parts: list[Part] = field(default_factory=list)


def recipient_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def cases_for(session: Session, recipient: User) -> QuerySet[Review]:
    """The cases of ``session`` in ``recipient``'s packet, in agenda order: those they sit
    on as an SCA member (never one they are recused from); every case for the
    secretariat."""
    reviews = Review.objects.all() if is_secretariat(recipient) else sitting_reviews(recipient)
    return agenda_of(session, reviews).select_related("session", "institution__region")


@renders(DocumentKind.PACKET)
def render_packet(document: GeneratedDocument, progress: Progress) -> Rendered:
    session, recipient = document.session, document.recipient
    if session is None or recipient is None:
        raise ValueError(f"Packet {document.key} names no session or no recipient.")
    recipient = get_user_model().objects.get(pk=recipient.pk)  # roles as they now stand
    day = document.as_of or document.requested_at.date()
    with translation.override(LANGUAGE):
        return _build(document, session, recipient, day, progress)


def _build(
    document: GeneratedDocument, session: Session, recipient: User, day: Any, progress: Progress
) -> Rendered:
    progress(2, _("Listing the cases"))
    cases = [
        Case(review, reference(review), parts=parts_of(review))
        for review in _with_contents(session, recipient)
    ]
    name = recipient_name(recipient)
    context: dict[str, Any] = {
        "session": session,
        "recipient_name": name,
        "day": day,
        "cases": cases,
        "full": is_secretariat(recipient),
        "language": LANGUAGE,
    }
    writer = PdfWriter()
    # Which reference each page carries in its stamp ("" for the cover and the manifest).
    page_references: list[str] = []

    progress(5, _("Laying out the cover, the agenda and the cases"))
    # One layout for every page the portal writes (one WeasyPrint pass rather than one
    # per case); each case's pages are then put before its dossier.
    front = html_to_document(render_to_string("pdf/packet_front.html", context))
    starts = [_first_page_of(front, f"case-{number}") for number in range(1, len(cases) + 1)]
    front_pages = PdfReader(io.BytesIO(front.write_pdf())).pages
    ends = [*starts[1:], len(front_pages)]
    _add_pages(writer, front_pages[: starts[0] if cases else len(front_pages)])
    page_references += [""] * (len(writer.pages) - len(page_references))

    total = max(len(cases), 1)
    for number, case in enumerate(cases, start=1):
        progress(
            20 + 65 * (number - 1) // total,
            _("Case %(number)s of %(total)s: %(reference)s")
            % {"number": number, "total": len(cases), "reference": case.reference},
        )
        case.first_page = len(writer.pages) + 1
        _add_pages(writer, front_pages[starts[number - 1] : ends[number - 1]])
        case_outline = writer.add_outline_item(
            title=f"{number}. {case.review.institution.name} ({case.reference})",
            page_number=case.first_page - 1,
        )
        for part in case.parts:
            _add_part(writer, part)
            if part.included and part.first_page is not None:
                writer.add_outline_item(
                    title=_part_title(part), page_number=part.first_page - 1, parent=case_outline
                )
        page_references += [case.reference] * (len(writer.pages) - len(page_references))

    progress(88, _("Writing the manifest"))
    manifest = [_entry(case, part) for case in cases for part in case.parts]
    manifest_context = context | {"manifest": manifest}
    manifest_pdf = html_to_pdf(render_to_string("pdf/packet_manifest.html", manifest_context))
    manifest_first = len(writer.pages)
    _append(writer, io.BytesIO(manifest_pdf))
    writer.add_outline_item(title=_("Manifest"), page_number=manifest_first)
    page_references += [""] * (len(writer.pages) - len(page_references))

    progress(92, _("Stamping the pages"))
    _stamp(writer, page_references, _watermark(writer, context))

    writer.add_metadata(
        {"/Title": f"{_('Review packet')}: {session.name} — {name}", "/Creator": "NHRI Portal"}
    )
    progress(96, _("Writing the file"))
    folder = Path(tempfile.mkdtemp(prefix="packet-"))
    filename = f"packet-{session.starts_on:%Y-%m}-{_slug(recipient)}-{day:%Y-%m-%d}.pdf"
    path = folder / filename
    with path.open("wb") as out:
        writer.write(out)
    writer.close()
    return Rendered(
        filename=filename, path=str(path), pages=len(page_references), manifest=manifest
    )


def _with_contents(session: Session, recipient: User) -> list[Review]:
    """The recipient's cases with their summary, answers and dossier documents loaded."""
    issues = SummaryIssue.objects.select_related("answer").order_by("number")
    latest_first = DocumentVersion.objects.order_by("-number")
    documents = Document.objects.prefetch_related(
        Prefetch("versions", queryset=latest_first)
    ).order_by("slot", "created_at", "pk")
    reviews = cases_for(session, recipient).select_related("summary", "dossier")
    return list(
        reviews.prefetch_related(
            Prefetch("summary__issues", queryset=issues),
            Prefetch("dossier__documents", queryset=documents),
        )
    )


def parts_of(review: Review) -> list[Part]:
    """Each dossier document's latest version, in the dossier's order."""
    dossier = getattr(review, "dossier", None)
    if dossier is None:
        return []
    parts = []
    for document in dossier.documents.all():
        versions = list(document.versions.all())
        if versions:
            parts.append(Part(max(versions, key=lambda version: version.number)))
    return parts


def _add_part(writer: PdfWriter, part: Part) -> None:
    """Append ``part``'s pages if it is a PDF that can be read; else say why not. The
    file is read from the storage once, into memory (pypdf reads a file in many small
    reads, which through the storage's file proxy cost more than the parsing), for its
    SHA-256 and its pages; the pages are checked before the first is appended: a file
    that fails halfway leaves no pages behind."""
    version = part.version
    try:
        with version.file.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        part.reason = _("could not be read: %(error)s") % {"error": error}
        return
    part.sha256, part.size = hashlib.sha256(data).hexdigest(), len(data)
    if version.kind != "pdf":
        part.reason = _("not a PDF")
        return
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            part.reason = _("encrypted")
            return
        pages = list(reader.pages)
        for page in pages:
            page.get_contents()  # a broken content stream fails here, not in the writer
    except Exception as error:  # whatever a broken file raises, it is left out
        part.reason = _("could not be read: %(error)s") % {"error": error}
        return
    if not pages:
        part.reason = _("could not be read: %(error)s") % {"error": _("it has no pages")}
        return
    part.first_page = len(writer.pages) + 1
    for page in pages:
        writer.add_page(page)
    part.pages = len(pages)
    part.included = True


def _append(writer: PdfWriter, stream: io.BytesIO) -> None:
    _add_pages(writer, PdfReader(stream).pages)


def _add_pages(writer: PdfWriter, pages: Sequence[PageObject]) -> None:
    for page in pages:
        writer.add_page(page)


def _first_page_of(document: LaidOutDocument, anchor: str) -> int:
    """The index of the page of ``document`` where the element ``id=anchor`` is."""
    return next(index for index, page in enumerate(document.pages) if anchor in page.anchors)


def _part_title(part: Part) -> str:
    document = part.version.document
    return f"{document.title or document.get_slot_display()} ({part.version.original_name})"


def _entry(case: Case, part: Part) -> dict[str, Any]:
    document = part.version.document
    return {
        "case": case.reference,
        "review": case.review.pk,
        "version_id": part.version.pk,
        "institution": case.review.institution.name,
        "document": document.title or str(document.get_slot_display()),
        "file": part.version.original_name,
        "version": part.version.number,
        "sha256": part.sha256,
        "size": part.size,
        "included": part.included,
        "first_page": part.first_page,
        "pages": part.pages,
        "reason": part.reason,
    }


def _watermark(writer: PdfWriter, context: dict[str, Any]) -> IndirectObject:
    """The watermark as a form XObject in the writer: one page laid out by WeasyPrint,
    drawn on every page of the packet."""
    reader = PdfReader(
        io.BytesIO(html_to_pdf(render_to_string("pdf/packet_watermark.html", context)))
    )
    overlay = reader.pages[0]
    box = overlay.mediabox
    resources = overlay.get("/Resources")
    contents = overlay.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([box.left, box.bottom, box.right, box.top]),
            NameObject("/Resources"): (
                resources.get_object().clone(writer)
                if resources is not None
                else DictionaryObject()
            ),
        }
    )
    return writer._add_object(form.flate_encode())


def _stamp(writer: PdfWriter, references: list[str], watermark: IndirectObject) -> None:
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        _add_resource(writer, page, "/Font", STAMP_FONT, font)
        _add_resource(writer, page, "/XObject", WATERMARK, watermark)
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        left, bottom = float(box.left), float(box.bottom)
        # The watermark (laid out on A4) centred on the page, whatever its size.
        dx = left + (width - 595.28) / 2
        dy = bottom + (height - 841.89) / 2
        label = f"{index + 1} / {total}"
        if references[index]:
            label = f"{references[index]}    {label}"
        text = _pdf_string(label)
        x = left + width - 18 - 0.5 * 8 * len(label)  # Helvetica: about half an em a glyph
        stamp = (
            f"q 1 0 0 1 {dx:.2f} {dy:.2f} cm {WATERMARK} Do Q\n"
            f"q BT 0.2 0.2 0.2 rg {STAMP_FONT} 8 Tf {x:.2f} {bottom + 12:.2f} Td ({text}) Tj ET Q\n"
        ).encode("latin-1")
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(b"\nQ\n" + stamp)
        contents: list[PdfObject] = [writer._add_object(before)]
        existing = page.get("/Contents")
        if existing is not None:
            existing = existing.get_object()
            if isinstance(existing, ArrayObject):
                contents += list(existing)
            else:
                contents.append(page.raw_get("/Contents"))
        contents.append(writer._add_object(after))
        page[NameObject("/Contents")] = ArrayObject(contents)


def _add_resource(
    writer: PdfWriter, page: Any, kind: str, name: NameObject, value: IndirectObject
) -> None:
    # A copy of the page's resources (they may be shared with other pages or inherited).
    resources = page.get("/Resources")
    resources = (
        DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    )
    entries = resources.get(kind)
    entries = DictionaryObject(entries.get_object()) if entries is not None else DictionaryObject()
    entries[name] = value
    resources[NameObject(kind)] = entries
    page[NameObject("/Resources")] = resources


def _pdf_string(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _slug(user: User) -> str:
    return "".join(c if c.isalnum() else "-" for c in user.get_username()).strip("-") or str(
        user.pk
    )
