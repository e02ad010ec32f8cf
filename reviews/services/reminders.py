"""Reminders before and after deadlines: a step of the deadline sweep.

Before a deadline (``settings.NHRI_REMINDER_DAYS_BEFORE``, by default 7 and 1 days)
those who must act are reminded; after it (``NHRI_REMINDER_DAYS_AFTER``, by default 1
day) the institution is reminded of what it still owes, with a copy to the
secretariat. A sweep sends only the nearest reminder of a deadline, so one that missed
days sends one mail, and never the 7-day reminder after the 1-day one. Each reminder
has a key and goes once per address: the outbox writes no second row for the same key
and address.

Everything due on a day is read first with a fixed number of queries
(:func:`due_reminders`); only the mails still to write cost more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from accreditation.rulebook import RuleKey
from institutions.enums import Body
from institutions.models import Seat
from reviews.agenda import agenda_of
from reviews.enums import CLOSED_STATES, ReviewState, ScreeningResult
from reviews.models import (
    BureauVote,
    Challenge,
    IssueSummary,
    MailKind,
    OutgoingMessage,
    Review,
    ReviewDeadline,
    Screening,
    Session,
)
from reviews.permissions import DRAFT_STATES, sitting_reviews
from reviews.services.letters import site_url
from reviews.services.outbox import queue_mail, secretariat_addresses

if TYPE_CHECKING:
    from reviews.services.sweep import SweepReport

M = TypeVar("M", bound=Model)

TEMPLATES = "emails/reminders"
# Rule names for deadlines that are not rules of the rulebook.
RETURN_DUE = "returned-items-due"
SESSION_OPENS = "session-opens"
# What each reminder is about, for the sweep's report.
LABELS = {
    "dossier": "dossier due on {day}",
    "answers": "answers to the summary of issues due on {day}",
    "return": "returned items due on {day}",
    "challenge": "challenge window closing on {day}",
    "session": "session opening on {day}",
    "bureau": "objection window closing on {day}",
}


@dataclass(frozen=True)
class Batch:
    """One reminder to some addresses, in one language."""

    key: str
    recipients: list[str]
    template: str
    language: str
    context: dict[str, object]
    line: str
    review: Review | None = None
    session: Session | None = None


@dataclass(frozen=True)
class Offsets:
    before: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def horizon(self) -> int:
        """How far ahead a deadline can be and still be reminded of."""
        return max(self.before, default=-1)


def offsets() -> Offsets:
    return Offsets(
        before=tuple(settings.NHRI_REMINDER_DAYS_BEFORE),
        after=tuple(settings.NHRI_REMINDER_DAYS_AFTER),
    )


def reminder_due(
    *, due_on: dt.date, today: dt.date, before: Sequence[int], after: Sequence[int] = ()
) -> str:
    """Which reminder of a deadline on ``due_on`` is due ``today``: "-k" for the
    smallest k of ``before`` that ``today`` has reached (up to the day itself), "+k" for
    the largest k of ``after`` by which the day has passed, "" for none."""
    if today <= due_on:
        reached = [k for k in before if today >= due_on - dt.timedelta(days=k)]
        return f"-{min(reached)}" if reached else ""
    passed = [k for k in after if today >= due_on + dt.timedelta(days=k)]
    return f"+{max(passed)}" if passed else ""


def _key(what: str, pk: int, rule: str, sign: str) -> str:
    return f"reminder:{what}:{pk}:{rule}:{sign}"


def _line(name: str, what: str, due_on: dt.date, sign: str, audience: str) -> str:
    return f"{name}: {LABELS[what].format(day=due_on)}, reminder at {sign} days to {audience}"


def _focal_points(review: Review) -> list[str]:
    """Read from the prefetched memberships of the review's institution."""
    return sorted({m.user.email for m in review.institution.memberships.all() if m.user.email})


