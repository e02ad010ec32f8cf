"""Conflicts of interest: an institution's objection to an SCA member, the Bureau's
ruling on it, and recusals declared by a member or recorded by the secretariat.

Who sits on a case follows from the rows written here (see
:func:`reviews.permissions.seats_on_case`): a recused seat stops seeing the case and
its region's alternate starts to. Nothing here writes to a recused member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.rulebook import Deadline, RuleKey
from institutions.enums import Body, SeatRole
from institutions.models import Seat
from institutions.permissions import is_focal_point_of, is_secretariat, require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import CLOSED_STATES, ObjectionRuling, RecusalReason
from reviews.models import MemberObjection, Recusal, Review, Session
from reviews.permissions import declarable_seats, seats_on_case
from reviews.services.outbox import queue_mail, secretariat_addresses

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REASONS_MAX_CHARS = 5_000


def session_deadline(session: Session, key: str) -> Deadline:
    """The session's deadline ``key`` as it was set; from the rulebook if never set."""
    row = session.deadlines.filter(rule_key=key).first()
    if row is not None:
        return row.as_deadline()
    return rulebook.compute(key, anchor_on=session.starts_on, anchor_label=_("session opens"))


def objection_cutoff(session: Session) -> Deadline:
    return session_deadline(session, RuleKey.MEMBER_OBJECTION_CUTOFF)


def ruling_deadline(session: Session) -> Deadline:
    return session_deadline(session, RuleKey.MEMBER_OBJECTION_RULING)


def objectable_seats(review: Review) -> list[Seat]:
    """The SCA seats sitting in the review's session that the institution may object to:
    all but its own (which never takes part in its review)."""
    return [
        seat
        for seat in review.session.seats.filter(body=Body.SCA)
        .select_related("institution", "region")
        .prefetch_related("people")
        .order_by("region__code", "role", "institution__name")
        if seat.institution_id != review.institution_id
    ]


def _clean_text(text: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(missing)
    if len(text) > REASONS_MAX_CHARS:
        raise DomainError(
            _("Keep it to %(limit)d characters; it has %(count)d.")
            % {"limit": REASONS_MAX_CHARS, "count": len(text)}
        )
    return text


def _focal_point_addresses(review: Review) -> list[str]:
    memberships = review.institution.memberships.select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email})


