"""The deadline sweep: what the rules do by themselves when a day has passed.

Run by ``manage.py process_deadlines`` and by Celery beat. Each step selects
only cases still waiting for it, so running it twice for a day does nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.enums import StatusEvent
from accreditation.rulebook import RuleKey
from accreditation.services import record_decision
from accreditation.status import status_on
from nhri_portal import clock
from nhri_portal.errors import Conflict
from reviews.enums import KIND_BASIS, ReviewState
from reviews.models import Decision, Review
from reviews.services.bureau import (
    lock_review,
    tally,
    tell_adopted,
    tell_bureau_window_open,
    tell_referred,
)
from reviews.services.decisions import deem_adopted
from reviews.services.reminders import send_reminders
from reviews.services.transitions import transition


@dataclass
class SweepReport:
    as_of: dt.date
    actions: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def did(self, message: str) -> None:
        self.actions.append(message)


def _due(review: Review, key: str) -> dt.date:
    return review.deadlines.get(rule_key=key).due_on


def _waiting(state: ReviewState, key: str, as_of: dt.date) -> QuerySet[Review]:
    """Reviews in ``state`` whose deadline ``key`` ended before ``as_of``."""
    return (
        Review.objects.filter(state=state, deadlines__rule_key=key, deadlines__due_on__lt=as_of)
        .select_related("institution", "session")
        .order_by("pk")
    )


def _each(report: SweepReport, reviews: QuerySet[Review], step: Callable[[Review], None]) -> None:
    """Apply ``step`` to each review in its own transaction; a conflict skips only that one."""
    for review in reviews:
        try:
            with transaction.atomic():
                step(review)
        except Conflict as error:  # a person or another sweep acted first
            report.conflicts.append(f"{review.institution.short_name}: {error}")


def close_challenge_windows(report: SweepReport) -> None:
    def close(review: Review) -> None:
        # The thresholds in force when the Bureau receives the case decide it.
        recommendation = review.recommendation
        recommendation.referral_min_objectors = rulebook.threshold(RuleKey.REFERRAL_MIN_OBJECTORS)
        recommendation.referral_min_regions = rulebook.threshold(RuleKey.REFERRAL_MIN_REGIONS)
        recommendation.save(update_fields=["referral_min_objectors", "referral_min_regions"])
        closed = _due(review, RuleKey.CHALLENGE_WINDOW)
        transition(
            review,
            to=ReviewState.BUREAU,
            by=None,
            reason=_("Challenge window closed on %(day)s.") % {"day": closed},
        )
        tell_bureau_window_open(review)
        report.did(
            f"{review.institution.short_name}: challenge window closed on {closed}; "
            f"the recommendation is before the Bureau"
        )

    _each(report, _waiting(ReviewState.NOTIFIED, RuleKey.CHALLENGE_WINDOW, report.as_of), close)


def apply_bureau_rule(report: SweepReport) -> None:
    def decide(review: Review) -> None:
        # A vote in flight holds the row: wait for it, so that it is counted, and
        # make a vote arriving after this point find the case decided (see cast_vote).
        lock_review(review)
        if review.state != ReviewState.BUREAU:
            return  # decided meanwhile
        closed = _due(review, RuleKey.BUREAU_WINDOW)
        count = tally(review, until=closed)
        if count.refers:
            why = _("%(n)s Bureau members from %(r)s regions objected by %(day)s.") % {
                "n": count.objectors,
                "r": len(count.regions),
                "day": closed,
            }
            transition(review, to=ReviewState.REFERRED, by=None, reason=why)
            tell_referred(review, count)
            report.did(f"{review.institution.short_name}: referred to a Bureau meeting ({why})")
            return
        decision = deem_adopted(review=review, decided_on=closed)
        tell_adopted(review, count)
        assert decision.status_record is not None
        report.did(
            f"{review.institution.short_name}: deemed adopted on {closed} "
            f"({decision.get_outcome_display()}, effective "
            f"{decision.status_record.effective_on})"
        )

    _each(report, _waiting(ReviewState.BUREAU, RuleKey.BUREAU_WINDOW, report.as_of), decide)


def note_effective_decisions(report: SweepReport) -> None:
    waiting = Decision.objects.filter(
        took_effect_on__isnull=True, status_record__effective_on__lte=report.as_of
    ).select_related("review__institution", "status_record")
    for decision in waiting:
        assert decision.status_record is not None
        effective = decision.status_record.effective_on
        updated = Decision.objects.filter(pk=decision.pk, took_effect_on__isnull=True).update(
            took_effect_on=effective
        )
        if updated:
            report.did(
                f"{decision.review.institution.short_name}: "
                f"{decision.get_outcome_display()} in effect since {effective}"
            )


def lapse_overdue(report: SweepReport) -> None:
    def lapse(review: Review) -> None:
        due = _due(review, RuleKey.LAPSE_AFTER_DEFERRAL)
        why = _("What re-accreditation needs was not provided by %(day)s.") % {"day": due}
        transition(review, to=ReviewState.LAPSED, by=None, reason=why)
        if status_on(review.institution_id, due).is_accredited:
            record_decision(
                institution=review.institution,
                event=StatusEvent.LAPSE,
                decided_on=due,
                basis=KIND_BASIS[review.kind],
                reference=_("Statute art. 20"),
                review_ref=review.pk,
                by=None,
            )
        report.did(f"{review.institution.short_name}: accreditation lapsed on {due}")

    for state in (ReviewState.INVITED, ReviewState.DOSSIER):
        _each(report, _waiting(state, RuleKey.LAPSE_AFTER_DEFERRAL, report.as_of), lapse)


STEPS = (
    close_challenge_windows,
    apply_bureau_rule,
    note_effective_decisions,
    lapse_overdue,
    send_reminders,
)


def process_deadlines(*, as_of: dt.date | None = None) -> SweepReport:
    """Apply every rule whose day has come by ``as_of`` (today by default)."""
    day = as_of or clock.today()
    report = SweepReport(as_of=day)
    with clock.as_of(day):
        for step in STEPS:
            step(report)
    return report
