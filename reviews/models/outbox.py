"""The mail outbox: every message is a row before it is sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.reviews import Review, ReviewEvent


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMessage(models.Model):
    """One mail to one recipient. A worker claims it (queued → sending) with a
    conditional update, so a second delivery of the task sends nothing."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="messages")
    event = models.ForeignKey(
        ReviewEvent, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.get_state_display()})"
