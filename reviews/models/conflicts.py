"""Conflicts of interest: institutions' objections to SCA members, and recusals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from institutions.models import Seat
from reviews.enums import ObjectionRuling, RecusalReason
from reviews.models.reviews import Review


class MemberObjection(models.Model):
    """An institution's objection to an SCA member taking part in its review, lodged
    before the session's cut-off, and the Bureau's ruling on it."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="member_objections")
    seat = models.ForeignKey(Seat, models.PROTECT, related_name="objections")
    reasons = models.TextField(_("reasons"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    lodged_on = models.DateField(_("lodged on"))
    lodged_at = models.DateTimeField()
    ruling = models.CharField(
        _("Bureau's ruling"),
        max_length=20,
        choices=ObjectionRuling.choices,
        default=ObjectionRuling.PENDING,
    )
    ruled_on = models.DateField(_("ruled on"), null=True, blank=True)
    ruling_reasons = models.TextField(_("reasons for the ruling"), blank=True)
    ruling_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["lodged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "seat"], name="one_objection_per_seat")
        ]

    def __str__(self) -> str:
        return f"Objection to {self.seat} on {self.review}"


class Recusal(models.Model):
    """A seat that does not take part in one review, beyond the automatic recusal from
    its own institution's case (which is never stored: it is always true)."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="recusals")
    seat = models.ForeignKey(Seat, models.PROTECT, related_name="recusals")
    reason = models.CharField(_("reason"), max_length=20, choices=RecusalReason.choices)
    objection = models.OneToOneField(
        MemberObjection, models.PROTECT, null=True, blank=True, related_name="recusal"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "seat"], name="one_recusal_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.seat} recused from {self.review}"
