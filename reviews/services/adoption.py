"""Adopting, at the end of a session, the recommendations the SCA drafted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.agenda import agenda_of
from reviews.enums import UNCHALLENGEABLE, Outcome, ReviewState
from reviews.models import RecommendationDraft, Review, Session
from reviews.permissions import adoptable_by, may_adopt, visible_reviews
from reviews.services.drafts import check_follow_up, paragraphs_of
from reviews.services.outcomes import OutcomeResult, record_outcome
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def adopted_on(session: Session, user: User) -> RecommendationDraft | None:
    """The last draft of ``session`` adopted among the cases ``user`` may know."""
    return (
        RecommendationDraft.objects.filter(review__session=session, adopted_at__isnull=False)
        .filter(review__in=visible_reviews(user))
        .order_by("-adopted_at")
        .first()
    )


def is_ready(draft: RecommendationDraft | None) -> bool:
    """Has what adoption needs: an outcome, and its session when it names one."""
    if draft is None or not draft.outcome:
        return False
    return draft.outcome not in UNCHALLENGEABLE or draft.follow_up_session_id is not None


@transaction.atomic
def adopt_session(*, session: Session, by: User) -> list[OutcomeResult]:
    """The SCA adopts, at the end of ``session``, the recommendations drafted on the
    cases before it: the chair those they sit on, the secretariat every one (so the
    secretariat adopts a case the chair is recused from).

    Effects, for each case in agenda order: taken up at the session (if it was only
    ready), its outcome recorded from the draft (the review moves on; a deferral or a
    special review opens the follow-up review), the draft marked adopted; history rows
    and mails through the transition service. All or nothing.
    """
    if not may_adopt(by, session):
        raise NotPermitted(_("Only the chair or the secretariat adopts the recommendations."))
    # Two people adopting at once: the second waits, then finds the session adopted.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    today = clock.today()
    if today < session.starts_on:
        raise DomainError(
            _("The recommendations are adopted at the session, from its first day (%(day)s).")
            % {"day": date_format(session.starts_on, "DATE_FORMAT")}
        )
    cases = list(agenda_of(session, adoptable_by(by, session).select_related("session")))
    if not cases:
        earlier = adopted_on(session, by)
        if earlier is not None:
            assert earlier.adopted_at is not None
            day = date_format(earlier.adopted_at.date(), "DATE_FORMAT")
            raise DomainError(
                _("The recommendations of %(session)s were adopted on %(day)s.")
                % {"session": session, "day": day}
            )
        raise DomainError(_("No case of this session awaits its recommendation."))
    # Locked, so that nobody changes a draft while it is being adopted.
    drafts = {
        d.review_id: d
        for d in RecommendationDraft.objects.select_for_update().filter(review__in=cases)
    }
    missing = [r.institution.short_name for r in cases if not is_ready(drafts.get(r.pk))]
    if missing:
        raise DomainError(
            _("No recommendation is ready to adopt for: %(institutions)s.")
            % {"institutions": ", ".join(missing)}
        )
    for review in cases:
        draft = drafts[review.pk]
        try:
            check_follow_up(review, draft.outcome, draft.follow_up_session)
        except DomainError as error:
            raise DomainError(
                _("%(institution)s: %(problem)s")
                % {"institution": review.institution.short_name, "problem": error}
            ) from None
    return [_adopt(review, drafts[review.pk], by=by) for review in cases]


def _adopt(review: Review, draft: RecommendationDraft, *, by: User) -> OutcomeResult:
    transition(review, to=ReviewState.AT_SESSION, by=by)
    result = record_outcome(
        review=review,
        outcome=Outcome(draft.outcome),
        agreed_on=clock.today(),
        by=by,
        paragraphs=paragraphs_of(draft),
        summary=draft.summary,
        follow_up_session=draft.follow_up_session,
    )
    draft.adopted_at = clock.now()
    draft.adopted_by = by
    draft.save(update_fields=["adopted_at", "adopted_by"])
    return result
