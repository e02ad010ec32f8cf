"""The SCA at work on a case: its discussion and the recommendation it drafts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accreditation.models import GeneralObservation, Principle
from reviews.enums import ActionVerb, Outcome, ParagraphKind
from reviews.models.reviews import Review
from reviews.models.sessions import Session


class CaseComment(models.Model):
    """A message in a case's discussion: for the SCA sitting on it and the secretariat
    only. Append-only."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        ordering = ["posted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.review_id} at {self.posted_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The discussion is append-only.")
        super().save(*args, **kwargs)


class RecommendationDraft(models.Model):
    """The SCA's recommendation on a case while it is being written; adopting it at the
    end of the session records the :class:`~reviews.models.Recommendation`."""

    review = models.OneToOneField(Review, models.CASCADE, related_name="draft")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    follow_up_session = models.ForeignKey(
        Session,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up session"),
    )
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Draft recommendation: {self.review}"


class DraftParagraph(models.Model):
    """A numbered issue (or a commendation) of a draft, in the SCA's form."""

    draft = models.ForeignKey(RecommendationDraft, models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=ParagraphKind.choices, default=ParagraphKind.ISSUE
    )
    notes = models.TextField(_("the SCA notes"), blank=True)
    standard = models.TextField(_("the standard that applies"), blank=True)
    verb = models.CharField(_("the SCA"), max_length=20, choices=ActionVerb.choices, blank=True)
    request = models.TextField(_("what it asks"), blank=True)
    principles = models.ManyToManyField(Principle, blank=True, related_name="+")
    observations = models.ManyToManyField(GeneralObservation, blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[principles, observations])

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_draft_paragraph")
        ]

    def __str__(self) -> str:
        return f"{self.draft_id}.{self.number}"
