"""The secretariat's screening of a submitted dossier: complete, or returned to the
institution with what is missing.

A returned dossier reopens for the returned parts only (see
``reviews.permissions.editable_parts``) until the institution submits it again, which
closes the return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import DocumentSlot, ReviewState, ScreeningResult, Theme
from reviews.models import Dossier, ReturnedItem, Review, Screening
from reviews.permissions import COMPLAINTS_QUESTION
from reviews.services.outbox import queue_mail
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A dossier is screened once submitted, and again while the secretariat works on it.
SCREENED_STATES = (ReviewState.SUBMITTED, ReviewState.SCREENING)
# A document slot, a theme of the statement, or COMPLAINTS_QUESTION.
Part = DocumentSlot | Theme | str


def part_of(value: str) -> Part:
    """The part of the dossier ``value`` names; refused when it names none."""
    if value in DocumentSlot.values:
        return DocumentSlot(value)
    if value in Theme.values:
        return Theme(value)
    if value == COMPLAINTS_QUESTION:
        return COMPLAINTS_QUESTION
    raise DomainError(_("“%(part)s” is not a part of the dossier.") % {"part": value})


def part_label(part: Part) -> str:
    if isinstance(part, DocumentSlot | Theme):
        return str(part.label)
    return str(_("Whether the institution handles complaints"))


def item_part(item: ReturnedItem) -> Part:
    if item.slot:
        return DocumentSlot(item.slot)
    if item.theme:
        return Theme(item.theme)
    return COMPLAINTS_QUESTION


def parts_in_order() -> list[Part]:
    """Every part a return may name, in the order of the task list."""
    return [COMPLAINTS_QUESTION, *Theme, *DocumentSlot]


def open_return(review: Review) -> Screening | None:
    """The return the institution has not yet answered by submitting again, if any."""
    return (
        review.screenings.filter(result=ScreeningResult.RETURNED, closed_at__isnull=True)
        .select_related("screened_by")
        .prefetch_related("items")
        .order_by("-screened_at", "-pk")
        .first()
    )


def close_return(review: Review) -> int:
    """The institution has sent the dossier back: its open return is closed."""
    return Screening.objects.filter(
        review=review, result=ScreeningResult.RETURNED, closed_at__isnull=True
    ).update(closed_at=clock.now())


def found_complete(review: Review) -> Screening | None:
    """The screening that found the dossier complete since it was last submitted."""
    done = review.screenings.filter(result=ScreeningResult.COMPLETE)
    submitted_at = Dossier.objects.filter(review=review).values_list("submitted_at", flat=True)
    since = submitted_at.first()
    if since is not None:
        done = done.filter(screened_at__gte=since)
    return done.select_related("screened_by").order_by("-screened_at", "-pk").first()


def _require_screener(by: User) -> None:
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat screens a submitted dossier."))


def _require_screenable(review: Review) -> None:
    """Read the state under a lock: of two screenings posted at once, the second sees
    what the first did."""
    state = Review.objects.select_for_update().values_list("state", flat=True).get(pk=review.pk)
    if state != review.state:
        raise Conflict(
            _("Someone else changed this review first: it is now “%(state)s”.")
            % {"state": ReviewState(state).label}
        )
    if state not in SCREENED_STATES:
        raise DomainError(
            _("The dossier is screened once it is submitted; this review is “%(state)s”.")
            % {"state": ReviewState(state).label}
        )


def _focal_point_addresses(review: Review) -> list[str]:
    memberships = review.institution.memberships.select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email})


@transaction.atomic
def mark_complete(*, review: Review, by: User, note: str = "") -> Screening:
    """The secretariat finds the submitted dossier complete.

    Effects: a "complete" screening row; a submitted review moves to "under secretariat
    review" (history row); the institution's acknowledgement written to the outbox, in
    its working language. A dossier already found complete since it was last submitted
    is refused.
    """
    _require_screener(by)
    _require_screenable(review)
    earlier = found_complete(review)
    if earlier is not None:
        raise DomainError(
            _("This dossier was already marked complete on %(day)s.")
            % {"day": date_format(earlier.screened_at.date(), "DATE_FORMAT")}
        )
    screening = Screening.objects.create(
        review=review,
        result=ScreeningResult.COMPLETE,
        note=note.strip(),
        screened_by=by,
        screened_at=clock.now(),
    )
    if review.state == ReviewState.SUBMITTED:
        transition(review, to=ReviewState.SCREENING, by=by, reason=_("The dossier is complete."))
    queue_mail(
        review,
        _focal_point_addresses(review),
        "reviews/screening/emails/complete",
        review.institution.working_language,
        {"review": review, "screening": screening},
    )
    return screening


def _checked_items(items: Sequence[tuple[Part | str, str]]) -> list[tuple[Part, str]]:
    if not items:
        raise DomainError(_("Say what is missing: choose at least one part of the dossier."))
    checked: list[tuple[Part, str]] = []
    for value, note in items:
        part = part_of(str(value))
        if part in [seen for seen, _note in checked]:
            raise DomainError(
                _("“%(part)s” is listed twice; list each part once.") % {"part": part_label(part)}
            )
        checked.append((part, note.strip()))
    return checked


def _return_reason(items: list[tuple[Part, str]], due_on: dt.date, note: str) -> str:
    """What the history and the institution's mail say about the return."""
    lines = [_("Returned as incomplete. What is missing:")]
    for part, item_note in items:
        label = part_label(part)
        lines.append(f"- {label}: {item_note}" if item_note else f"- {label}")
    lines.append(
        _("Send these items back by %(day)s.") % {"day": date_format(due_on, "DATE_FORMAT")}
    )
    if note:
        lines.append(note)
    return "\n".join(lines)


@transaction.atomic
def return_dossier(
    *,
    review: Review,
    by: User,
    items: Sequence[tuple[Part | str, str]],
    due_on: dt.date,
    note: str = "",
) -> Screening:
    """The secretariat returns the submitted dossier as incomplete.

    ``items`` are (part, note) pairs: a document slot, a theme of the statement, or
    ``COMPLAINTS_QUESTION``. Effects: a "returned" screening row with its items and
    due date; the review back to "dossier in progress" (history row, whose reason lists
    the items and the date); the dossier no longer marked submitted, and open again for
    the returned items only; the institution mailed the reason in its working language
    (through the transition's mail).
    """
    _require_screener(by)
    checked = _checked_items(items)
    if due_on < clock.today():
        raise DomainError(_("The missing items cannot be due on a day that has passed."))
    _require_screenable(review)
    note = note.strip()
    screening = Screening.objects.create(
        review=review,
        result=ScreeningResult.RETURNED,
        note=note,
        due_on=due_on,
        screened_by=by,
        screened_at=clock.now(),
    )
    ReturnedItem.objects.bulk_create(
        ReturnedItem(
            screening=screening,
            slot=part if isinstance(part, DocumentSlot) else "",
            theme=part if isinstance(part, Theme) else "",
            note=item_note,
        )
        for part, item_note in checked
    )
    # The mail of the transition goes to the institution: write it in its language.
    with translation.override(review.institution.working_language):
        reason = _return_reason(checked, due_on, note)
    transition(review, to=ReviewState.DOSSIER, by=by, reason=reason)
    Dossier.objects.filter(review=review).update(submitted_at=None, submitted_by=None)
    return screening
