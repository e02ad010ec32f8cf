"""Opening reviews: invitations, special reviews, follow-ups after a deferral."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.status import status_on
from institutions.models import Institution
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import CLOSED_STATES, ReviewKind, ReviewState
from reviews.models import Review, ReviewDeadline, ReviewEvent, Session
from reviews.services.outbox import queue_event_mail

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def open_review_of(institution: Institution) -> Review | None:
    return institution.reviews.exclude(state__in=CLOSED_STATES).first()


@transaction.atomic
def invite(
    *,
    institution: Institution,
    session: Session,
    kind: ReviewKind,
    by: User | None,
    continues: Review | None = None,
    opened_at: Session | None = None,
    reason: str = "",
) -> Review:
    """Open a review of ``institution`` for ``session``.

    Effects: the review (invited), its dossier deadline copied from the session,
    the first history row, and the invitation mail after commit.
    """
    require_secretariat(by)
    # Lock the institution so two invitations at once cannot both pass the check.
    Institution.objects.select_for_update().filter(pk=institution.pk).first()
    current = open_review_of(institution)
    if current is not None:
        raise DomainError(
            _("%(institution)s already has an open review (%(review)s).")
            % {"institution": institution.short_name, "review": current}
        )
    today = clock.today()
    if kind == ReviewKind.INITIAL and status_on(institution.pk, today).is_accredited:
        raise DomainError(_("An accredited institution is re-accredited, not accredited anew."))
    if session.ends_on < today:
        raise DomainError(_("This session is already over; choose a later one."))
    now = clock.now()
    review = Review.objects.create(
        institution=institution,
        session=session,
        kind=kind,
        continues=continues,
        opened_at=opened_at,
        created_at=now,
        state_changed_at=now,
    )
    due = session.deadlines.filter(rule_key=rulebook.RuleKey.DOSSIER_DUE).first()
    if due is not None:
        fields = due.as_deadline().as_fields()
        ReviewDeadline.objects.create(review=review, set_at=now, **fields)
    event = ReviewEvent.objects.create(
        review=review, at=now, by=by, from_state="", to_state=ReviewState.INVITED, reason=reason
    )
    queue_event_mail(event)
    return review


def open_special_review(
    *,
    institution: Institution,
    session: Session,
    opened_at: Session | None,
    reason: str,
    by: User | None,
) -> Review:
    """The SCA opens a special review (art. 16.2) to be taken up at ``session``.

    Effects: as :func:`invite`. Not a recommendation: it cannot be challenged.
    """
    if not reason.strip():
        raise DomainError(_("Say why the special review is opened."))
    return invite(
        institution=institution,
        session=session,
        kind=ReviewKind.SPECIAL_REVIEW,
        opened_at=opened_at,
        reason=reason,
        by=by,
    )
