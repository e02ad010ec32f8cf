"""The institution's dossier: documents, the Statement of Compliance, submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from nhri_portal.lib.uploads import UploadRefused, inspect_upload
from reviews.enums import (
    OPTIONAL_THEMES,
    REQUIRED_SLOTS,
    DocumentSlot,
    PartState,
    ReviewState,
    Theme,
)
from reviews.models import ComplianceAnswer, Document, DocumentVersion, Dossier, Evidence, Review
from reviews.permissions import COMPLAINTS_QUESTION, may_edit_part
from reviews.services.screening import close_return, part_label, part_of
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The dossier may be worked on while the review is in one of these states.
OPEN_STATES = (ReviewState.INVITED, ReviewState.DOSSIER)


def dossier_for(review: Review) -> Dossier:
    dossier, _created = Dossier.objects.get_or_create(review=review)
    return dossier


def _require_editor(review: Review, by: User, part: str | None = None) -> None:
    """May ``by`` change the dossier, and ``part`` of it (a slot, a theme or the
    complaints question: while the secretariat's return is open, only what it named)?"""
    if not (is_focal_point_of(by, review.institution) or is_secretariat(by)):
        raise NotPermitted(_("Only the institution's focal points may work on its dossier."))
    if review.state not in OPEN_STATES:
        raise DomainError(
            _(
                "The dossier has been submitted and can no longer be changed. The secretariat "
                "can reopen it if something must be corrected."
            )
        )
    if part is not None and not may_edit_part(by, review, part):
        raise NotPermitted(
            _(
                "The secretariat returned the dossier for some items only, and only those "
                "may be changed: “%(part)s” is not one of them."
            )
            % {"part": part_label(part_of(part))}
        )


def _start(review: Review, by: User) -> None:
    """The first piece of work on a dossier starts it."""
    if review.state == ReviewState.INVITED:
        transition(review, to=ReviewState.DOSSIER, by=by)


@transaction.atomic
def upload_document(
    *,
    review: Review,
    slot: DocumentSlot,
    file: IO[bytes],
    name: str,
    size: int | None,
    language: str,
    by: User,
    title: str = "",
    replaces: Document | None = None,
) -> DocumentVersion:
    """Add a document to the dossier, or a new version of ``replaces``.

    The file is inspected before anything is stored (type by content, size limit,
    unreadable or protected PDFs refused). Effects: the document (when new), the
    version with its SHA-256 and page count, the file in storage, the review
    started, and the extraction of its text queued after commit.
    """
    _require_editor(review, by, replaces.slot if replaces is not None else slot)
    if replaces is not None and replaces.dossier.review_id != review.pk:
        raise NotPermitted(_("This document belongs to another dossier."))
    try:
        inspected = inspect_upload(
            file, name=name, declared_size=size, max_bytes=settings.NHRI_MAX_UPLOAD_BYTES
        )
    except UploadRefused as refused:
        raise DomainError(str(refused)) from None
    _start(review, by)
    now = clock.now()
    document = replaces or Document.objects.create(
        dossier=dossier_for(review), slot=slot, title=title, created_at=now, created_by=by
    )
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=name[:400],
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        page_count=inspected.page_count,
        language=language,
        uploaded_at=now,
        uploaded_by=by,
    )
    version.file.save(inspected.safe_name, File(file), save=False)
    version.save()
    if inspected.kind == "pdf":
        from reviews.tasks import extract_document_text

        transaction.on_commit(lambda: extract_document_text.delay(version_id=version.pk))
    return version


@transaction.atomic
def set_handles_complaints(*, review: Review, value: bool, by: User) -> Dossier:
    """Say whether the institution handles individual complaints (Paris Principles,
    section D); the answer makes the complaints theme required or optional.

    Effects: the dossier's answer and its history row, the review started.
    """
    _require_editor(review, by, COMPLAINTS_QUESTION)
    _start(review, by)
    dossier = dossier_for(review)
    dossier.handles_complaints = value
    dossier.save(update_fields=["handles_complaints"])
    return dossier


@transaction.atomic
def save_answer(*, review: Review, theme: Theme, text: str, by: User) -> ComplianceAnswer:
    """Save (or autosave) the answer on one theme. Effects: the answer and its history row."""
    _require_editor(review, by, theme)
    _start(review, by)
    answer, _created = ComplianceAnswer.objects.update_or_create(
        dossier=dossier_for(review),
        theme=theme,
        defaults={"text": text, "updated_at": clock.now(), "updated_by": by},
    )
    return answer


