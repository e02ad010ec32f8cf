"""The mail outbox: every message is a row before it is sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.models.reviews import Review, ReviewEvent
from reviews.models.sessions import Session


class MessageState(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting the secretariat")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailKind(models.TextChoices):
    """What a mail is. Letters (recommendation, deferral, special review, decision) are
    drafts the secretariat reviews and releases; the rest go straight to the queue."""

    EVENT = "event", _("Change in a review")
    RECOMMENDATION = "recommendation", _("Recommendation letter")
    DEFERRAL = "deferral", _("Deferral letter")
    SPECIAL_REVIEW = "special-review", _("Special review letter")
    DECISION = "decision", _("Decision letter")
    REMINDER = "reminder", _("Reminder")
    NOTICE = "notice", _("Notice")


# The letters the secretariat reviews, edits and releases.
LETTER_KINDS = (
    MailKind.RECOMMENDATION,
    MailKind.DEFERRAL,
    MailKind.SPECIAL_REVIEW,
    MailKind.DECISION,
)


class OutgoingMessage(models.Model):
    """One mail to one recipient. A worker claims it (queued → sending) with a
    conditional update, so a second delivery of the task sends nothing.

    A letter starts as a draft; the secretariat edits its subject and body (for every
    recipient of the same letter at once) and releases it, and only then is it queued.
    """

    review = models.ForeignKey(
        Review, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    session = models.ForeignKey(
        Session,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        help_text=_("For a mail about a session rather than one review."),
    )
    event = models.ForeignKey(
        ReviewEvent, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MailKind.choices, default=MailKind.EVENT
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        help_text=_("The account the address belonged to when the mail was written."),
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    # Makes a mail that must go once (a reminder for one deadline and one offset) unique.
    key = models.CharField(max_length=200, blank=True, default="")
    # The Message-ID header: the same on every attempt, so a receiving server can tell
    # a retry from a new message.
    message_id = models.CharField(max_length=200, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a failed mail is tried again; empty when the error was permanent."),
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "claimed_at"]),
            models.Index(fields=["recipient", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "to"], condition=~Q(key=""), name="outbox_key_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.get_state_display()})"
