"""Generated documents as rows: asked for twice, one row; rendered by the task after
commit, once; the same row rendered twice gives the same bytes; a failure is kept with
its error and can be tried again; the sweeper re-queues only what is stuck or lost.
And the status chart as a PDF, read back in English and in Arabic."""

import datetime as dt
import hashlib
import io
import logging

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from nhri_portal.errors import Conflict, NotPermitted
from reviews.models import DocumentKind, GeneratedDocument, JobState
from reviews.rendering import Rendered, renderer_for
from reviews.services.generated import (
    LOST_AFTER,
    STUCK_AFTER,
    _progress_of,
    _store,
    render_document,
    request_chart_document,
    request_document,
    requeue_stuck,
    retry_document,
)
from reviews.tasks import render_document as render_task
from tests.factories import InstitutionFactory, region
from tests.procedure import secretariat

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 5, 10)
NOW = dt.datetime(2030, 5, 10, 9, 0, tzinfo=dt.UTC)


def chart(key="chart:test", language="en", as_of=DAY, by=None):
    return request_document(kind=DocumentKind.CHART, key=key, language=language, by=by, as_of=as_of)


def reload(document):
    return GeneratedDocument.objects.get(pk=document.pk)


def pdf_text(content):
    """The PDF's text, its lines joined (a long name may wrap in its cell)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def institutions():
    held = dt.date(2020, 1, 1)
    made = {
        "nz": InstitutionFactory(
            name="Kiwi Human Rights Commission",
            country="NZ",
            region=region(RegionCode.ASIA_PACIFIC),
        ),
        "ma": InstitutionFactory(
            name="Conseil national des droits de l'Homme",
            country="MA",
            region=region(RegionCode.AFRICA),
        ),
        "de": InstitutionFactory(
            name="Deutsches Institut", country="DE", region=region(RegionCode.EUROPE)
        ),
    }
    record_prior_status(institution=made["nz"], grade=Grade.A, held_on=held, note="", by=None)
    record_prior_status(institution=made["ma"], grade=Grade.B, held_on=held, note="", by=None)
    return made


def test_asking_twice_for_the_same_key_finds_one_row_and_queues_one_render(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as first:
        document = chart()
    with django_capture_on_commit_callbacks() as second:
        again = chart()
    assert again.pk == document.pk
    assert GeneratedDocument.objects.filter(key="chart:test").count() == 1
    assert (len(first), len(second)) == (1, 0)
    assert (document.state, document.attempts, document.progress) == (JobState.QUEUED, 0, 0)


def test_after_commit_the_task_renders_the_document_and_stores_its_file(
    django_capture_on_commit_callbacks, institutions
):
    owner = secretariat()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        document = chart(by=owner)
    made = reload(document)
    assert (made.state, made.attempts, made.progress, made.last_error) == (
        JobState.READY, 1, 100, ""
    )  # fmt: skip
    assert (made.requested_by, made.requested_at, made.claimed_at, made.finished_at) == (
        owner, NOW, NOW, NOW
    )  # fmt: skip
    content = made.file.read()
    assert content.startswith(b"%PDF-")
    assert made.sha256 == hashlib.sha256(content).hexdigest()
    assert made.size == len(content)
    assert made.pages == len(PdfReader(io.BytesIO(content)).pages) >= 1
    assert made.filename == "status-chart-2030-05-10-en.pdf"
    assert made.file.name.startswith("generated/chart/") and made.file.name.endswith(made.filename)


def test_the_task_delivered_twice_renders_once(django_capture_on_commit_callbacks, institutions):
    with django_capture_on_commit_callbacks(execute=True):
        document = chart()
    made = reload(document)
    assert render_task.delay(document_id=document.pk).get() is False
    assert render_document(document.pk) is False
    again = reload(document)
    assert (again.attempts, again.file.name, again.sha256, again.finished_at) == (
        1, made.file.name, made.sha256, made.finished_at
    )  # fmt: skip


def test_a_task_for_a_document_that_is_gone_does_nothing():
    assert render_task.delay(document_id=987654).get() is False


def test_the_same_row_rendered_twice_gives_the_same_bytes(institutions):
    first = chart()
    assert render_document(first.pk) is True
    made = reload(first)
    # A copy of the row, reset to queued: only its key (and its row) differ.
    copy = reload(first)
    copy.pk, copy.key = None, "chart:test-copy"
    copy.state, copy.file, copy.sha256, copy.size, copy.pages = JobState.QUEUED, "", "", None, None
    copy.attempts, copy.claimed_at, copy.finished_at = 0, None, None
    copy.save()
    assert render_document(copy.pk) is True
    remade = reload(copy)
    assert remade.sha256 == made.sha256
    assert remade.file.read() == made.file.read()
    # Each stored under a fresh name: nothing was overwritten.
    assert remade.file.name != made.file.name


def test_a_renderer_that_fails_leaves_the_row_failed_with_its_error(caplog):
    owner = secretariat()
    document = chart(as_of=None, by=owner)  # a chart without its day cannot be drawn
    with caplog.at_level(logging.ERROR, logger="reviews.services.generated"):
        assert render_document(document.pk) is False
    failed = reload(document)
    assert failed.state == JobState.FAILED
    assert failed.attempts == 1
    assert failed.last_error == "ValueError: A chart document needs the day it shows (as_of)."
    assert (failed.file.name, failed.sha256, failed.size) == ("", "", None)
    assert f"rendering document {document.pk} (chart:test) failed" in caplog.text
    assert "Traceback" in caplog.text


def test_trying_again_queues_the_failed_document_and_renders_it_after_commit(
    django_capture_on_commit_callbacks, institutions
):
    owner = secretariat()
    document = chart(as_of=None, by=owner)
    render_document(document.pk)
    # The day is put right; the one who asked tries again.
    GeneratedDocument.objects.filter(pk=document.pk).update(as_of=DAY)
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        retry_document(document=reload(document), by=owner)
    assert len(tasks) == 1
    made = reload(document)
    assert (made.state, made.attempts, made.last_error) == (JobState.READY, 2, "")


def test_asking_again_for_a_failed_document_queues_it_again(django_capture_on_commit_callbacks):
    document = chart(as_of=None)
    render_document(document.pk)
    with django_capture_on_commit_callbacks() as tasks:
        again = chart(as_of=None)
    assert again.pk == document.pk
    assert (reload(document).state, len(tasks)) == (JobState.QUEUED, 1)


def test_only_the_secretariat_or_the_one_who_asked_may_try_again(cast):
    document = chart(as_of=None, by=cast.focal_point)
    render_document(document.pk)
    with pytest.raises(NotPermitted):
        retry_document(document=reload(document), by=cast.other_focal_point)
    assert reload(document).state == JobState.FAILED
    retry_document(document=reload(document), by=cast.secretariat)
    assert reload(document).state == JobState.QUEUED


def test_trying_again_what_is_no_longer_failed_is_a_conflict(cast):
    document = chart(as_of=None, by=cast.focal_point)
    render_document(document.pk)
    retry_document(document=reload(document), by=cast.focal_point)
    with pytest.raises(Conflict, match="no longer failed"):
        retry_document(document=reload(document), by=cast.focal_point)


def at(when, **fields):
    """A row as a worker or a lost task left it."""
    document = chart(key=f"chart:{when}")
    GeneratedDocument.objects.filter(pk=document.pk).update(**fields)
    return document


def test_the_sweeper_requeues_rendering_rows_stuck_past_the_limit_and_lost_queued_ones(
    django_capture_on_commit_callbacks,
):
    stuck = at(
        "stuck", state=JobState.RENDERING, claimed_at=NOW - STUCK_AFTER - dt.timedelta(seconds=1)
    )
    working = at(
        "working", state=JobState.RENDERING, claimed_at=NOW - STUCK_AFTER + dt.timedelta(minutes=1)
    )
    lost = at("lost", requested_at=NOW - LOST_AFTER - dt.timedelta(seconds=1))
    waiting = at("waiting", requested_at=NOW - LOST_AFTER + dt.timedelta(minutes=1))
    long_ago = NOW - dt.timedelta(days=2)
    ready = at(
        "ready", state=JobState.READY, sha256="0" * 64, requested_at=long_ago, claimed_at=long_ago
    )
    failed = at("failed", state=JobState.FAILED, requested_at=long_ago, claimed_at=long_ago)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks() as tasks:
        requeued = requeue_stuck()
    assert sorted(requeued) == sorted([stuck.pk, lost.pk])
    assert len(tasks) == 2
    states = {d.pk: (d.state, d.claimed_at) for d in GeneratedDocument.objects.all()}
    assert states[stuck.pk] == (JobState.QUEUED, None)
    assert states[lost.pk] == (JobState.QUEUED, None)
    assert states[working.pk][0] == JobState.RENDERING
    assert states[waiting.pk][0] == JobState.QUEUED
    assert (states[ready.pk][0], states[failed.pk][0]) == (JobState.READY, JobState.FAILED)


def test_a_stuck_row_requeued_is_then_rendered_once(
    django_capture_on_commit_callbacks, institutions
):
    document = at("stuck", state=JobState.RENDERING, claimed_at=NOW - STUCK_AFTER * 2, attempts=1)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck() == [document.pk]
    made = reload(document)
    assert (made.state, made.attempts) == (JobState.READY, 2)
    assert GeneratedDocument.objects.filter(state=JobState.READY).count() == 1


def test_a_late_result_of_a_claim_the_sweeper_gave_up_on_is_dropped(institutions):
    document = chart()
    renderer = renderer_for(DocumentKind.CHART)
    # The first worker claims it and is slow; the sweeper gives up on it and a second
    # worker makes the document; then the first worker's result arrives.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        state=JobState.RENDERING, attempts=1, claimed_at=timezone.now() - STUCK_AFTER * 2
    )
    requeue_stuck()
    assert render_document(document.pk) is True
    made = reload(document)
    late = renderer(made, lambda percent, note: None)
    mine = Q(pk=document.pk, state=JobState.RENDERING, attempts=1)
    assert _store(made, late, mine) is False
    assert (reload(document).file.name, reload(document).attempts) == (made.file.name, 2)


def test_a_big_file_written_by_the_renderer_is_stored_and_its_temporary_copy_removed(tmp_path):
    document = chart()
    GeneratedDocument.objects.filter(pk=document.pk).update(state=JobState.RENDERING, attempts=1)
    folder = tmp_path / "render"
    folder.mkdir()
    written = folder / "packet.pdf"
    written.write_bytes(b"%PDF-1.7 big" * 1000)
    rendered = Rendered(filename="packet.pdf", path=str(written), pages=3, manifest=[{"a": 1}])
    mine = Q(pk=document.pk, state=JobState.RENDERING, attempts=1)
    assert _store(reload(document), rendered, mine) is True
    made = reload(document)
    assert made.file.read() == b"%PDF-1.7 big" * 1000
    assert (made.size, made.pages, made.manifest) == (12000, 3, [{"a": 1}])
    assert made.sha256 == hashlib.sha256(b"%PDF-1.7 big" * 1000).hexdigest()
    assert not written.exists() and not folder.exists()


def test_progress_is_written_at_once_but_at_most_a_few_times_a_second():
    document = chart()
    progress = _progress_of(Q(pk=document.pk))
    with CaptureQueriesContext(connection) as queries:
        for percent in range(0, 100):
            progress(percent, f"Step {percent}")
    assert 1 <= len(queries.captured_queries) <= 3
    assert (reload(document).progress, reload(document).progress_note) == (0, "Step 0")
    progress(100, "Done")
    assert (reload(document).progress, reload(document).progress_note) == (100, "Done")


def test_asking_for_the_chart_shares_one_row_per_day_and_language_until_a_record_is_added(
    institutions,
):
    english = request_chart_document(day=DAY, language="en", by=None)
    assert request_chart_document(day=DAY, language="en", by=None).pk == english.pk
    arabic = request_chart_document(day=DAY, language="ar", by=None)
    other_day = request_chart_document(day=DAY - dt.timedelta(days=1), language="en", by=None)
    assert len({english.pk, arabic.pk, other_day.pk}) == 3
    assert (english.kind, english.as_of, arabic.language) == (DocumentKind.CHART, DAY, "ar")
    record_prior_status(
        institution=institutions["de"], grade=Grade.A, held_on=DAY, note="", by=None
    )
    assert request_chart_document(day=DAY, language="en", by=None).pk != english.pk


def render_chart(language):
    document = GeneratedDocument(kind=DocumentKind.CHART, key="x", language=language, as_of=DAY)
    notes = []
    rendered = renderer_for(DocumentKind.CHART)(document, lambda pct, note: notes.append(pct))
    assert rendered.content is not None
    assert notes and all(0 <= pct <= 100 for pct in notes)
    return rendered, pdf_text(rendered.content)


def test_the_chart_pdf_shows_the_institutions_and_grades_of_the_day_in_english(institutions):
    rendered, text = render_chart("en")
    assert "Status chart" in text
    assert "Kiwi Human Rights Commission" in text
    assert "Conseil national des droits de l'Homme" in text
    assert "Deutsches Institut" not in text  # no status on that day: not on the chart
    assert "New Zealand" in text and "Morocco" in text
    assert "Summary by region" in text
    assert "A — compliant with the Paris Principles" in text  # the legend
    assert "Page 1 of" in text
    assert rendered.filename == "status-chart-2030-05-10-en.pdf"
    reader = PdfReader(io.BytesIO(rendered.content))
    assert rendered.pages == len(reader.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_the_chart_pdf_in_arabic_reads_back_in_arabic(institutions):
    rendered, text = render_chart("ar")
    assert "Kiwi Human Rights Commission" in text
    assert "جدول" in text  # "Status chart": جدول المركز
    assert "الصفحة" in text  # "Page x of y"
    assert "Status chart" not in text
    assert rendered.filename == "status-chart-2030-05-10-ar.pdf"
