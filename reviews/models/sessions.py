from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accreditation.models import FrozenDeadline
from institutions.models import Seat


class Session(models.Model):
    """A session of the Sub-Committee on Accreditation."""

    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    is_virtual = models.BooleanField(_("virtual"), default=False)
    dates_confirmed = models.BooleanField(
        _("dates confirmed"),
        default=True,
        help_text=_("Off while only the month of the session is known."),
    )
    seats = models.ManyToManyField(
        Seat, blank=True, related_name="sessions", verbose_name=_("seats sitting")
    )
    report_final_on = models.DateField(
        _("recommendations final on"),
        null=True,
        blank=True,
        help_text=_("Set when the report is published: the day its last case became final."),
    )
    report_published_on = models.DateField(_("report published on"), null=True, blank=True)
    report_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        permissions = [("sit_in_session", _("Sit in the session (SCA member)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SessionDeadline(FrozenDeadline):
    session = models.ForeignKey(Session, models.CASCADE, related_name="deadlines")

    class Meta(FrozenDeadline.Meta):
        constraints = [
            models.UniqueConstraint(fields=["session", "rule_key"], name="unique_session_deadline")
        ]
