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
from reviews.models import Session, SessionDeadline
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
