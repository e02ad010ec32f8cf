"""Sessions of the SCA and their deadlines."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from institutions.enums import Body
from institutions.models import Seat
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import ReviewState
from reviews.models import ReviewDeadline, Session, SessionDeadline
from reviews.permissions import SIT_IN_SESSION

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SESSION_RULES = (
    RuleKey.DOSSIER_DUE,
    RuleKey.DELEGATION_LISTS_SENT,
    RuleKey.DELEGATION_LISTS_POSTED,
    RuleKey.MEMBER_OBJECTION_CUTOFF,
    RuleKey.MEMBER_OBJECTION_RULING,
    RuleKey.SUMMARY_SENT,
    RuleKey.SUMMARY_RESPONSE_DUE,
)

# A review takes its dossier deadline from its session while the dossier is still to come;
# once submitted, the date it was held to is history and stays.
DOSSIER_STILL_DUE = (ReviewState.INVITED, ReviewState.DOSSIER)

Change = tuple[str, dt.date, dt.date]


@transaction.atomic
def create_session(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    number: int | None = None,
    place: str = "",
    is_virtual: bool = False,
    dates_confirmed: bool = True,
    by: User | None,
) -> Session:
    """Plan a session. Effects: the session row and its deadlines from the rulebook."""
    require_secretariat(by)
    if ends_on < starts_on:
        raise DomainError(_("A session cannot end before it starts."))
    if number is not None and Session.objects.filter(number=number).exists():
        raise DomainError(_("Session %(number)s already exists.") % {"number": number})
    session = Session.objects.create(
        name=name,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        is_virtual=is_virtual,
        dates_confirmed=dates_confirmed,
    )
    now = clock.now()
    for key in SESSION_RULES:
        deadline = rulebook.compute(key, anchor_on=starts_on, anchor_label=_("session opens"))
        SessionDeadline.objects.create(session=session, set_at=now, **deadline.as_fields())
    return session


@transaction.atomic
def seat_in_session(*, session: Session, seat: Seat, by: User | None) -> None:
    """Seat an SCA member for a session. Effects: the seat joins the session; the people
    it sends may read the session's cases (a guardian permission), except their own."""
    require_secretariat(by)
    if seat.body != Body.SCA:
        raise DomainError(_("Only SCA seats sit in a session."))
    if not seat.is_active_on(session.starts_on):
        raise DomainError(_("This seat's term does not cover the session."))
    session.seats.add(seat)
    for person in seat.people.all():
        assign_perm(SIT_IN_SESSION, person, session)


@transaction.atomic
def move_session(
    *, session: Session, starts_on: dt.date, ends_on: dt.date, by: User | None
) -> list[Change]:
    """Move a session's dates. Effects: the session's dates (history row); every session
    deadline recomputed from the rulebook; the dossier deadline of each review of the
    session whose dossier is still due follows. Returns each deadline that changed:
    (label, old date, new date)."""
    require_secretariat(by)
    if ends_on < starts_on:
        raise DomainError(_("A session cannot end before it starts."))
    # Two secretaries moving the same session at once: the second waits, then wins.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    session.starts_on, session.ends_on = starts_on, ends_on
    session.save(update_fields=["starts_on", "ends_on"])
    now = clock.now()
    changes: list[Change] = []
    for key in SESSION_RULES:
        deadline = rulebook.compute(key, anchor_on=starts_on, anchor_label=_("session opens"))
        row = session.deadlines.filter(rule_key=key).first()
        if row is None:
            SessionDeadline.objects.create(session=session, set_at=now, **deadline.as_fields())
            continue
        if row.due_on != deadline.due_on:
            changes.append((deadline.label, row.due_on, deadline.due_on))
        SessionDeadline.objects.filter(pk=row.pk).update(set_at=now, **deadline.as_fields())
    changes += _move_dossier_deadlines(session, now)
    return changes


def _move_dossier_deadlines(session: Session, now: dt.datetime) -> list[Change]:
    due = session.deadlines.filter(rule_key=RuleKey.DOSSIER_DUE).first()
    if due is None:
        return []
    fields = due.as_deadline().as_fields()
    rows = ReviewDeadline.objects.filter(
        review__session=session,
        review__state__in=DOSSIER_STILL_DUE,
        rule_key=RuleKey.DOSSIER_DUE,
    )
    changes: list[Change] = []
    for row in rows.select_related("review__institution").order_by("review__institution__name"):
        if row.due_on != due.due_on:
            label = _("%(label)s: %(institution)s") % {
                "label": row.label,
                "institution": row.review.institution.short_name,
            }
            changes.append((label, row.due_on, due.due_on))
    rows.update(set_at=now, **fields)
    return changes
