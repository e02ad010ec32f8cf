"""Sending the outbox: a worker claims each queued message and sends it once; a
temporary failure is tried again later, a permanent one waits for the secretariat; a
sweeper queues again what a dead worker left half-sent."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.utils import make_msgid
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict
from reviews.models import MessageState, OutgoingMessage

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this belongs to a worker that died while sending.
STUCK_AFTER = dt.timedelta(minutes=10)
# The right-hand side of every Message-ID the portal writes.
MESSAGE_ID_DOMAIN = "nhri-portal"
# How long a temporary failure waits before the sweeper tries again, by attempt.
BACKOFF = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)


@transaction.atomic
def retry_now(*, message: OutgoingMessage, by: User) -> OutgoingMessage:
    """The secretariat sends a failed mail again, whatever the error was.

    Effects: the message queued again and sent after commit.
    """
    require_secretariat(by)
    queued = OutgoingMessage.objects.filter(pk=message.pk, state=MessageState.FAILED).update(
        state=MessageState.QUEUED, next_attempt_at=None
    )
    message.refresh_from_db()
    if not queued:
        raise Conflict(
            _("This mail is no longer failed: it is “%(state)s”.")
            % {"state": message.get_state_display()}
        )
    send_after_commit(message.pk)
    return message


def send_after_commit(message_id: int) -> None:
    from reviews.tasks import send_message

    transaction.on_commit(lambda: send_message.delay(message_id=message_id))


def send(message_id: int) -> bool:
    """Send one queued message. True if this call sent it.

    The claim (queued → sending) is a conditional update: of two workers, or a task
    delivered twice, only one sends. Every attempt carries the same Message-ID. A
    temporary failure is tried again later by the sweeper; a permanent one waits for
    the secretariat.
    """
    claimed = OutgoingMessage.objects.filter(pk=message_id, state=MessageState.QUEUED).update(
        state=MessageState.SENDING, claimed_at=clock.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = OutgoingMessage.objects.get(pk=message_id)
    if not message.message_id:
        message.message_id = make_msgid(domain=MESSAGE_ID_DOMAIN)
        OutgoingMessage.objects.filter(pk=message_id).update(message_id=message.message_id)
    email = EmailMessage(
        message.subject, message.body, to=[message.to], headers={"Message-ID": message.message_id}
    )
    try:
        email.send()
    except Exception as error:
        logger.exception("sending message %s failed", message_id)
        _fail(message, error)
        return False
    OutgoingMessage.objects.filter(pk=message_id).update(
        state=MessageState.SENT, sent_at=clock.now(), last_error="", next_attempt_at=None
    )
    return True


def _fail(message: OutgoingMessage, error: Exception) -> None:
    retry_at = None
    if is_temporary(error) and message.attempts < MAX_ATTEMPTS:
        wait = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        retry_at = clock.now() + wait
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=MessageState.FAILED,
        last_error=f"{type(error).__name__}: {error}",
        next_attempt_at=retry_at,
    )


def is_temporary(error: Exception) -> bool:
    """Whether trying again later may succeed: the server could not be reached or
    answered 4xx. A 5xx answer, a bad address or anything else is permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, ConnectionError | TimeoutError)


def requeue_stuck() -> list[int]:
    """Queue again what a dead worker left half-sent, and what failed for a temporary
    reason once its time has come (up to the attempt limit). Never a draft, never a
    permanent failure. Each row is claimed by a conditional update: two sweepers
    queue it once."""
    now = clock.now()
    stuck = Q(state=MessageState.SENDING, claimed_at__lt=now - STUCK_AFTER) | Q(
        state=MessageState.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
    )
    requeued = []
    for message_id in OutgoingMessage.objects.filter(stuck).values_list("pk", flat=True):
        if OutgoingMessage.objects.filter(stuck, pk=message_id).update(
            state=MessageState.QUEUED, next_attempt_at=None
        ):
            requeued.append(message_id)
            send_after_commit(message_id)
    return requeued
