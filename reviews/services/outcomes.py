"""What the SCA produces at a session, and notifying the institution of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.models import GeneralObservation, Principle
from accreditation.rulebook import RuleKey
from institutions.permissions import is_secretariat, require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews import workflow
from reviews.enums import (
    UNCHALLENGEABLE,
    ActionVerb,
    Outcome,
    ParagraphKind,
    ReviewKind,
    ReviewState,
)
from reviews.models import Recommendation, RecommendationParagraph, Review, ReviewDeadline, Session
from reviews.permissions import may_transition
from reviews.services.cases import invite
from reviews.services.outbox import release_recommendation
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

GO_VERSION = 2018


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as the SCA writes it: what it notes, the standard that applies, and
    what it encourages, recommends or urges. ``text`` is composed from those parts when
    it is not given (older records and the demo give the text only)."""

    text: str = ""
    principles: tuple[str, ...] = ()
    observations: tuple[str, ...] = ()  # numbers in the General Observations in force
    kind: ParagraphKind = ParagraphKind.ISSUE
    notes: str = ""
    standard: str = ""
    verb: str = ""  # an ActionVerb, or empty
    request: str = ""

    def composed(self) -> str:
        if self.text:
            return self.text
        return " ".join(filter(None, self._sentences()))

    def _sentences(self) -> list[str]:
        if self.kind == ParagraphKind.COMMENDATION:
            return [_sentence(_("The SCA commends %(what)s"), self.notes)]
        asks = ""
        if self.verb and self.request:
            asks = _sentence(
                _("The SCA %(verb)s %(what)s"), self.request, verb=ActionVerb(self.verb).label
            )
        return [
            _sentence(_("The SCA notes %(what)s"), self.notes),
            self.standard.strip(),
            asks,
        ]


def _sentence(template: str, what: str, **extra: object) -> str:
    """One sentence of a paragraph, ending with a full stop; nothing when ``what`` is empty."""
    what = what.strip().rstrip(".")
    if not what:
        return ""
    return (template % {"what": what, **extra}) + "."


@dataclass(frozen=True)
class OutcomeResult:
    recommendation: Recommendation
    follow_up: Review | None = None


def _add_paragraphs(recommendation: Recommendation, paragraphs: list[Paragraph]) -> None:
    principles = {p.key: p for p in Principle.objects.all()}
    observations = {o.number: o for o in GeneralObservation.objects.filter(version=GO_VERSION)}
    for number, paragraph in enumerate(paragraphs, start=1):
        unknown = [k for k in paragraph.principles if k not in principles] + [
            n for n in paragraph.observations if n not in observations
        ]
        if unknown:
            raise DomainError(
                _("Paragraph %(number)s cites what the catalogue does not hold: %(unknown)s.")
                % {"number": number, "unknown": ", ".join(unknown)}
            )
        row = RecommendationParagraph.objects.create(
            recommendation=recommendation,
            number=number,
            kind=paragraph.kind,
            text=paragraph.composed(),
            notes=paragraph.notes,
            standard=paragraph.standard,
            verb=paragraph.verb,
            request=paragraph.request,
        )
        row.principles.set([principles[k] for k in paragraph.principles])
        row.observations.set([observations[n] for n in paragraph.observations])


@transaction.atomic
def record_outcome(
    *,
    review: Review,
    outcome: Outcome,
    agreed_on: dt.date,
    by: User | None,
    paragraphs: list[Paragraph] | None = None,
    summary: str = "",
    follow_up_session: Session | None = None,
) -> OutcomeResult:
    """Record what the SCA agreed on ``review`` at its session.

    Effects: the recommendation and its numbered paragraphs; the review becomes
    "recommended", or "deferred" / "special review opened" (decisions of the SCA
    that cannot be challenged), in which case the follow-up review is opened for
    ``follow_up_session``; history rows and mails through the transition service.
    Recorded by the secretariat or the chair sitting on the case (the workflow table);
    ``by=None`` is the system (the demo loader).
    """
    _require_may_record(by, review, outcome)
    if review.state != ReviewState.AT_SESSION:
        raise DomainError(
            _(
                "The SCA's outcome is recorded for a review considered at the session; this one "
                "is “%(state)s”."
            )
            % {"state": ReviewState(review.state).label}
        )
    if outcome in UNCHALLENGEABLE:
        if follow_up_session is None:
            raise DomainError(_("Name the session that takes the case up again."))
        if follow_up_session.starts_on <= review.session.ends_on:
            raise DomainError(_("The follow-up session must come after this one."))
    elif follow_up_session is not None:
        raise DomainError(_("Only a deferral or a special review names a follow-up session."))
    recommendation = Recommendation.objects.create(
        review=review,
        session=review.session,
        outcome=outcome,
        summary=summary,
        follow_up_session=follow_up_session,
        agreed_on=agreed_on,
        recorded_by=by,
        recorded_at=clock.now(),
    )
    _add_paragraphs(recommendation, paragraphs or [])
    follow_up = None
    if outcome == Outcome.DEFER:
        assert follow_up_session is not None
        transition(review, to=ReviewState.DEFERRED, by=by, reason=summary)
        follow_up = invite(
            institution=review.institution,
            session=follow_up_session,
            kind=ReviewKind.AFTER_DEFERRAL,
            continues=review,
            by=_opener(by),
            reason=_("Deferred from %(session)s.") % {"session": review.session},
        )
        _set_lapse_deadline(follow_up, deferred=review, deferred_on=agreed_on)
    elif outcome == Outcome.OPEN_SPECIAL_REVIEW:
        assert follow_up_session is not None
        transition(review, to=ReviewState.SPECIAL_REVIEW_OPENED, by=by, reason=summary)
        follow_up = invite(
            institution=review.institution,
            session=follow_up_session,
            kind=ReviewKind.SPECIAL_REVIEW,
            opened_at=review.session,
            by=_opener(by),
            reason=summary,
        )
    else:
        transition(review, to=ReviewState.RECOMMENDED, by=by, reason=summary)
    return OutcomeResult(recommendation=recommendation, follow_up=follow_up)


