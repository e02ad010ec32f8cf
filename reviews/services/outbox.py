"""The mail outbox: messages become rows in the transaction that causes them; letters
wait as drafts for the secretariat, the rest are sent after commit
(reviews.services.sending)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from institutions.enums import Role
from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError
from reviews.enums import ReviewState
from reviews.models import (
    LETTER_KINDS,
    MailKind,
    MessageState,
    OutgoingMessage,
    Review,
    ReviewEvent,
    Session,
)
from reviews.permissions import visible_reviews
from reviews.services.letters import challenge_notice_context, letter_context, template_of
from reviews.services.sending import MESSAGE_ID_DOMAIN, send_after_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from institutions.permissions import AnyUser

logger = logging.getLogger(__name__)

# The changes an institution is told about by mail.
MAILED_STATES = (
    ReviewState.INVITED,
    ReviewState.SUBMITTED,
    ReviewState.REFERRED,
    ReviewState.WITHDRAWN,
    ReviewState.LAPSED,
)
# A dossier sent back to the institution is news; one it starts itself is not.
REOPENED_FROM = (ReviewState.SUBMITTED, ReviewState.SCREENING)
SUBJECT_MAX = OutgoingMessage._meta.get_field("subject").max_length or 300


# The letters the secretariat reviews and releases, by the change that writes them.
LETTER_OF_STATE = {
    ReviewState.RECOMMENDED: MailKind.RECOMMENDATION,
    ReviewState.DEFERRED: MailKind.DEFERRAL,
    ReviewState.SPECIAL_REVIEW_OPENED: MailKind.SPECIAL_REVIEW,
    ReviewState.DECIDED: MailKind.DECISION,
}


def is_mailed(event: ReviewEvent) -> bool:
    if event.to_state == ReviewState.DOSSIER:
        return event.from_state in REOPENED_FROM
    return event.to_state in MAILED_STATES


def focal_point_addresses(review: Review) -> list[str]:
    memberships = review.institution.memberships.select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email})


def queue_event_mail(event: ReviewEvent) -> list[OutgoingMessage]:
    """Write the institution's mail about ``event`` to the outbox, one row per focal
    point, in the institution's working language: a draft letter for the secretariat
    to release (recommendation, deferral, special review, decision), or a routine mail
    sent after commit. Being notified has no mail of its own: the released
    recommendation letter is the notification."""
    kind = LETTER_OF_STATE.get(ReviewState(event.to_state))
    if kind is not None:
        return draft_letter(review=event.review, kind=kind, event=event)
    if not is_mailed(event):
        return []
    review = event.review
    institution = review.institution
    context = {"event": event, "review": review, "institution": institution}
    messages = _compose(review, event, focal_point_addresses(review), "emails/review_event",
                        institution.working_language, context, kind=MailKind.EVENT)  # fmt: skip
    if event.to_state == ReviewState.SUBMITTED:
        # The secretariat works in English; the institution in its own language.
        messages += _compose(review, event, secretariat_addresses(), "emails/dossier_submitted",
                             "en", context, kind=MailKind.NOTICE)  # fmt: skip
    for message in messages:
        send_after_commit(message.pk)
    return messages


def _compose(
    review: Review | None,
    event: ReviewEvent | None,
    recipients: list[str],
    template: str,
    language: str,
    context: Mapping[str, object],
    *,
    kind: MailKind,
    state: MessageState = MessageState.QUEUED,
    key: str = "",
    session: Session | None = None,
) -> list[OutgoingMessage]:
    """Write one row per recipient who may be told; with a ``key``, skip those who
    already have a mail with that key (a reminder goes once)."""
    if review is not None:
        recipients = may_be_told(review, recipients)
    if key:
        already = set(
            OutgoingMessage.objects.filter(key=key, to__in=recipients).values_list("to", flat=True)
        )
        recipients = [to for to in recipients if to not in already]
    if not recipients:
        return []
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    now = clock.now()
    accounts = accounts_by_address(recipients)
    rows = [
        OutgoingMessage(
            review=review, session=session, event=event, kind=kind, state=state, key=key,
            recipient=accounts.get(to), to=to, subject=subject, body=body, language=language,
            message_id=make_msgid(domain=MESSAGE_ID_DOMAIN), created_at=now,
        )
        for to in recipients
    ]  # fmt: skip
    if not key:
        return OutgoingMessage.objects.bulk_create(rows)
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # written at the same moment by another sweep
            continue
        created.append(row)
    return created


def accounts_by_address(addresses: Iterable[str]) -> dict[str, Any]:
    """The active account behind each address, where there is one."""
    users = get_user_model().objects.filter(is_active=True, email__in=list(addresses))
    return {user.email: user for user in users}


def queue_mail(
    review: Review | None,
    recipients: list[str],
    template: str,
    language: str,
    context: Mapping[str, object],
    *,
    kind: MailKind = MailKind.NOTICE,
    key: str = "",
    session: Session | None = None,
) -> list[OutgoingMessage]:
    """Write a mail about ``review`` (or ``session``) from ``<template>.txt`` and its
    subject to the outbox, one row per recipient who may be told (:func:`may_be_told`),
    in ``language``; send each after commit. With a ``key``, a recipient who already
    had a mail with the same key gets nothing (a reminder goes once)."""
    messages = _compose(review, None, recipients, template, language, context,
                        kind=kind, key=key, session=session)  # fmt: skip
    for message in messages:
        send_after_commit(message.pk)
    return messages


def may_be_told(review: Review, addresses: Iterable[str]) -> list[str]:
    """The addresses that may receive mail about ``review``. Mail is a surface like any
    page: an address is dropped when an active account using it may not know the
    review exists (an SCA member recused from it, above all)."""
    addresses = list(dict.fromkeys(addresses))
    users = accounts_by_address(addresses).values()
    barred = {
        user.email for user in users if not visible_reviews(user).filter(pk=review.pk).exists()
    }
    return [address for address in addresses if address not in barred]


def secretariat_addresses() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(groups__name=Role.SECRETARIAT.value, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def draft_letter(
    *, review: Review, kind: MailKind, event: ReviewEvent | None = None
) -> list[OutgoingMessage]:
    """Write the letter of ``kind`` about ``review`` as drafts, one per focal point
    who may be told, in the institution's working language.

    Effects: draft rows the secretariat edits and releases; nothing is sent. A letter
    already written (drafted or released) is not written again.
    """
    if OutgoingMessage.objects.filter(review=review, kind=kind).exists():
        return []
    language = review.institution.working_language
    with translation.override(language):
        context = letter_context(review, kind)
    return _compose(review, event, focal_point_addresses(review), template_of(kind), language,
                    context, kind=kind, state=MessageState.DRAFT)  # fmt: skip


def letter_drafts(review: Review, kind: str) -> QuerySet[OutgoingMessage]:
    """The draft rows of one letter: one per recipient, the same subject and body."""
    return OutgoingMessage.objects.filter(review=review, kind=kind, state=MessageState.DRAFT)


@transaction.atomic
def edit_letter(*, review: Review, kind: str, subject: str, body: str, by: User) -> int:
    """The secretariat rewrites a draft letter before it goes.

    Effects: the subject and body of every draft row of the letter (every recipient
    reads the same letter), with who edited it and when. Returns the rows changed.
    """
    require_secretariat(by)
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise DomainError(_("A letter needs a subject and a body."))
    if len(subject) > SUBJECT_MAX:
        raise DomainError(
            _("Keep the subject under %(count)s characters.") % {"count": SUBJECT_MAX}
        )
    edited = letter_drafts(review, kind).update(
        subject=subject, body=body + "\n", edited_at=clock.now(), edited_by=by
    )
    if not edited:
        _refuse_missing_draft(review, kind)
    return edited


def _refuse_missing_draft(review: Review, kind: str) -> None:
    released = (
        OutgoingMessage.objects.filter(review=review, kind=kind, released_at__isnull=False)
        .order_by("released_at")
        .first()
    )
    if released is not None:
        raise Conflict(
            _(
                "This letter was released on %(day)s and can no longer be changed. Write to "
                "the institution separately if something must be corrected."
            )
            % {"day": formats.date_format(timezone.localdate(released.released_at))}
        )
    raise DomainError(_("There is no draft of this letter."))


@transaction.atomic
def release_letter(*, review: Review, kind: str, by: User | None) -> list[OutgoingMessage]:
    """The secretariat releases a draft letter: it goes to every recipient.

    Effects: the draft rows become queued (who released them, when) and are sent after
    commit; releasing again queues nothing more. Releasing the recommendation letter of
    a recommended review notifies the institution (:func:`outcomes.notify`): the
    challenge window starts today and the letter ends with its closing date. A letter
    released also has its PDF asked for (:func:`letter_templates.letter_document`),
    made by a worker after commit.
    """
    from reviews.services.letter_templates import letter_document  # → rendering → outbox
    from reviews.services.outcomes import notify  # outcomes → transitions → outbox

    require_secretariat(by)
    if kind == MailKind.RECOMMENDATION and review.state == ReviewState.RECOMMENDED:
        letters = OutgoingMessage.objects.filter(review=review, kind=kind)
        before = set(letters.exclude(state=MessageState.DRAFT).values_list("pk", flat=True))
        notify(review=review, by=by)
        released = list(letters.exclude(state=MessageState.DRAFT).exclude(pk__in=before))
    else:
        released = release_drafts(review=review, kind=kind, by=by)
    if released:
        letter_document(review=review, kind=PDF_OF_LETTER[kind], by=by)
    return released


# The PDF each released letter has: a special review is announced by the deferral letter.
PDF_OF_LETTER: dict[str, str] = {
    MailKind.RECOMMENDATION: "recommendation",
    MailKind.DEFERRAL: "deferral",
    MailKind.SPECIAL_REVIEW: "deferral",
    MailKind.DECISION: "decision",
}


def release_drafts(
    *, review: Review, kind: str, by: User | None, postscript: str = ""
) -> list[OutgoingMessage]:
    """Queue the draft rows of a letter, each claimed by a conditional update so that
    two releases queue it once; ``postscript`` is added to the end of the body."""
    now = clock.now()
    body = Concat(F("body"), Value(postscript)) if postscript else F("body")
    released = []
    for pk in letter_drafts(review, kind).values_list("pk", flat=True):
        claimed = OutgoingMessage.objects.filter(pk=pk, state=MessageState.DRAFT).update(
            state=MessageState.QUEUED, released_at=now, released_by=by, body=body
        )
        if claimed:
            released.append(pk)
            send_after_commit(pk)
    return list(OutgoingMessage.objects.filter(pk__in=released))


def release_recommendation(
    *, review: Review, by: User | None, closes_on: dt.date
) -> list[OutgoingMessage]:
    """The notification of a recommendation: its letter released, ending with the
    challenge notice (the window closes on ``closes_on``). With no draft (a
    recommendation recorded before letters were drafts), the letter is written now."""
    kind = MailKind.RECOMMENDATION
    language = review.institution.working_language
    with translation.override(language):
        notice = render_to_string(
            "emails/letters/challenge_notice.txt", challenge_notice_context(review, closes_on)
        )
    if not OutgoingMessage.objects.filter(review=review, kind=kind).exists():
        draft_letter(review=review, kind=kind)
    return release_drafts(review=review, kind=kind, by=by, postscript="\n" + notice)


@transaction.atomic
def release_session_letters(*, session: Session, by: User | None) -> list[OutgoingMessage]:
    """Release every draft letter of the reviews of ``session``, each as
    :func:`release_letter` would.

    Effects: all of them or, if one is refused, none.
    """
    require_secretariat(by)
    letters = (
        OutgoingMessage.objects.filter(
            review__session=session, state=MessageState.DRAFT, kind__in=LETTER_KINDS
        )
        .values_list("review", "kind")
        .order_by("review", "kind")
        .distinct()
    )
    reviews = Review.objects.in_bulk({review_pk for review_pk, _kind in letters})
    released = []
    for review_pk, kind in letters:
        released += release_letter(review=reviews[review_pk], kind=kind, by=by)
    return released


def mails_of(user: AnyUser) -> QuerySet[OutgoingMessage]:
    """The mails sent (or on their way) to ``user``'s account, newest first; never a
    draft, which only the secretariat reads."""
    if not user.is_authenticated:
        return OutgoingMessage.objects.none()
    return (
        OutgoingMessage.objects.filter(recipient=user)
        .exclude(state=MessageState.DRAFT)
        .order_by("-created_at", "-pk")
    )
