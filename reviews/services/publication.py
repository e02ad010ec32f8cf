"""Publishing a session's report: once every case of the session is final, the report
becomes public with the date from which its recommendations are final."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import CLOSED_STATES, ReviewState
from reviews.models import Review, Session

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A deferral and the opening of a special review are final when the SCA adopts them.
FINAL_WHEN_ADOPTED = (ReviewState.DEFERRED, ReviewState.SPECIAL_REVIEW_OPENED)


def _final_on(case: Review) -> dt.date | None:
    """The day ``case`` became final, if it has a recommendation (a withdrawn or lapsed
    case has none, and no part in the date)."""
    if case.state == ReviewState.DECIDED:
        return case.decision.decided_on
    if case.state in FINAL_WHEN_ADOPTED:
        return case.recommendation.agreed_on
    return None


def publishable(session: Session) -> tuple[bool, dt.date | None, list[str]]:
    """Whether the report of ``session`` may be published, the date from which its
    recommendations are final (the latest day one of its cases became final), and the
    reasons it may not be yet, naming the cases."""
    cases = list(
        Review.objects.filter(session=session)
        .select_related("institution", "decision", "recommendation")
        .order_by("institution__name", "pk")
    )
    reasons = [
        _("%(institution)s: the case is “%(state)s”, not final yet.")
        % {"institution": case.institution.name, "state": ReviewState(case.state).label}
        for case in cases
        if case.state not in CLOSED_STATES
    ]
    days = [day for day in map(_final_on, cases) if day is not None]
    if not reasons and not days:
        reasons.append(_("No case of this session has a recommendation to report."))
    if reasons:
        return False, None, reasons
    return True, max(days), []


@transaction.atomic
def publish_report(*, session: Session, by: User) -> Session:
    """Publish the report of ``session``: it becomes public, with the date from which
    its recommendations are final. Publishing it again changes nothing.

    Effects: the session's report_final_on, report_published_on (today) and
    report_published_by, with its history row.
    """
    require_secretariat(by)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.report_published_on is not None:
        return session
    ready, final_on, reasons = publishable(session)
    if not ready:
        raise DomainError(
            _("The report cannot be published yet. %(reasons)s") % {"reasons": " ".join(reasons)}
        )
    session.report_final_on = final_on
    session.report_published_on = clock.today()
    session.report_published_by = by
    session.save(update_fields=["report_final_on", "report_published_on", "report_published_by"])
    return session
