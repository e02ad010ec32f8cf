"""The outbox against a real Celery worker, fed through Redis, on the PostgreSQL test
database: a worker killed while sending leaves no duplicate, and a failing mail server
leaves the mail failed with its error until the sweeper sends it once it may.

The sweeper runs in the test process with the clock moved (time-machine), as the beat
would run it that much later; the mail itself always goes through the worker.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import time_machine

from reviews.models import MessageState, OutgoingMessage
from reviews.services.sending import STUCK_AFTER
from reviews.tasks import requeue_stuck_messages, send_message

# The worker's helpers, and the fixture that puts back what the migrations made.
from tests.integration.test_celery_worker import (
    WORKER_TESTS,
    Worker,
    _leave_the_database_as_migrated,  # noqa: F401 (a fixture this module uses too)
    running_worker,
    wait_for,
)
from tests.procedure import Cast

pytestmark = WORKER_TESTS


@contextmanager
def sending_worker(tmp_path: Path, backend: str, **environment: str) -> Iterator[Worker]:
    """A worker whose mail goes through ``backend`` into ``tmp_path / "mail"``."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir(exist_ok=True)
    with running_worker(
        tmp_path,
        "nhri-outbox",
        mail_dir=mail_dir,
        environment={"EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": str(mail_dir), **environment},
    ) as worker:
        yield worker


def delivered(worker: Worker, message: OutgoingMessage) -> list[str]:
    """The mails the server received that carry ``message``'s Message-ID."""
    return [mail for mail in worker.mails() if f"Message-ID: {message.message_id}" in mail]


def the_invitation(cast: Cast) -> OutgoingMessage:
    return OutgoingMessage.objects.get(review=cast.review)


def reaches(message: OutgoingMessage, state: MessageState) -> Callable[[], OutgoingMessage | None]:
    def probe() -> OutgoingMessage | None:
        current = OutgoingMessage.objects.get(pk=message.pk)
        return current if current.state == state else None

    return probe


def sweep(at: dt.datetime) -> int:
    """The sweeper's beat task, run as if it were ``at``; what it queues goes to the worker."""
    with time_machine.travel(at, tick=False):
        return int(requeue_stuck_messages.apply().get())


def test_a_worker_killed_while_sending_leaves_no_duplicate(tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    environment = {"OUTBOX_TEST_HOLD": str(hold)}
    with sending_worker(tmp_path, "tests.mail_backends.HeldBackend", **environment) as first:
        cast = Cast()  # the invitation is queued, and the worker takes it after commit
        message = the_invitation(cast)
        wait_for("the worker to start sending", Path(f"{hold}.waiting").exists, log=first.log)
        sending = OutgoingMessage.objects.get(pk=message.pk)
        assert (sending.state, sending.attempts) == (MessageState.SENDING, 1)

        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
    assert first.process.returncode == -signal.SIGKILL
    assert first.mails() == []
    assert OutgoingMessage.objects.get(pk=message.pk).state == MessageState.SENDING

    hold.unlink()  # the server answers at once from now on
    with sending_worker(tmp_path, "tests.mail_backends.HeldBackend", **environment) as second:
        claimed_at = sending.claimed_at
        assert claimed_at is not None
        # A claim younger than STUCK_AFTER may belong to a worker still sending: left alone.
        assert sweep(claimed_at + STUCK_AFTER - dt.timedelta(minutes=1)) == 0
        assert OutgoingMessage.objects.get(pk=message.pk).state == MessageState.SENDING

        assert sweep(claimed_at + STUCK_AFTER + dt.timedelta(minutes=1)) == 1
        sent = wait_for(
            "the fresh worker to send the invitation",
            reaches(message, MessageState.SENT),
            log=second.log,
        )
        assert sent.attempts == 2
        assert sent.message_id == sending.message_id != ""
        wait_for("the mail to reach the server", lambda: delivered(second, sent), log=second.log)

        # The task of the killed worker, delivered once more, finds nothing to send.
        again = send_message.delay(message_id=message.pk)
        line = wait_for("the redelivered task", lambda: second.finished(again.id), log=second.log)
        assert line.rstrip().endswith(": False"), line
        assert sweep(claimed_at + 2 * STUCK_AFTER) == 0

        assert len(delivered(second, sent)) == 1
        assert len(second.mails()) == 1
        assert f"To: {cast.focal_point.email}" in second.mails()[0]


def test_a_failing_mail_server_leaves_the_mail_failed_until_the_sweeper_sends_it(
    tmp_path: Path,
) -> None:
    down = tmp_path / "down"
    down.touch()
    environment = {"OUTBOX_TEST_DOWN": str(down)}
    with sending_worker(tmp_path, "tests.mail_backends.FlakyBackend", **environment) as worker:
        cast = Cast()
        message = the_invitation(cast)
        failed = wait_for(
            "the worker to try the invitation",
            reaches(message, MessageState.FAILED),
            log=worker.log,
        )
        assert failed.attempts == 1
        assert failed.last_error.startswith("SMTPResponseException: (421,")
        assert "Service not available" in failed.last_error
        assert failed.next_attempt_at is not None
        assert failed.claimed_at is not None and failed.next_attempt_at > failed.claimed_at
        assert worker.mails() == []

        down.unlink()  # the server is back, but the mail waits for its time
        assert sweep(failed.next_attempt_at - dt.timedelta(seconds=30)) == 0
        assert OutgoingMessage.objects.get(pk=message.pk).state == MessageState.FAILED

        assert sweep(failed.next_attempt_at + dt.timedelta(seconds=1)) == 1
        sent = wait_for(
            "the worker to send the invitation again",
            reaches(message, MessageState.SENT),
            log=worker.log,
        )
        assert (sent.attempts, sent.last_error, sent.next_attempt_at) == (2, "", None)
        wait_for("the mail to reach the server", lambda: delivered(worker, sent), log=worker.log)

        # Sweeping again, later, sends nothing more.
        assert sweep(failed.next_attempt_at + dt.timedelta(hours=1)) == 0
        assert len(delivered(worker, sent)) == 1
        assert len(worker.mails()) == 1
