from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accreditation.models import GeneralObservation, Principle, StatusRecord
from institutions.models import Seat
from reviews.enums import (
    UNCHALLENGEABLE,
    ActionVerb,
    DecisionRoute,
    Outcome,
    ParagraphKind,
    Vote,
)
from reviews.models.reviews import Review
from reviews.models.sessions import Session
from reviews.models.summaries import StoredFile


class Recommendation(models.Model):
    """What the SCA agreed at a session on one review."""

    review = models.OneToOneField(Review, models.PROTECT, related_name="recommendation")
    session = models.ForeignKey(Session, models.PROTECT, related_name="recommendations")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    follow_up_session = models.ForeignKey(
        Session,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a deferral or a special review: the session that takes it up."),
    )
    summary = models.TextField(_("summary"), blank=True)
    agreed_on = models.DateField(_("agreed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()
    # Copied from the rulebook when the Bureau window opens, so a later change of
    # the rule does not change how this recommendation is decided.
    referral_min_objectors = models.PositiveSmallIntegerField(null=True, blank=True)
    referral_min_regions = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=UNCHALLENGEABLE) | Q(follow_up_session__isnull=False),
                name="deferral_names_its_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.review.institution.short_name}: {self.get_outcome_display()}"

    @property
    def is_challengeable(self) -> bool:
        return self.outcome not in UNCHALLENGEABLE


# What precedent search matches on PostgreSQL (reviews/search.py), with the same
# expression in the GIN index below so the search uses it. 'simple': paragraphs are
# written in six languages, and a language's stemmer would mangle the other five.
PARAGRAPH_DOCUMENT = SearchVector("text", "notes", "standard", "request", config="simple")


class RecommendationParagraph(models.Model):
    """A numbered issue (or a commendation) of a recommendation, citing the standard.

    ``text`` is the paragraph as it reads; recommendations drafted in the portal also
    keep its parts in the SCA's form (older records have the text only).
    """

    recommendation = models.ForeignKey(Recommendation, models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=ParagraphKind.choices, default=ParagraphKind.ISSUE
    )
    text = models.TextField(_("text"))
    notes = models.TextField(_("the SCA notes"), blank=True)
    standard = models.TextField(_("the standard that applies"), blank=True)
    verb = models.CharField(_("the SCA"), max_length=20, choices=ActionVerb.choices, blank=True)
    request = models.TextField(_("what it asks"), blank=True)
    principles = models.ManyToManyField(Principle, blank=True, related_name="paragraphs")
    observations = models.ManyToManyField(GeneralObservation, blank=True, related_name="paragraphs")

    class Meta:
        ordering = ["recommendation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="unique_paragraph")
        ]
        # PostgreSQL only: migration 0007 leaves it out on SQLite, which searches
        # without an index (reviews/search.py).
        indexes = [GinIndex(PARAGRAPH_DOCUMENT, name="paragraph_search")]

    def __str__(self) -> str:
        return f"{self.recommendation_id}.{self.number}"


class Challenge(models.Model):
    """The institution's challenge of a recommendation, lodged within its window."""

    review = models.OneToOneField(Review, models.PROTECT, related_name="challenge")
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    lodged_on = models.DateField(_("lodged on"))
    lodged_at = models.DateTimeField()
    reasons = models.TextField(_("reasons"))

    def __str__(self) -> str:
        return f"Challenge of {self.review}"


def _challenge_file_path(attachment: ChallengeAttachment, filename: str) -> str:
    return f"challenges/{attachment.challenge.review_id}/{uuid.uuid4().hex}/{filename}"


class ChallengeAttachment(StoredFile):
    """A document the institution lodges with its challenge; it goes to the Bureau."""

    challenge = models.ForeignKey(Challenge, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_challenge_file_path, max_length=400)

    class Meta:
        ordering = ["challenge", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class BureauVote(models.Model):
    """One Bureau seat's approval of, or objection to, a recommendation."""

    recommendation = models.ForeignKey(Recommendation, models.PROTECT, related_name="votes")
    seat = models.ForeignKey(Seat, models.PROTECT, related_name="votes")
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    cast_on = models.DateField(_("cast on"))
    cast_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "seat"], name="one_vote_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.seat}: {self.get_vote_display()}"


class BureauMeeting(models.Model):
    """A meeting of the GANHRI Bureau; it decides the cases referred to it and keeps a
    numbered record of its decisions."""

    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    is_virtual = models.BooleanField(_("virtual"), default=False)
    reference = models.CharField(
        _("reference"),
        max_length=60,
        unique=True,
        help_text=_("How the record of decisions is cited, e.g. “Bureau 2030/2”."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.reference


class Decision(models.Model):
    """The final outcome of a review; it writes the institution's status record."""

    review = models.OneToOneField(Review, models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    route = models.CharField(_("route"), max_length=20, choices=DecisionRoute.choices)
    decided_on = models.DateField(_("decided on"))
    record_number = models.CharField(_("record of decisions"), max_length=80, blank=True)
    meeting = models.ForeignKey(
        BureauMeeting, models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    item = models.PositiveSmallIntegerField(
        _("number in the record of decisions"), null=True, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)
    status_record = models.OneToOneField(
        StatusRecord, models.PROTECT, null=True, blank=True, related_name="decision"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    took_effect_on = models.DateField(
        _("took effect on"),
        null=True,
        blank=True,
        help_text=_("Set by the deadline sweep once the status record is in effect."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item"], name="unique_decision_item"),
            models.CheckConstraint(
                condition=Q(meeting__isnull=True) | Q(item__isnull=False),
                name="meeting_decision_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_outcome_display()} ({self.decided_on})"
