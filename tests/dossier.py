"""Helpers for tests of the dossier pages: files to post, a dossier filled by the services."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.enums import REQUIRED_SLOTS, DocumentSlot, Theme
from reviews.models import DocumentVersion, Review
from reviews.services.dossiers import (
    save_answer,
    set_handles_complaints,
    submit_dossier,
    upload_document,
)
from tests import files

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def pdf_upload(name: str = "law.pdf", pages: int = 3) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.pdf(pages), content_type="application/pdf")


def add(
    review: Review,
    by: Any,
    slot: DocumentSlot = DocumentSlot.FOUNDING_LAW,
    name: str = "law.pdf",
    **extra: Any,
) -> DocumentVersion:
    stream, size = files.upload(files.pdf(3))
    return upload_document(
        review=review, slot=slot, file=stream, name=name, size=size, language="en", by=by, **extra
    )


def complete(review: Review, by: Any) -> DocumentVersion:
    """Everything required, through the services; returns the founding law's version."""
    set_handles_complaints(review=review, value=False, by=by)
    for theme in Theme:
        if theme != Theme.COMPLAINTS:
            save_answer(review=review, theme=theme, text=f"On {theme.label}.", by=by)
    versions = [add(review, by, slot=slot, name=f"{slot}.pdf") for slot in REQUIRED_SLOTS]
    return versions[0]


def submit(review: Review, by: Any) -> DocumentVersion:
    version = complete(review, by)
    submit_dossier(review=review, by=by)
    review.refresh_from_db()
    return version


def url(name: str, review: Review, *args: Any) -> str:
    return reverse(f"reviews:{name}", args=[review.pk, *args])


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?next={next_url}"
