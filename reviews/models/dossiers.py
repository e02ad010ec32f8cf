"""The institution's dossier: the Statement of Compliance and the documents.

Uploaded files are never changed or deleted: replacing a document adds a
version, and what was submitted stays as it was.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.enums import LANGUAGES
from reviews.enums import DocumentSlot, Theme
from reviews.models.reviews import Review

EXTRACTED_FIELDS = {"extracted_text", "text_extracted_at"}
PAGES = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


class Dossier(models.Model):
    review = models.OneToOneField(Review, models.CASCADE, related_name="dossier")
    handles_complaints = models.BooleanField(
        _("handles individual complaints"),
        null=True,
        blank=True,
        help_text=_("Complaints handling is optional under the Paris Principles (section D)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Dossier of {self.review}"


class Document(models.Model):
    """One document of the dossier in a slot; its content lives in its versions."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="documents")
    slot = models.CharField(_("part"), max_length=30, choices=DocumentSlot.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["slot", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.get_slot_display()


def _version_path(version: DocumentVersion, filename: str) -> str:
    # A fresh folder per version: no upload can overwrite another, whatever its name.
    review_id = version.document.dossier.review_id
    return f"dossiers/{review_id}/{uuid.uuid4().hex}/{filename}"


class DocumentVersion(models.Model):
    """One uploaded file, as inspected when it came in. Append-only."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=400)
    original_name = models.CharField(_("name as uploaded"), max_length=400)
    kind = models.CharField(_("kind"), max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    extracted_text = models.TextField(blank=True)
    text_extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        # Only the text extracted later may be added to a stored version.
        text_only = update_fields is not None and set(update_fields) <= EXTRACTED_FIELDS
        if self.pk is not None and not text_only:
            raise ValueError("An uploaded file is never changed; upload a new version instead.")
        super().save(*args, update_fields=update_fields, **kwargs)


class ComplianceAnswer(models.Model):
    """The Statement of Compliance on one theme; its history says who wrote what, when."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="answers")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    text = models.TextField(_("answer"), blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["dossier", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "theme"], name="one_answer_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_theme_display()}"


def validate_pages(value: str) -> None:
    if value and not PAGES.match(value):
        raise ValidationError(_("Write pages as numbers and ranges, e.g. “3, 7-9”."))


class Evidence(models.Model):
    """A link from an answer to pages of a document of the same dossier."""

    answer = models.ForeignKey(ComplianceAnswer, models.CASCADE, related_name="evidence")
    document = models.ForeignKey(Document, models.CASCADE, related_name="cited_by")
    pages = models.CharField(_("pages"), max_length=100, blank=True, validators=[validate_pages])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "document", "pages"], name="unique_evidence")
        ]

    def __str__(self) -> str:
        return f"{self.document} p. {self.pages}" if self.pages else str(self.document)
