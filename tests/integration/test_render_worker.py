"""Generated documents against a real Celery worker, fed through Redis, on the PostgreSQL
test database: the worker makes a requested chart once; a worker killed in the middle of
a render leaves the document to the sweeper, and a fresh worker makes it exactly once.

To hold a render in the middle, the worker started here imports
``tests.rendering_blocker`` through Celery's own ``--include`` option: a test-only
renderer for the chart that waits while a marker file exists, then draws the real
chart. Nothing is patched in the test process; the portal never imports that module.
The sweeper runs in the test process with the clock moved (time-machine), as the beat
would run it that much later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from reviews.models import GeneratedDocument, JobState
from reviews.services.generated import STUCK_AFTER, request_chart_document
from reviews.tasks import render_document, requeue_stuck_documents
from tests.factories import InstitutionFactory, region

# The worker's helpers, and the fixture that puts back what the migrations made.
from tests.integration.test_celery_worker import (
    READY_TIMEOUT,
    ROOT,
    Worker,
    _alive_and_answering,
    _leave_the_database_as_migrated,  # noqa: F401 (a fixture this module uses too)
    _stop,
    database_url,
    wait_for,
)

pytestmark = [
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

DAY = dt.date(2030, 5, 10)
RENDER_TIMEOUT = 60.0


@contextmanager
def running_worker(tmp_path: Path, hold: Path) -> Iterator[Worker]:
    """A worker of its own (solo pool: the task runs in the worker's own process) that
    stores files in this test's media folder and holds a chart while ``hold`` exists."""
    name = f"nhri-render-{uuid.uuid4().hex[:8]}@localhost"
    pidfile, log = tmp_path / f"{name}.pid", tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nhri_portal.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "RENDER_TEST_HOLD": str(hold),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "nhri_portal", "worker",
        "--pool=solo", "--concurrency=1", "-Q", "celery", "-l", "info", "--purge",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--include=tests.rendering_blocker",
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
        yield Worker(process=process, name=name, mail_dir=tmp_path, log=log)
    finally:
        _stop(process, pidfile)


def the_chart_of_the_day() -> GeneratedDocument:
    """Two institutions on the chart, and the chart asked for (committed: the task goes
    to the worker)."""
    held = dt.date(2020, 1, 1)
    for name, country, code, grade in [
        ("Kiwi Human Rights Commission", "NZ", RegionCode.ASIA_PACIFIC, Grade.A),
        ("Deutsches Institut für Menschenrechte", "DE", RegionCode.EUROPE, Grade.B),
    ]:
        made = InstitutionFactory(name=name, country=country, region=region(code))
        record_prior_status(institution=made, grade=grade, held_on=held, note="", by=None)
    return request_chart_document(day=DAY, language="en", by=None)


def reaches(document: GeneratedDocument, state: JobState) -> Callable[[], GeneratedDocument | None]:
    def probe() -> GeneratedDocument | None:
        current = GeneratedDocument.objects.get(pk=document.pk)
        return current if current.state == state else None

    return probe


def stored_files() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "generated").rglob("*") if p.is_file())


def sweep(at: dt.datetime) -> int:
    """The sweeper's beat task, run as if it were ``at``; what it queues goes to the worker."""
    with time_machine.travel(at, tick=False):
        return int(requeue_stuck_documents.apply().get())


def test_the_worker_makes_the_requested_chart_once(tmp_path: Path) -> None:
    with running_worker(tmp_path, tmp_path / "no-hold") as worker:
        document = the_chart_of_the_day()
        made = wait_for(
            "the worker to make the chart",
            reaches(document, JobState.READY),
            timeout=RENDER_TIMEOUT,
            log=worker.log,
        )
        assert (made.attempts, made.progress, made.pages) == (1, 100, 1)
        [stored] = stored_files()
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == made.sha256
        assert made.size == stored.stat().st_size

        again = render_document.delay(document_id=document.pk)
        line = wait_for("the duplicate task", lambda: worker.finished(again.id), log=worker.log)
        assert line.rstrip().endswith(": False"), line
        assert stored_files() == [stored]
        assert GeneratedDocument.objects.get(pk=document.pk).finished_at == made.finished_at


def test_a_worker_killed_mid_render_leaves_the_document_made_exactly_once(tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    with running_worker(tmp_path, hold) as first:
        document = the_chart_of_the_day()
        wait_for("the worker to start the render", Path(f"{hold}.waiting").exists, log=first.log)
        rendering = GeneratedDocument.objects.get(pk=document.pk)
        assert (rendering.state, rendering.attempts, rendering.progress) == (
            JobState.RENDERING, 1, 5
        )  # fmt: skip
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
    assert first.process.returncode == -signal.SIGKILL
    assert GeneratedDocument.objects.get(pk=document.pk).state == JobState.RENDERING
    assert not (Path(settings.MEDIA_ROOT) / "generated").exists()

    hold.unlink()  # renders go through at once from now on
    with running_worker(tmp_path, hold) as second:
        claimed_at = rendering.claimed_at
        assert claimed_at is not None
        # A claim younger than STUCK_AFTER may belong to a worker still rendering: left alone.
        assert sweep(claimed_at + STUCK_AFTER - dt.timedelta(minutes=1)) == 0
        assert GeneratedDocument.objects.get(pk=document.pk).state == JobState.RENDERING

        assert sweep(claimed_at + STUCK_AFTER + dt.timedelta(minutes=1)) == 1
        made = wait_for(
            "the fresh worker to make the chart",
            reaches(document, JobState.READY),
            timeout=RENDER_TIMEOUT,
            log=second.log,
        )
        assert (made.attempts, made.last_error) == (2, "")

        # The killed worker's task, delivered once more, finds nothing to do.
        again = render_document.delay(document_id=document.pk)
        line = wait_for("the redelivered task", lambda: second.finished(again.id), log=second.log)
        assert line.rstrip().endswith(": False"), line
        assert sweep(claimed_at + 2 * STUCK_AFTER) == 0

    assert GeneratedDocument.objects.count() == 1
    [stored] = stored_files()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == made.sha256
    final = GeneratedDocument.objects.get(pk=document.pk)
    assert (final.state, final.attempts, final.file.name) == (JobState.READY, 2, made.file.name)