@transaction.atomic
def lodge_objection(*, review: Review, seat: Seat, reasons: str, by: User) -> MemberObjection:
    """The institution objects to an SCA seat taking part in its review.

    Effects: the objection (awaiting the Bureau's ruling) with its history row; a mail
    to the secretariat. The member objected to is not told.
    """
    if not (is_focal_point_of(by, review.institution) or is_secretariat(by)):
        raise NotPermitted(_("Only the institution's focal points may object to an SCA member."))
    if review.state in CLOSED_STATES:
        raise DomainError(_("This review is closed; there is nothing left to object to."))
    cutoff = objection_cutoff(review.session)
    today = clock.today()
    if today > cutoff.due_on:
        raise DomainError(
            _("Objections to SCA members closed on %(day)s.") % {"day": cutoff.due_on.isoformat()}
        )
    if seat not in objectable_seats(review):
        raise DomainError(_("Choose a seat of the SCA sitting at this session."))
    reasons = _clean_text(reasons, _("Give the reasons for the objection."))
    if MemberObjection.objects.filter(review=review, seat=seat).exists():
        raise DomainError(_("The institution has already objected to this member."))
    try:
        with transaction.atomic():
            objection = MemberObjection.objects.create(
                review=review,
                seat=seat,
                reasons=reasons,
                lodged_by=by,
                lodged_on=today,
                lodged_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(_("Someone else lodged this objection first.")) from None
    queue_mail(
        review,
        secretariat_addresses(),
        "reviews/conflicts/emails/objection_lodged",
        "en",
        {"review": review, "objection": objection, "ruling_due": ruling_deadline(review.session)},
    )
    return objection


@transaction.atomic
def rule_on_objection(
    *, objection: MemberObjection, upheld: bool, ruled_on: dt.date, reasons: str, by: User
) -> MemberObjection:
    """The secretariat records the Bureau's ruling on an objection, once.

    Effects: the ruling on the objection (history row); when upheld, the seat's recusal
    from the case, so that its region's alternate sits instead; a mail to the
    institution's focal points.
    """
    require_secretariat(by)
    # Of two secretaries recording at once, the second waits, then finds it recorded.
    objection = MemberObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.ruling != ObjectionRuling.PENDING:
        raise DomainError(_("The Bureau's ruling on this objection is already recorded."))
    if ruled_on > clock.today():
        raise DomainError(_("The ruling cannot be dated in the future."))
    if ruled_on < objection.lodged_on:
        raise DomainError(_("The ruling cannot be dated before the objection was lodged."))
    reasons = _clean_text(reasons, _("Give the Bureau's reasons."))
    objection.ruling = ObjectionRuling.UPHELD if upheld else ObjectionRuling.REJECTED
    objection.ruled_on, objection.ruling_reasons = ruled_on, reasons
    objection.ruling_recorded_by = by
    objection.save()
    review = objection.review
    if upheld and not Recusal.objects.filter(review=review, seat=objection.seat).exists():
        Recusal.objects.create(
            review=review,
            seat=objection.seat,
            reason=RecusalReason.OBJECTION_UPHELD,
            objection=objection,
            recorded_by=by,
            recorded_at=clock.now(),
        )
    queue_mail(
        review,
        _focal_point_addresses(review),
        "reviews/conflicts/emails/objection_ruled",
        review.institution.working_language,
        {"review": review, "objection": objection},
    )
    return objection


@transaction.atomic
def declare_recusal(*, review: Review, seat: Seat, note: str, by: User) -> Recusal:
    """A seat stops taking part in a case: declared by a person sitting for it, or
    recorded by the secretariat.

    Effects: the recusal, so that the seat no longer sees the case and its region's
    alternate sits instead; when a member declares it, a mail to the secretariat.
    """
    declared_by_member = seat in declarable_seats(by, review)
    if not (is_secretariat(by) or declared_by_member):
        raise NotPermitted(
            _("Only the secretariat, or a member sitting on the case, may record a recusal.")
        )
    if seat.body != Body.SCA or not review.session.seats.filter(pk=seat.pk).exists():
        raise DomainError(_("Choose a seat of the SCA sitting at this session."))
    if seat.institution_id == review.institution_id:
        raise DomainError(
            _("This seat sits for the institution under review: it never takes part.")
        )
    note = _clean_text(note, _("Say what the conflict of interest is."))
    if Recusal.objects.filter(review=review, seat=seat).exists():
        raise DomainError(_("This seat is already recused from the case."))
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(
                review=review,
                seat=seat,
                reason=RecusalReason.DECLARED,
                note=note,
                recorded_by=by,
                recorded_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(_("This recusal was recorded a moment ago.")) from None
    if declared_by_member and not is_secretariat(by):
        queue_mail(
            review,
            secretariat_addresses(),
            "reviews/conflicts/emails/recusal_declared",
            "en",
            {"review": review, "recusal": recusal},
        )
    return recusal


@dataclass(frozen=True)
class Sitting:
    """One SCA seat of the session, as it stands towards one case."""

    seat: Seat
    sits: bool
    why: str


def seating(review: Review) -> list[Sitting]:
    """Every SCA seat sitting in the review's session, by region, and whether it takes
    part in this case and why (for the secretariat)."""
    seats = list(
        review.session.seats.filter(body=Body.SCA)
        .select_related("institution", "region")
        .prefetch_related("people")
        .order_by("region__code", "role", "institution__name")
    )
    sitting = {seat.pk for seat in seats_on_case(review)}
    recusals = {r.seat_id: r for r in Recusal.objects.filter(review=review)}
    rows = []
    for seat in seats:
        if seat.institution_id == review.institution_id:
            why = _("Sits for the institution under review: never takes part.")
        elif seat.pk in recusals:
            why = str(recusals[seat.pk].get_reason_display())
        elif seat.role == SeatRole.ALTERNATE:
            why = (
                _("Stands in for the region's member, who does not take part.")
                if seat.pk in sitting
                else _("Alternate: not needed, the region's member takes part.")
            )
        else:
            why = _("Takes part.")
        rows.append(Sitting(seat=seat, sits=seat.pk in sitting, why=why))
    return rows
