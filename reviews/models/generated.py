"""Documents the portal makes: letters, certificates, review packets, session reports
and chart releases. Each is a row first, rendered by a worker after commit."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.enums import LANGUAGES
from institutions.models import Institution
from reviews.models.reviews import Review
from reviews.models.sessions import Session


class DocumentKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    CERTIFICATE = "certificate", _("Certificate of A status")
    PACKET = "packet", _("Review packet")
    REPORT = "report", _("Session report")
    CHART = "chart", _("Status chart")


class LetterKind(models.TextChoices):
    """The letters of the procedure (PROCESS.md, "Letters"), each from a template."""

    INVITATION = "invitation", _("Invitation with its deadlines")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a complete dossier")
    SUMMARY = "summary", _("Summary of issues")
    RECOMMENDATION = "recommendation", _("Recommendation with the right to challenge")
    DEFERRAL = "deferral", _("Deferral")
    DECISION = "decision", _("Final decision")
    CERTIFICATE = "certificate", _("Certificate of A status")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class LetterTemplate(models.Model):
    """One version of the text of a letter in one language. Append-only: editing makes a
    new version, and a letter made keeps the version it was made from."""

    kind = models.CharField(_("letter"), max_length=20, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="unique_letter_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}) v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A template version is never changed; save a new version.")
        super().save(*args, **kwargs)


def _generated_path(document: GeneratedDocument, filename: str) -> str:
    return f"generated/{document.kind}/{uuid.uuid4().hex}/{filename}"


class GeneratedDocument(models.Model):
    """One document to make, or made. ``key`` names what it is (the same letter of the
    same review in the same language from the same template version, the packet of one
    session for one recipient on one day, ...): asking twice finds the same row."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    letter = models.CharField(_("letter"), max_length=20, choices=LetterKind.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    review = models.ForeignKey(
        Review, models.CASCADE, null=True, blank=True, related_name="generated_documents"
    )
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="generated_documents"
    )
    institution = models.ForeignKey(
        Institution, models.CASCADE, null=True, blank=True, related_name="generated_documents"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="generated_documents",
        help_text=_("For a review packet: the person it is made for (and watermarked with)."),
    )
    template = models.ForeignKey(
        LetterTemplate, models.PROTECT, null=True, blank=True, related_name="documents"
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=_generated_path, max_length=400, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    manifest = models.JSONField(
        default=list,
        blank=True,
        help_text=_("For a packet: every file it includes or could not include, with why."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "claimed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=JobState.READY) | ~Q(sha256=""), name="ready_document_has_hash"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.get_state_display()})"
