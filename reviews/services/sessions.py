"""Sessions of the SCA and their deadlines."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from institutions.enums import Body, SeatRole
from institutions.models import Seat
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.agenda import agenda_of
from reviews.enums import ReviewState
from reviews.models import Review, ReviewDeadline, Session, SessionDeadline
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


# A region sends one member (the chair sits as its region's member) and one alternate.
MEMBER_ROLES = (SeatRole.MEMBER, SeatRole.CHAIR)

UP, DOWN = "up", "down"


@transaction.atomic
def seat_in_session(*, session: Session, seat: Seat, by: User | None) -> None:
    """Seat an SCA member for a session. Effects: the seat joins the session; the people
    it sends may read the session's cases (a guardian permission), except their own.
    Seating a seat that already sits changes nothing."""
    require_secretariat(by)
    if seat.body != Body.SCA:
        raise DomainError(_("Only SCA seats sit in a session."))
    if not seat.is_active_on(session.starts_on):
        raise DomainError(_("This seat's term does not cover the session."))
    # Two secretaries seating at once: the second sees the first one's seat.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    sitting = session.seats.filter(body=Body.SCA, region=seat.region_id)
    if sitting.filter(pk=seat.pk).exists():
        return
    _refuse_a_second_for_the_region(sitting, seat)
    session.seats.add(seat)
    for person in seat.people.all():
        assign_perm(SIT_IN_SESSION, person, session)


def _refuse_a_second_for_the_region(sitting: QuerySet[Seat], seat: Seat) -> None:
    if seat.role in MEMBER_ROLES:
        taken = sitting.filter(role__in=MEMBER_ROLES).select_related("institution").first()
        message = _(
            "%(region)s already has its member in this session: %(institution)s. "
            "Unseat it first, or seat this one as the alternate."
        )
    elif seat.role == SeatRole.ALTERNATE:
        taken = sitting.filter(role=SeatRole.ALTERNATE).select_related("institution").first()
        message = _(
            "%(region)s already has its alternate in this session: %(institution)s. "
            "Unseat it first."
        )
    else:
        return
    if taken is not None:
        values = {"region": seat.region, "institution": taken.institution.name}
        raise DomainError(message % values)


@transaction.atomic
def unseat_from_session(*, session: Session, seat: Seat, by: User | None) -> None:
    """Take a seat out of a session before it starts. Effects: the seat leaves the
    session; each person it sends loses the permission to read the session's cases,
    unless another of their seats still sits in it. Unseating a seat that does not
    sit changes nothing."""
    require_secretariat(by)
    if clock.today() >= session.starts_on:
        raise DomainError(
            _(
                "The session has started: who sits in it stays as it is, because its "
                "recommendations depend on who sat."
            )
        )
    Session.objects.select_for_update().filter(pk=session.pk).first()
    session.seats.remove(seat)
    for person in seat.people.all():
        if not session.seats.filter(people=person).exists():
            remove_perm(SIT_IN_SESSION, person, session)


@transaction.atomic
def move_on_agenda(*, review: Review, direction: str, by: User | None) -> int:
    """Move a case one place up or down its session's agenda. Effects: the whole agenda
    is numbered 1..n in its current order (``agenda_position``), then the case swaps
    places with its neighbour. Moving the first case up, or the last down, changes
    nothing. Returns the case's place on the agenda, from 1."""
    require_secretariat(by)
    if direction not in (UP, DOWN):
        raise DomainError(_("A case moves up or down the agenda."))
    session = review.session
    _refuse_once_over(session)
    # Two secretaries rearranging at once: the second numbers the agenda the first left.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    order = list(agenda_of(session).values_list("pk", flat=True))
    here = order.index(review.pk)
    there = here - 1 if direction == UP else here + 1
    if not 0 <= there < len(order):
        return here + 1
    order[here], order[there] = order[there], order[here]
    for position, pk in enumerate(order, start=1):
        Review.objects.filter(pk=pk).exclude(agenda_position=position).update(
            agenda_position=position
        )
    return there + 1


@transaction.atomic
def reset_agenda(*, session: Session, by: User | None) -> int:
    """Give the agenda back its default order (by kind, region, institution). Effects:
    every case of the session loses its ``agenda_position``. Returns how many had one."""
    require_secretariat(by)
    _refuse_once_over(session)
    return Review.objects.filter(session=session, agenda_position__isnull=False).update(
        agenda_position=None
    )


def _refuse_once_over(session: Session) -> None:
    if clock.today() > session.ends_on:
        raise DomainError(_("The session is over; its agenda stays as it was taken up."))


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
