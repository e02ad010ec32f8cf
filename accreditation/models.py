from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accreditation.enums import Confidence, Direction, Grade, RuleUnit, StatusBasis, StatusEvent
from institutions.models import Institution

if TYPE_CHECKING:
    from accreditation.rulebook import Deadline


class Principle(models.Model):
    """One Paris Principle as the SCA cites it (e.g. ``B.3``). Loaded from the catalogue."""

    key = models.CharField(_("key"), max_length=20, unique=True)
    section = models.CharField(_("section"), max_length=2)
    text = models.TextField(_("paraphrase"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"PP {self.key}"


class GeneralObservation(models.Model):
    """A General Observation of one version of the SCA's set (2009, 2013, 2018, ...)."""

    version = models.PositiveSmallIntegerField(_("version"))
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("paraphrase"))
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    principles = models.ManyToManyField(Principle, related_name="general_observations")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_go_per_version")
        ]

    def __str__(self) -> str:
        return f"GO {self.number} ({self.version})"


class Rule(models.Model):
    """One deadline or threshold of the procedure, editable by the secretariat.

    Decisions copy what they use from a rule when they are taken, so editing a
    rule changes only what is computed afterwards.
    """

    key = models.SlugField(_("key"), max_length=60, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=200)
    value = models.PositiveIntegerField(_("value"), validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=10, choices=RuleUnit.choices, editable=False)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True, editable=False
    )
    anchor = models.CharField(
        _("counted from"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("The event the days are counted from."),
    )
    default_value = models.PositiveIntegerField(_("default"), editable=False)
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="rule_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(unit__in=[RuleUnit.MEMBERS, RuleUnit.REGIONS]) | Q(value__gte=1),
                name="rule_threshold_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.value is None:
            return
        if self.value < 0:
            raise ValidationError({"value": _("A rule cannot count a negative number.")})
        if self.unit in (RuleUnit.MEMBERS, RuleUnit.REGIONS) and self.value < 1:
            raise ValidationError({"value": _("A threshold must be at least 1.")})

    @property
    def is_period(self) -> bool:
        return self.unit in (RuleUnit.DAYS, RuleUnit.YEARS)


class FrozenDeadline(models.Model):
    """A deadline as computed when it was set, kept so it explains itself later.

    Concrete tables (a review's deadlines, a session's deadlines) inherit this.
    """

    rule_key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    due_on = models.DateField(_("due on"))
    anchor_label = models.CharField(max_length=200)
    anchor_on = models.DateField()
    value = models.PositiveIntegerField()
    unit = models.CharField(max_length=10, choices=RuleUnit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    source = models.CharField(max_length=300)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    set_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["due_on"]

    def as_deadline(self) -> Deadline:
        from accreditation.rulebook import Deadline

        return Deadline(**{name: getattr(self, name) for name in Deadline.__dataclass_fields__})

    def explain(self) -> str:
        return self.as_deadline().explain()


class StatusRecordQuerySet(models.QuerySet["StatusRecord"]):
    def effective_by(self, day: dt.date) -> StatusRecordQuerySet:
        return self.filter(effective_on__lte=day)


class StatusRecord(models.Model):
    """One event in an institution's accreditation: append-only.

    The status on any day is derived from the records effective by that day
    (see ``accreditation.status``); nothing here is ever updated in place.
    """

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="status_records")
    event = models.CharField(_("event"), max_length=20, choices=StatusEvent.choices)
    grade = models.CharField(_("grade"), max_length=5, choices=Grade.choices, default=Grade.NONE)
    basis = models.CharField(_("basis"), max_length=20, choices=StatusBasis.choices)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"))
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The session and decision that produced this record."),
    )
    review_ref = models.PositiveIntegerField(
        _("review id"),
        null=True,
        blank=True,
        help_text=_("The review that produced this record, when it came from one."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StatusRecordQuerySet.as_manager()

    class Meta:
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["institution", "effective_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(effective_on__gte=models.F("decided_on")),
                name="status_effective_not_before_decision",
            ),
            models.CheckConstraint(
                condition=~Q(event=StatusEvent.GRADE) | ~Q(grade=Grade.NONE),
                name="status_grade_event_names_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution.short_name}: {self.get_event_display()} {self.effective_on}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Status records are append-only; record a new event instead.")
        super().save(*args, **kwargs)
