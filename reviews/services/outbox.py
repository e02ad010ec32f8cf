"""The mail outbox: messages become rows in the transaction that causes them and
are sent by a worker after commit; a sweeper sends again what got stuck."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from email.utils import make_msgid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from institutions.enums import Role
from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import MailKind, MessageState, OutgoingMessage, Review, ReviewEvent, Session
from reviews.permissions import visible_reviews

logger = logging.getLogger(__name__)

# The changes an institution is told about by mail.
MAILED_STATES = (
    ReviewState.INVITED,
    ReviewState.SUBMITTED,
    ReviewState.NOTIFIED,
    ReviewState.DEFERRED,
    ReviewState.SPECIAL_REVIEW_OPENED,
    ReviewState.DECIDED,
    ReviewState.LAPSED,
)
# A dossier sent back to the institution is news; one it starts itself is not.
REOPENED_FROM = (ReviewState.SUBMITTED, ReviewState.SCREENING)
MAX_ATTEMPTS = 5
# A claim older than this belongs to a worker that died while sending.
STUCK_AFTER = dt.timedelta(minutes=10)
# The right-hand side of every Message-ID the portal writes.
MESSAGE_ID_DOMAIN = "nhri-portal"


def is_mailed(event: ReviewEvent) -> bool:
    if event.to_state == ReviewState.DOSSIER:
        return event.from_state in REOPENED_FROM
    return event.to_state in MAILED_STATES


def queue_event_mail(event: ReviewEvent) -> list[OutgoingMessage]:
    """Write the institution's mail about ``event`` to the outbox, one row per focal
    point, in the institution's working language; send each after commit."""
    if not is_mailed(event):
        return []
    review = event.review
    institution = review.institution
    focal_points = sorted(
        {m.user.email for m in institution.memberships.select_related("user") if m.user.email}
    )
    context = {"event": event, "review": review, "institution": institution}
    messages = _compose(review, event, focal_points, "emails/review_event",
                        institution.working_language, context, kind=MailKind.EVENT)  # fmt: skip
    if event.to_state == ReviewState.SUBMITTED:
        # The secretariat works in English; the institution in its own language.
        messages += _compose(review, event, secretariat_addresses(), "emails/dossier_submitted",
                             "en", context, kind=MailKind.NOTICE)  # fmt: skip
    for message in messages:
        _send_after_commit(message.pk)
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
        _send_after_commit(message.pk)
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


def _send_after_commit(message_id: int) -> None:
    from reviews.tasks import send_message

    transaction.on_commit(lambda: send_message.delay(message_id=message_id))


def send(message_id: int) -> bool:
    """Send one queued message. True if this call sent it.

    The claim (queued → sending) is a conditional update: of two workers, or a task
    delivered twice, only one sends. A failure is kept on the row for the sweeper.
    """
    claimed = OutgoingMessage.objects.filter(pk=message_id, state=MessageState.QUEUED).update(
        state=MessageState.SENDING, claimed_at=clock.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = OutgoingMessage.objects.get(pk=message_id)
    try:
        send_mail(message.subject, message.body, None, [message.to])
    except Exception as error:
        logger.exception("sending message %s failed", message_id)
        OutgoingMessage.objects.filter(pk=message_id).update(
            state=MessageState.FAILED, last_error=f"{type(error).__name__}: {error}"
        )
        return False
    OutgoingMessage.objects.filter(pk=message_id).update(
        state=MessageState.SENT, sent_at=clock.now(), last_error=""
    )
    return True


def requeue_stuck() -> list[int]:
    """Queue again what failed (up to the attempt limit) or was left by a dead worker."""
    stuck_before = clock.now() - STUCK_AFTER
    stuck = Q(state=MessageState.SENDING, claimed_at__lt=stuck_before) | Q(
        state=MessageState.FAILED, attempts__lt=MAX_ATTEMPTS
    )
    ids = list(OutgoingMessage.objects.filter(stuck).values_list("pk", flat=True))
    for message_id in ids:
        requeued = OutgoingMessage.objects.filter(stuck, pk=message_id).update(
            state=MessageState.QUEUED
        )
        if requeued:
            _send_after_commit(message_id)
    return ids
