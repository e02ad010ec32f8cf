"""A real Celery worker, fed through Redis, working on the PostgreSQL test database.

These tests run only when REDIS_URL is set and the database is PostgreSQL (as in
CI): then the test settings do not run tasks in-process, so every task the
services schedule goes through the broker to the worker started here.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection, connections

from accreditation.rulebook import RuleKey
from nhri_portal.celery import app
from reviews.enums import ReviewState
from reviews.models import MessageState, OutgoingMessage, Review, ReviewEvent
from reviews.tasks import process_deadlines_task, send_message
from tests.procedure import Cast, notified

# Committed for real, so that the worker sees it; serialized_rollback brings back
# what the migrations put in the database (the rulebook, permissions) before
# each test. Skipped before any database is set up, so a skip flushes nothing.
# The marks of every module that starts a worker.
WORKER_TESTS = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="needs Redis: set REDIS_URL and DATABASE_URL to run the Celery worker tests",
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the worker and the tests share the test database",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
pytestmark = WORKER_TESTS

ROOT = Path(settings.BASE_DIR)
READY_TIMEOUT = 60.0
TASK_TIMEOUT = 30.0

T = TypeVar("T")


def wait_for(
    what: str, probe: Callable[[], T | None], timeout: float = TASK_TIMEOUT, log: Path | None = None
) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            told = f"\nThe worker's log:\n{log.read_text(errors='replace')}" if log else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{told}")
        time.sleep(0.2)


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    db = settings.DATABASES["default"]
    credentials = quote(str(db.get("USER") or ""), safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(str(db["PASSWORD"]), safe="")
    host = str(db.get("HOST") or "localhost")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    query = urlencode({k: str(v) for k, v in (db.get("OPTIONS") or {}).items()})
    auth = f"{credentials}@" if credentials else ""
    url = f"postgres://{auth}{host}{port}/{quote(str(db['NAME']))}"
    return f"{url}?{query}" if query else url


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    name: str
    mail_dir: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def mails(self) -> list[str]:
        return [p.read_text(errors="replace") for p in sorted(self.mail_dir.glob("*.log"))]

    def finished(self, task_id: str) -> str | None:
        """The worker's log line saying task ``task_id`` succeeded, if it has."""
        for line in self.log_text().splitlines():
            if f"[{task_id}] succeeded" in line:
                return line
            if f"[{task_id}] raised" in line:
                pytest.fail(f"task {task_id} failed in the worker:\n{self.log_text()}")
        return None


def _alive_and_answering(process: subprocess.Popen[bytes], name: str, log: Path) -> bool:
    if process.poll() is not None:
        pytest.fail(
            f"the Celery worker exited with {process.returncode}:\n"
            f"{log.read_text(errors='replace')}"
        )
    return bool(app.control.ping(destination=[name], timeout=0.5))


def _stop(process: subprocess.Popen[bytes], pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pid = process.pid  # it never got as far as writing its pid file
    if process.poll() is None:
        os.kill(pid, signal.SIGTERM)  # a warm shutdown: finish the task at hand, then exit
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module", autouse=True)
def _leave_the_database_as_migrated(django_db_blocker: Any) -> Iterator[None]:
    """Put back what the migrations made once these tests are done.

    The flush after a test with serialized_rollback empties every table and,
    unlike other flushes, does not recreate content types and permissions;
    the tests that run after these ones expect the database as migrated.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)


@contextmanager
def running_worker(
    tmp_path: Path,
    prefix: str,
    *,
    mail_dir: Path,
    environment: dict[str, str],
    include: tuple[str, ...] = (),
) -> Iterator[Worker]:
    """A worker of its own (solo pool: the task runs in the worker's own process) on the
    test database and Redis, with ``environment`` on top of the settings it needs and
    the task modules ``include`` loaded besides the portal's; stopped on leaving."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}@localhost"
    pidfile, log = tmp_path / f"{name}.pid", tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nhri_portal.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        **environment,
    }
    # --purge drops what earlier runs left in the queue.
    command = [
        sys.executable, "-m", "celery", "-A", "nhri_portal", "worker",
        "--pool=solo", "--concurrency=1", "-Q", "celery", "-l", "info", "--purge",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        *(f"--include={module}" for module in include),
        f"--pidfile={pidfile}", f"--hostname={name}",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (a fixed command)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        wait_for(
            "the Celery worker to answer a ping",
            lambda: _alive_and_answering(process, name, log),
            timeout=READY_TIMEOUT,
        )
        yield Worker(process=process, name=name, mail_dir=mail_dir, log=log)
    finally:
        _stop(process, pidfile)


@pytest.fixture
def worker(transactional_db: Any, tmp_path: Path) -> Iterator[Worker]:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with running_worker(
        tmp_path,
        "nhri-test",
        mail_dir=mail_dir,
        environment={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    ) as started:
        yield started


def test_the_worker_sends_the_invitation_from_the_outbox_once(worker: Worker) -> None:
    # The invitation is queued in the outbox; after commit only the worker sends it.
    cast = Cast()
    message = OutgoingMessage.objects.get(review=cast.review)

    def sent_at() -> dt.datetime | None:
        return OutgoingMessage.objects.get(pk=message.pk).sent_at

    wait_for("the worker to send the invitation", sent_at, log=worker.log)
    mails = wait_for("the invitation mail", worker.mails, log=worker.log)
    assert len(mails) == 1, mails
    assert f"To: {cast.focal_point.email}" in mails[0]
    first = OutgoingMessage.objects.get(pk=message.pk)
    assert (first.state, first.attempts) == (MessageState.SENT, 1)

    again = send_message.delay(message_id=message.pk)
    line = wait_for(
        "the worker to run the duplicate", lambda: worker.finished(again.id), log=worker.log
    )
    assert line.rstrip().endswith(": False"), line  # claimed already: nothing sent
    assert len(worker.mails()) == 1
    assert OutgoingMessage.objects.get(pk=message.pk).sent_at == first.sent_at


def test_the_worker_runs_the_deadline_sweep(worker: Worker) -> None:
    cast = Cast()
    review = notified(cast.review, on=cast.session.ends_on + dt.timedelta(days=14))
    assert review.state == ReviewState.NOTIFIED
    closes = review.deadlines.get(rule_key=RuleKey.CHALLENGE_WINDOW).due_on
    as_of = closes + dt.timedelta(days=1)
    assert review.deadlines.get(rule_key=RuleKey.BUREAU_WINDOW).due_on >= as_of

    sweep = process_deadlines_task.delay(as_of=as_of.isoformat())

    def state() -> str | None:
        current = Review.objects.get(pk=review.pk).state
        return current if current == ReviewState.BUREAU else None

    wait_for("the sweep to put the recommendation before the Bureau", state, log=worker.log)
    wait_for("the worker to finish the sweep", lambda: worker.finished(sweep.id), log=worker.log)
    event = ReviewEvent.objects.filter(review=review).latest("at", "id")
    assert (event.from_state, event.to_state, event.by) == (
        ReviewState.NOTIFIED,
        ReviewState.BUREAU,
        None,
    )