def cite(*, answer: ComplianceAnswer, document: Document, pages: str, by: User) -> Evidence:
    """Link an answer to pages of a document of the same dossier."""
    review = answer.dossier.review
    _require_editor(review, by, answer.theme)
    if document.dossier_id != answer.dossier_id:
        raise DomainError(_("An answer can only cite documents of its own dossier."))
    evidence = Evidence(answer=answer, document=document, pages=pages.strip())
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def uncite(*, evidence: Evidence, by: User) -> None:
    """Remove a link from an answer to a document. Effects: the link is deleted."""
    answer = evidence.answer
    _require_editor(answer.dossier.review, by, answer.theme)
    evidence.delete()


@dataclass(frozen=True)
class Part:
    key: str  # a theme or a document slot
    label: str
    state: PartState
    required: bool
    kind: str  # "answer" or "document"


def checklist(dossier: Dossier) -> list[Part]:
    """Every part of the dossier with its state, in the order of the task list."""
    answers = {a.theme: a for a in dossier.answers.all()}
    filled_slots = set(dossier.documents.values_list("slot", flat=True))
    parts = []
    for theme in Theme:
        required = theme not in OPTIONAL_THEMES or bool(dossier.handles_complaints)
        answer = answers.get(theme)
        if answer is None or not answer.text.strip():
            state = PartState.NOT_STARTED if answer is None else PartState.IN_PROGRESS
        else:
            state = PartState.COMPLETE
        parts.append(Part(theme.value, str(theme.label), state, required, "answer"))
    for slot in DocumentSlot:
        state = PartState.COMPLETE if slot in filled_slots else PartState.NOT_STARTED
        parts.append(Part(slot.value, str(slot.label), state, slot in REQUIRED_SLOTS, "document"))
    return parts


def missing(dossier: Dossier) -> list[Part]:
    missing_parts = [p for p in checklist(dossier) if p.required and p.state != PartState.COMPLETE]
    if dossier.handles_complaints is None:
        missing_parts.insert(
            0,
            Part(
                COMPLAINTS_QUESTION,
                part_label(COMPLAINTS_QUESTION),
                PartState.NOT_STARTED,
                True,
                "answer",
            ),
        )
    return missing_parts


@transaction.atomic
def submit_dossier(*, review: Review, by: User) -> Review:
    """Submit the dossier to the secretariat.

    Refused while a required part is missing. Effects: the dossier marked submitted
    (its files were never changeable and now cannot be replaced either), the review
    moves to "submitted", the secretariat's open return (if any) closed, and the
    institution's acknowledgement is mailed after commit. A second submission (a
    double click) changes nothing.
    """
    if not (is_focal_point_of(by, review.institution) or is_secretariat(by)):
        raise NotPermitted(_("Only the institution's focal points may submit its dossier."))
    if review.state == ReviewState.SUBMITTED:
        return review
    _require_editor(review, by)
    dossier = dossier_for(review)
    gaps = missing(dossier)
    if gaps:
        raise DomainError(
            _("The dossier cannot be submitted yet. Missing: %(parts)s.")
            % {"parts": "; ".join(part.label for part in gaps)}
        )
    _start(review, by)
    result = transition(
        review,
        to=ReviewState.SUBMITTED,
        by=by,
        reason=_("Submitted with reference %(ref)s.") % {"ref": reference(review)},
    )
    if result.changed:
        Dossier.objects.filter(pk=dossier.pk).update(submitted_at=clock.now(), submitted_by=by)
        close_return(review)
    return review


def reference(review: Review) -> str:
    """The reference quoted in every exchange about a review, e.g. ``2007-03/FR/10``."""
    return f"{review.session.starts_on:%Y-%m}/{review.institution.country}/{review.pk}"


@transaction.atomic
def reopen_dossier(*, review: Review, reason: str, by: User) -> Review:
    """The secretariat reopens a submitted dossier; the institution sees why.

    Effects: the review back to "dossier in progress" with the reason in its history,
    and the institution mailed.
    """
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat can reopen a submitted dossier."))
    if not reason.strip():
        raise DomainError(_("Say what must be corrected; the institution will see it."))
    transition(review, to=ReviewState.DOSSIER, by=by, reason=reason)
    Dossier.objects.filter(review=review).update(submitted_at=None, submitted_by=None)
    return review
