from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accreditation.models import FrozenDeadline
from institutions.models import Institution
from reviews.enums import ReviewKind, ReviewState
from reviews.models.sessions import Session


class Review(ConcurrentTransitionMixin, models.Model):
    """One case: an institution's review at a session, from invitation to decision.

    The state changes only through ``reviews.services.transitions.transition``,
    which applies the table in ``reviews.workflow``.
    """

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    session = models.ForeignKey(Session, models.PROTECT, related_name="reviews")
    state = FSMField(
        _("state"),
        max_length=30,
        choices=ReviewState.choices,
        default=ReviewState.INVITED,
        protected=True,
    )
    continues = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="continuations",
        help_text=_("The review this one continues after a deferral."),
    )
    opened_at = models.ForeignKey(
        Session,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opened_reviews",
        help_text=_("The session at which the SCA opened this special review."),
    )
    confidential = models.BooleanField(_("confidential"), default=True)
    agenda_position = models.PositiveSmallIntegerField(
        _("place on the agenda"),
        null=True,
        blank=True,
        help_text=_("Set when the secretariat rearranges the agenda."),
    )
    created_at = models.DateTimeField(_("created at"))
    state_changed_at = models.DateTimeField(_("state changed at"))

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "session"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.institution.short_name}, {self.session}"

    @transition(field=state, source="*", target=RETURN_VALUE(*ReviewState.values))
    def move_to(self, target: str) -> str:
        """django-fsm's hook; call the transition service, never this."""
        return target


class ReviewDeadline(FrozenDeadline):
    review = models.ForeignKey(Review, models.CASCADE, related_name="deadlines")

    class Meta(FrozenDeadline.Meta):
        constraints = [
            models.UniqueConstraint(fields=["review", "rule_key"], name="unique_review_deadline")
        ]


class ReviewEvent(models.Model):
    """Append-only history of a review: every change of state and every decision."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the rules acted (the deadline sweep)."),
    )
    from_state = models.CharField(max_length=30, choices=ReviewState.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=ReviewState.choices)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.from_state or '∅'} → {self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Review history is append-only.")
        super().save(*args, **kwargs)
