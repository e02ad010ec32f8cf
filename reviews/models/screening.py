"""The secretariat's screening of a submitted dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.enums import DocumentSlot, ScreeningResult, Theme
from reviews.models.reviews import Review


class Screening(models.Model):
    """One screening of a submitted dossier: complete, or returned with what is missing.

    A returned dossier reopens for the returned items only, until ``due_on``; the
    screening is closed when the institution submits again.
    """

    review = models.ForeignKey(Review, models.CASCADE, related_name="screenings")
    result = models.CharField(_("result"), max_length=20, choices=ScreeningResult.choices)
    note = models.TextField(_("note to the institution"), blank=True)
    due_on = models.DateField(_("missing items due on"), null=True, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(_("screened at"))
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("When the institution sent the returned items back."),
    )

    class Meta:
        ordering = ["screened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result=ScreeningResult.RETURNED) | Q(due_on__isnull=False),
                name="returned_dossier_has_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_result_display()}"


class ReturnedItem(models.Model):
    """A part of the dossier returned as missing or incomplete: a document slot, a theme
    of the statement, or the complaints question (both empty)."""

    screening = models.ForeignKey(Screening, models.CASCADE, related_name="items")
    slot = models.CharField(_("document"), max_length=30, choices=DocumentSlot.choices, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    note = models.TextField(_("what is missing"), blank=True)

    class Meta:
        ordering = ["screening", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot="") | Q(theme=""), name="returned_item_is_one_part"
            ),
            models.UniqueConstraint(
                fields=["screening", "slot", "theme"], name="unique_returned_item"
            ),
        ]

    def __str__(self) -> str:
        return self.get_slot_display() or self.get_theme_display() or "complaints"