def _known_on(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


class _Duties:
    """The institution's duties due today: the dossier, the answers to the summary of
    issues, the items of a returned dossier. Before the deadline its focal points are
    reminded; after it, while still undone, with a copy to the secretariat."""

    def __init__(self, today: dt.date, rules: Offsets, secretariat: Callable[[], list[str]]):
        self.today, self.rules, self.secretariat = today, rules, secretariat
        self.batches: list[Batch] = []

    def add(
        self,
        *,
        what: str,
        pk: int,
        rule: str,
        review: Review,
        due_on: dt.date,
        known_on: dt.date | None,
        page: str,
        extra: dict[str, object] | None = None,
    ) -> None:
        if known_on is not None and due_on < known_on:
            return  # already past when the portal learnt of it
        sign = reminder_due(
            due_on=due_on, today=self.today, before=self.rules.before, after=self.rules.after
        )
        if not sign:
            return
        key, overdue = _key(what, pk, rule, sign), sign.startswith("+")
        name = review.institution.short_name
        context = {
            "review": review,
            "institution": review.institution,
            "due_on": due_on,
            "overdue": overdue,
            "what": what,
            "link": site_url(reverse(f"reviews:{page}", args=[review.pk])),
            **(extra or {}),
        }
        self.batches.append(
            Batch(key, _focal_points(review), f"{TEMPLATES}/{what}",
                  review.institution.working_language, context,
                  _line(name, what, due_on, sign, "the focal points"), review=review)
        )  # fmt: skip
        if overdue:
            self.batches.append(
                Batch(key, self.secretariat(), f"{TEMPLATES}/overdue_secretariat", "en", context,
                      _line(name, what, due_on, sign, "the secretariat"), review=review)
            )  # fmt: skip


def _institution_reviews(queryset: QuerySet[M]) -> QuerySet[M]:
    """Load what an institution's reminder reads: its name, language and focal points."""
    return queryset.select_related("review__institution", "review__session").prefetch_related(
        "review__institution__memberships__user"
    )


def _institution_duties(duties: _Duties) -> None:
    latest = duties.today + dt.timedelta(days=duties.rules.horizon)
    open_return = Screening.objects.filter(
        review=OuterRef("review"), result=ScreeningResult.RETURNED, closed_at__isnull=True
    )
    # A dossier sent back as incomplete was in on time: only the return is due.
    dossiers = ReviewDeadline.objects.filter(
        rule_key=RuleKey.DOSSIER_DUE, review__state__in=DRAFT_STATES, due_on__lte=latest
    ).filter(~Exists(open_return))
    for deadline in _institution_reviews(dossiers).order_by("due_on", "pk"):
        duties.add(what="dossier", pk=deadline.review_id, rule=RuleKey.DOSSIER_DUE,
                   review=deadline.review, due_on=deadline.due_on,
                   known_on=_known_on(deadline.set_at), page="dossier")  # fmt: skip
    summaries = IssueSummary.objects.filter(
        review__state=ReviewState.SUMMARY_SHARED,
        shared_at__isnull=False,
        answers_sent_at__isnull=True,
        answers_due_on__lte=latest,
    )
    for summary in _institution_reviews(summaries).order_by("answers_due_on", "pk"):
        assert summary.answers_due_on is not None
        duties.add(what="answers", pk=summary.review_id, rule=RuleKey.SUMMARY_RESPONSE_DUE,
                   review=summary.review, due_on=summary.answers_due_on,
                   known_on=_known_on(summary.shared_at), page="summary")  # fmt: skip
    returns = Screening.objects.filter(
        result=ScreeningResult.RETURNED,
        closed_at__isnull=True,
        review__state=ReviewState.DOSSIER,
        due_on__lte=latest,
    )
    for screening in _institution_reviews(returns).prefetch_related("items").order_by("pk"):
        assert screening.due_on is not None
        duties.add(what="return", pk=screening.pk, rule=RETURN_DUE, review=screening.review,
                   due_on=screening.due_on, known_on=_known_on(screening.screened_at),
                   page="dossier", extra={"items": list(screening.items.all())})  # fmt: skip


def _closing_soon(
    rule: str, state: ReviewState, today: dt.date, rules: Offsets
) -> QuerySet[ReviewDeadline]:
    """The deadlines ``rule`` of reviews in ``state`` that a before-reminder may be due for."""
    latest = today + dt.timedelta(days=rules.horizon)
    return ReviewDeadline.objects.filter(
        rule_key=rule, review__state=state, due_on__gte=today, due_on__lte=latest
    )


def _challenge_windows(today: dt.date, rules: Offsets) -> list[Batch]:
    """The institution may challenge until the window closes: a right, not a duty, so
    it is reminded before the close only, and only while it has not challenged."""
    windows = _closing_soon(RuleKey.CHALLENGE_WINDOW, ReviewState.NOTIFIED, today, rules).filter(
        ~Exists(Challenge.objects.filter(review=OuterRef("review")))
    )
    batches = []
    for window in _institution_reviews(windows).order_by("due_on", "pk"):
        sign = reminder_due(due_on=window.due_on, today=today, before=rules.before)
        if not sign or window.due_on < timezone.localdate(window.set_at):
            continue
        review = window.review
        context = {
            "review": review,
            "institution": review.institution,
            "due_on": window.due_on,
            "link": site_url(reverse("reviews:challenge", args=[review.pk])),
        }
        batches.append(
            Batch(_key("challenge", review.pk, RuleKey.CHALLENGE_WINDOW, sign),
                  _focal_points(review), f"{TEMPLATES}/challenge",
                  review.institution.working_language, context,
                  _line(review.institution.short_name, "challenge", window.due_on, sign,
                        "the focal points"), review=review)
        )  # fmt: skip
    return batches


def _bureau_windows(today: dt.date, rules: Offsets) -> list[Batch]:
    """Before the Bureau's objection window closes: the people of every active Bureau
    seat that has not voted, except the seats of the review's own institution."""
    windows = list(
        _closing_soon(RuleKey.BUREAU_WINDOW, ReviewState.BUREAU, today, rules)
        .select_related(
            "review__institution", "review__session", "review__recommendation", "review__challenge"
        )
        .order_by("due_on", "pk")
    )
    if not windows:
        return []
    seats = list(Seat.objects.active_on(today).filter(body=Body.BUREAU).prefetch_related("people"))
    voted = set(
        BureauVote.objects.filter(
            recommendation__review__in=[w.review_id for w in windows]
        ).values_list("recommendation__review_id", "seat_id")
    )
    batches = []
    for window in windows:
        sign = reminder_due(due_on=window.due_on, today=today, before=rules.before)
        if not sign or window.due_on < timezone.localdate(window.set_at):
            continue
        review = window.review
        recipients = sorted(
            {
                person.email
                for seat in seats
                if seat.institution_id != review.institution_id
                and (review.pk, seat.pk) not in voted
                for person in seat.people.all()
                if person.is_active and person.email
            }
        )
        if not recipients:
            continue
        context = {
            "review": review,
            "institution": review.institution,
            "recommendation": review.recommendation,
            "challenged": hasattr(review, "challenge"),
            "due_on": window.due_on,
            "link": site_url(reverse("reviews:bureau_case", args=[review.pk])),
        }
        batches.append(
            Batch(_key("bureau", review.pk, RuleKey.BUREAU_WINDOW, sign), recipients,
                  f"{TEMPLATES}/bureau", "en", context,
                  _line(review.institution.short_name, "bureau", window.due_on, sign,
                        "the Bureau members who have not voted"), review=review)
        )  # fmt: skip
    return batches


def _sessions(today: dt.date, rules: Offsets) -> list[Batch]:
    """Before a session opens: each SCA member sitting in it, with the cases they sit
    on (never one they are recused from); a member who sits on none gets nothing."""
    latest = today + dt.timedelta(days=rules.horizon)
    sessions = Session.objects.filter(starts_on__gte=today, starts_on__lte=latest)
    batches = []
    for session in sessions.order_by("starts_on", "pk"):
        sign = reminder_due(due_on=session.starts_on, today=today, before=rules.before)
        if not sign:
            continue
        people = (
            get_user_model()
            .objects.filter(seats__sessions=session, seats__body=Body.SCA, is_active=True)
            .exclude(email="")
            .distinct()
            .order_by("email")
        )
        for person in people:
            cases = list(
                agenda_of(session, sitting_reviews(person).exclude(state__in=CLOSED_STATES))
            )
            if not cases:
                continue
            context = {
                "session": session,
                "cases": cases,
                "due_on": session.starts_on,
                "link": site_url(reverse("reviews:room", args=[session.pk])),
            }
            batches.append(
                Batch(_key("session", session.pk, SESSION_OPENS, sign), [person.email],
                      f"{TEMPLATES}/session", "en", context,
                      _line(session.name, "session", session.starts_on, sign,
                            "an SCA member sitting in it"), session=session)
            )  # fmt: skip
    return batches


def due_reminders(as_of: dt.date) -> list[Batch]:
    """Every reminder due on ``as_of``, with all its addresses (some may have had it
    already). Reads only; its queries do not grow with the number of reviews."""
    rules = offsets()
    found: list[str] | None = None

    def secretariat() -> list[str]:
        nonlocal found
        if found is None:
            found = secretariat_addresses()
        return found

    duties = _Duties(as_of, rules, secretariat)
    _institution_duties(duties)
    return [
        *duties.batches,
        *_challenge_windows(as_of, rules),
        *_bureau_windows(as_of, rules),
        *_sessions(as_of, rules),
    ]


def _already_sent(batches: Iterable[Batch]) -> set[tuple[str, str]]:
    keys = {batch.key for batch in batches}
    return set(OutgoingMessage.objects.filter(key__in=keys).values_list("key", "to"))


def send_reminders(report: SweepReport) -> None:
    """Send the reminders due on the sweep's day (see :func:`due_reminders`).

    Effects: one reminder mail (kind REMINDER) per address and reminder, queued and
    sent after commit, never twice; a line in the report per reminder written.
    """
    batches = due_reminders(report.as_of)
    sent = _already_sent(batches)
    for batch in batches:
        recipients = [to for to in batch.recipients if (batch.key, to) not in sent]
        if not recipients:
            continue
        with transaction.atomic():
            messages = queue_mail(batch.review, recipients, batch.template, batch.language,
                                  batch.context, kind=MailKind.REMINDER, key=batch.key,
                                  session=batch.session)  # fmt: skip
        if messages:
            report.did(f"{batch.line} ({len(messages)} mail(s))")
