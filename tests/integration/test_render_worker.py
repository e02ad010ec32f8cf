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
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import time_machine
from django.conf import settings

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from reviews.models import GeneratedDocument, JobState
from reviews.services.generated import STUCK_AFTER, request_chart_document
from reviews.tasks import render_document, requeue_stuck_documents
from tests.factories import InstitutionFactory, region

# The worker's helpers, and the fixture that puts back what the migrations made.
from tests.integration.test_celery_worker import (
    WORKER_TESTS,
    Worker,
    _leave_the_database_as_migrated,  # noqa: F401 (a fixture this module uses too)
    running_worker,
    wait_for,
)

pytestmark = WORKER_TESTS

DAY = dt.date(2030, 5, 10)
RENDER_TIMEOUT = 60.0


@contextmanager
def worker_holding_charts(tmp_path: Path, hold: Path) -> Iterator[Worker]:
    """A worker that stores files in this test's media folder and holds a chart while
    ``hold`` exists (tests/rendering_blocker.py)."""
    with running_worker(
        tmp_path,
        "nhri-render",
        mail_dir=tmp_path,
        environment={"MEDIA_ROOT": str(settings.MEDIA_ROOT), "RENDER_TEST_HOLD": str(hold)},
        include=("tests.rendering_blocker",),
    ) as worker:
        yield worker


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
    with worker_holding_charts(tmp_path, tmp_path / "no-hold") as worker:
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
    with worker_holding_charts(tmp_path, hold) as first:
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
    with worker_holding_charts(tmp_path, hold) as second:
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
