"""The summary of issues and the institution's answers; third-party submissions."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accreditation.models import GeneralObservation, Principle
from reviews.enums import SourceKind
from reviews.models.reviews import Review


class IssueSummary(models.Model):
    """The secretariat's summary of issues for one review, shared once with the institution."""

    review = models.OneToOneField(Review, models.CASCADE, related_name="summary")
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers_due_on = models.DateField(_("answers due on"), null=True, blank=True)
    answers_sent_at = models.DateTimeField(
        _("answers sent at"),
        null=True,
        blank=True,
        help_text=_("When the institution sent its answers; from then the SCA reads them."),
    )
    answers_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Summary of issues: {self.review}"


class SummaryIssue(models.Model):
    """One issue of the summary: the facts, the concern, and the standard it touches."""

    summary = models.ForeignKey(IssueSummary, models.CASCADE, related_name="issues")
    number = models.PositiveSmallIntegerField(_("number"))
    facts = models.TextField(_("facts"))
    concern = models.TextField(_("concern"))
    principles = models.ManyToManyField(Principle, blank=True, related_name="summary_issues")
    observations = models.ManyToManyField(
        GeneralObservation, blank=True, related_name="summary_issues"
    )
    history = HistoricalRecords(m2m_fields=[principles, observations])

    class Meta:
        ordering = ["summary", "number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="unique_summary_issue")
        ]

    def __str__(self) -> str:
        return f"{self.summary_id}.{self.number}"


class IssueAnswer(models.Model):
    """The institution's written answer to one issue; its history keeps every version."""

    issue = models.OneToOneField(SummaryIssue, models.CASCADE, related_name="answer")
    text = models.TextField(_("answer"), blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Answer to {self.issue}"


class StoredFile(models.Model):
    """A file as inspected when it came in. Never changed afterwards."""

    original_name = models.CharField(_("name as uploaded"), max_length=400)
    kind = models.CharField(_("kind"), max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A stored file is never changed; add a new one instead.")
        super().save(*args, **kwargs)


def _answer_file_path(attachment: AnswerAttachment, filename: str) -> str:
    return f"answers/{attachment.answer.issue.summary.review_id}/{uuid.uuid4().hex}/{filename}"


class AnswerAttachment(StoredFile):
    """A document the institution sends with an answer."""

    answer = models.ForeignKey(IssueAnswer, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_answer_file_path, max_length=400)

    class Meta:
        ordering = ["answer", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ThirdPartySubmission(models.Model):
    """Information about an institution from someone else: civil society, the State, a UN
    body. The SCA reads the full version; the institution is shown a sanitised version
    (the source withheld where required) and may comment on it."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="third_party_submissions")
    source_name = models.CharField(_("source"), max_length=300)
    source_kind = models.CharField(_("kind of source"), max_length=20, choices=SourceKind.choices)
    source_confidential = models.BooleanField(
        _("withhold the source"),
        default=True,
        help_text=_("The institution is not told who sent it."),
    )
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("full text"))
    sanitised_content = models.TextField(
        _("sanitised text"),
        blank=True,
        help_text=_("What the institution is shown: nothing that identifies a withheld source."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    shared_at = models.DateTimeField(_("shared with the institution at"), null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    comments_due_on = models.DateField(_("comments due on"), null=True, blank=True)
    comment = models.TextField(_("the institution's comment"), blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"Third-party submission on {self.review} ({self.received_on})"


def _submission_file_path(attachment: SubmissionAttachment, filename: str) -> str:
    return f"third-party/{attachment.submission.review_id}/{uuid.uuid4().hex}/{filename}"


class SubmissionAttachment(StoredFile):
    """A file that came with a third-party submission: part of the full version only."""

    submission = models.ForeignKey(ThirdPartySubmission, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_submission_file_path, max_length=400)

    class Meta:
        ordering = ["submission", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
