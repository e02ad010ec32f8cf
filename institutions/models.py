from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from institutions.enums import (
    LANGUAGES,
    Body,
    InstitutionKind,
    MembershipRole,
    RegionCode,
    SeatRole,
)


class Region(models.Model):
    code = models.CharField(_("code"), max_length=20, choices=RegionCode.choices, unique=True)
    network = models.CharField(_("regional network"), max_length=200)
    network_acronym = models.CharField(_("network acronym"), max_length=20, blank=True)
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="observed_regions",
        verbose_name=_("network observers"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return str(self.get_code_display())


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=300)
    other_names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        help_text=_('Language code to name, e.g. {"fr": "..."}.'),
    )
    name_confirmed = models.BooleanField(
        _("name confirmed"),
        default=True,
        help_text=_("Off where the records name only the country."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = CountryField(_("country or territory"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="institutions")
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    working_language = models.CharField(
        _("working language"), max_length=10, choices=LANGUAGES, default="en"
    )
    predecessor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text=_("The body this institution replaces or continues. Status is never inherited."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="institutions"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("institution")
        permissions = [
            ("act_for_institution", _("Act for the institution (focal point)")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class Membership(models.Model):
    """A person working for an institution in a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.institution.short_name}"


class SeatQuerySet(models.QuerySet["Seat"]):
    def active_on(self, day: dt.date) -> SeatQuerySet:
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


SeatManager = models.Manager.from_queryset(SeatQuerySet)


class Seat(models.Model):
    """An institution's seat on the SCA or the Bureau for a term, and the people it sends."""

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="seats")
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    role = models.CharField(_("role"), max_length=20, choices=SeatRole.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="seats")
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="seats",
        verbose_name=_("people sitting for the institution"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = SeatManager()

    class Meta:
        ordering = ["body", "region", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.get_role_display()}: {self.institution.short_name}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
