"""A mail transport that is down: the outside world failing, for outbox tests."""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class BusyBackend(BaseEmailBackend):
    """A server that turns the message away for now: 4xx, try again later."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (451, b"4.3.0 Mailbox temporarily unavailable") for m in email_messages}
        )


class RefusingBackend(BaseEmailBackend):
    """A server that refuses the message for good: 5xx."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 No such user") for m in email_messages}
        )


class HeldBackend(EmailBackend):
    """Writes each message to a file, like Django's file backend, but first waits for as
    long as the file named by ``OUTBOX_TEST_HOLD`` exists, having made ``<hold>.waiting``:
    a worker test kills the worker while it is in the middle of sending."""

    def send_messages(self, email_messages):
        hold = Path(os.environ["OUTBOX_TEST_HOLD"])
        Path(f"{hold}.waiting").touch()
        while hold.exists():
            time.sleep(0.05)
        return super().send_messages(email_messages)


class FlakyBackend(EmailBackend):
    """Writes each message to a file, like Django's file backend, except while the file
    named by ``OUTBOX_TEST_DOWN`` exists: then the server turns it away for now (421)."""

    def send_messages(self, email_messages):
        if Path(os.environ["OUTBOX_TEST_DOWN"]).exists():
            raise smtplib.SMTPResponseException(421, b"4.3.2 Service not available, try later")
        return super().send_messages(email_messages)