def _target_of(outcome: Outcome) -> ReviewState:
    if outcome == Outcome.DEFER:
        return ReviewState.DEFERRED
    if outcome == Outcome.OPEN_SPECIAL_REVIEW:
        return ReviewState.SPECIAL_REVIEW_OPENED
    return ReviewState.RECOMMENDED


def _require_may_record(by: User | None, review: Review, outcome: Outcome) -> None:
    """Whoever may take the review from the session to the outcome's state may record it."""
    if by is None:
        return
    step = workflow.find(ReviewState.AT_SESSION, _target_of(outcome))
    if step is None or not may_transition(by, step, review):
        raise NotPermitted(_("Only the secretariat or the chair records the SCA's outcome."))


def _opener(by: User | None) -> User | None:
    """The follow-up review follows from the recorded outcome: when the chair records it,
    the procedure (not the chair, who does not invite institutions) opens the review."""
    return by if by is not None and is_secretariat(by) else None


def _set_lapse_deadline(follow_up: Review, *, deferred: Review, deferred_on: dt.date) -> None:
    """A re-accreditation deferred for the first time starts the lapse clock (art. 20)."""
    first = deferred
    while first.continues is not None:
        first = first.continues
    if first.kind != ReviewKind.REACCREDITATION:
        return
    if first is not deferred:
        # A later deferral keeps the clock started by the first one.
        inherited = deferred.deadlines.filter(rule_key=RuleKey.LAPSE_AFTER_DEFERRAL).first()
        if inherited is not None:
            fields = inherited.as_deadline().as_fields()
            ReviewDeadline.objects.create(review=follow_up, set_at=clock.now(), **fields)
        return
    deadline = rulebook.compute(
        RuleKey.LAPSE_AFTER_DEFERRAL, anchor_on=deferred_on, anchor_label=_("first deferred")
    )
    ReviewDeadline.objects.create(review=follow_up, set_at=clock.now(), **deadline.as_fields())


@transaction.atomic
def notify(*, review: Review, by: User | None, notified_on: dt.date | None = None) -> Review:
    """Notify the institution of a recommendation; its challenge window starts that day.

    Effects: the review becomes "challenge window open"; the challenge window and
    the Bureau objection window are computed from the rulebook and kept with the
    review; a history row; the recommendation letter released to the focal points,
    ending with the challenge window's closing date and where to lodge a challenge
    (written now if it was never drafted).
    """
    require_secretariat(by)
    day = notified_on or clock.today()
    if day > clock.today():
        raise DomainError(_("The notification date cannot be in the future."))
    result = transition(review, to=ReviewState.NOTIFIED, by=by)
    if not result.changed:
        return review
    now = clock.now()
    challenge = rulebook.compute(
        RuleKey.CHALLENGE_WINDOW, anchor_on=day, anchor_label=_("notified")
    )
    opens = rulebook.compute(
        RuleKey.BUREAU_WINDOW_OPENS,
        anchor_on=challenge.due_on,
        anchor_label=_("challenge window closes"),
    )
    closes = rulebook.compute(
        RuleKey.BUREAU_WINDOW, anchor_on=opens.due_on, anchor_label=_("Bureau window opens")
    )
    for deadline in (challenge, opens, closes):
        ReviewDeadline.objects.create(review=review, set_at=now, **deadline.as_fields())
    release_recommendation(review=review, by=by, closes_on=challenge.due_on)
    return review
