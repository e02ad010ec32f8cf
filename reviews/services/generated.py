"""Generated documents: each letter, packet, report or chart release is a row made in the
transaction that needs it and rendered by a worker after commit; a sweeper queues again
what a dead worker left half-made."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from accreditation.models import StatusRecord
from institutions.enums import LANGUAGES
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, NotPermitted
from reviews.models import DocumentKind, GeneratedDocument, JobState
from reviews.rendering import Progress, Rendered, renderer_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from institutions.models import Institution
    from institutions.permissions import AnyUser
    from reviews.models import LetterTemplate, Review, Session

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died while rendering.
STUCK_AFTER = dt.timedelta(minutes=10)
# A queued row nobody claimed for this long lost its task (a broker restart, say).
LOST_AFTER = dt.timedelta(minutes=5)
# The progress page polls every second; writing more often than this is wasted.
PROGRESS_EVERY = 0.25  # seconds
ERROR_MAX = 4000


@transaction.atomic
def request_document(
    *,
    kind: str,
    key: str,
    language: str,
    by: AnyUser | None,
    letter: str = "",
    review: Review | None = None,
    session: Session | None = None,
    institution: Institution | None = None,
    recipient: User | None = None,
    template: LetterTemplate | None = None,
    as_of: dt.date | None = None,
) -> GeneratedDocument:
    """The document named ``key``: the existing row, or a new one. The caller has
    checked that ``by`` may ask for it.

    Effects: a new row (queued) in the caller's transaction, or, when the row named
    ``key`` had failed, that row queued again; either way the render task after
    commit. A row queued, being made or ready is returned as it is.
    """
    document = GeneratedDocument.objects.filter(key=key).first()
    if document is None:
        document, created = _create(
            kind=kind,
            key=key,
            language=language,
            letter=letter,
            review=review,
            session=session,
            institution=institution,
            recipient=recipient,
            template=template,
            as_of=as_of,
            requested_by=by if by is not None and by.is_authenticated else None,
        )
        if created:
            render_after_commit(document.pk)
            return document
    if document.state == JobState.FAILED:
        _requeue_failed(document)
    return document


@transaction.atomic
def request_chart_document(*, day: dt.date, language: str, by: AnyUser | None) -> GeneratedDocument:
    """The status chart of ``day`` as a PDF in ``language``. The chart is public: anyone
    may ask, and everyone asking for the same chart shares one row and one file.

    Effects: see :func:`request_document`.
    """
    if language not in dict(LANGUAGES):
        language = "en"
    return request_document(
        kind=DocumentKind.CHART,
        key=chart_key(day, language),
        language=language,
        by=by,
        as_of=day,
    )


def chart_key(day: dt.date, language: str) -> str:
    """The chart of one day in one language as the status records now stand. Records are
    only ever added: a decision recorded after a chart was made makes a new chart, not a
    stale shared one."""
    records = StatusRecord.objects.aggregate(count=Count("pk"), last=Max("pk"))
    return f"chart:{day.isoformat()}:{language}:{records['count']}-{records['last'] or 0}"


def _create(*, key: str, **fields: object) -> tuple[GeneratedDocument, bool]:
    # Two requests for the same key at once: the second insert fails on the unique key
    # inside its savepoint and finds the first one's row (and its task).
    try:
        with transaction.atomic():
            document = GeneratedDocument.objects.create(key=key, requested_at=clock.now(), **fields)
    except IntegrityError:
        return GeneratedDocument.objects.get(key=key), False
    return document, True


def _requeue_failed(document: GeneratedDocument) -> bool:
    queued = GeneratedDocument.objects.filter(pk=document.pk, state=JobState.FAILED).update(
        state=JobState.QUEUED, progress=0, progress_note="", claimed_at=None
    )
    document.refresh_from_db()
    if queued:
        render_after_commit(document.pk)
    return bool(queued)


def may_retry(user: AnyUser, document: GeneratedDocument) -> bool:
    """The secretariat, or whoever asked for the document, may ask for it again."""
    if not user.is_authenticated:
        return False
    return is_secretariat(user) or document.requested_by_id == user.pk


@transaction.atomic
def retry_document(*, document: GeneratedDocument, by: AnyUser) -> GeneratedDocument:
    """Try again to make a document that failed.

    Effects: the row queued again (its last error kept until the next attempt ends)
    and the render task after commit.
    """
    if not may_retry(by, document):
        raise NotPermitted(_("Only the secretariat or the person who asked for it may retry it."))
    if not _requeue_failed(document):
        raise Conflict(
            _("This document is no longer failed: it is “%(state)s”.")
            % {"state": document.get_state_display()}
        )
    return document


def render_after_commit(document_id: int) -> None:
    from reviews.tasks import render_document as render_task

    transaction.on_commit(lambda: render_task.delay(document_id=document_id))


def render_document(document_id: int) -> bool:
    """Make one queued document. True if this call made it.

    The claim (queued → rendering) is a conditional update: of two workers, or a task
    delivered twice, only one renders; a ready document is never made again. The
    result is stored only by the claim that made it (the same attempt): a worker the
    sweeper gave up on cannot overwrite what a later one stored.
    """
    claimed = GeneratedDocument.objects.filter(pk=document_id, state=JobState.QUEUED).update(
        state=JobState.RENDERING,
        claimed_at=clock.now(),
        attempts=F("attempts") + 1,
        progress=0,
        progress_note="",
    )
    if not claimed:
        return False
    document = GeneratedDocument.objects.get(pk=document_id)
    mine = Q(pk=document_id, state=JobState.RENDERING, attempts=document.attempts)
    try:
        rendered = renderer_for(document.kind)(document, _progress_of(mine))
    except Exception as error:
        logger.exception("rendering document %s (%s) failed", document_id, document.key)
        GeneratedDocument.objects.filter(mine).update(
            state=JobState.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:ERROR_MAX],
            finished_at=clock.now(),
        )
        return False
    return _store(document, rendered, mine)


def _store(document: GeneratedDocument, rendered: Rendered, mine: Q) -> bool:
    # A fresh name every time (the upload path holds a random part): a stored file is
    # never overwritten, and a file nobody's row names is removed at once.
    content = _file_of(rendered)
    try:
        sha256 = _sha256(content)
        name = document.file.field.generate_filename(document, rendered.filename)
        name = default_storage.save(name, content)
    finally:
        content.close()
        _remove_temporary(rendered)
    stored = GeneratedDocument.objects.filter(mine).update(
        state=JobState.READY,
        file=name,
        filename=rendered.filename,
        sha256=sha256,
        size=default_storage.size(name),
        pages=rendered.pages,
        manifest=rendered.manifest,
        progress=100,
        progress_note="",
        last_error="",
        finished_at=clock.now(),
    )
    if not stored:
        default_storage.delete(name)
        logger.warning("document %s: a later claim took over; dropped this result", document.pk)
    return bool(stored)


def _file_of(rendered: Rendered) -> File:
    if rendered.path is not None:
        return File(open(rendered.path, "rb"), name=rendered.filename)
    return ContentFile(rendered.content or b"", name=rendered.filename)


def _remove_temporary(rendered: Rendered) -> None:
    # A big file the renderer wrote under a temporary directory is consumed here.
    if rendered.path is None:
        return
    path = Path(rendered.path)
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: the renderer's to clean
        path.parent.rmdir()


def _sha256(content: File) -> str:
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def _progress_of(mine: Q) -> Progress:
    """A progress callback that writes at once (no transaction: the progress page sees
    it) but at most a few times a second."""
    last = [0.0]

    def progress(percent: int, note: str) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY and percent < 100:
            return
        last[0] = now
        GeneratedDocument.objects.filter(mine).update(
            progress=max(0, min(100, int(percent))), progress_note=note[:300]
        )

    return progress


def requeue_stuck() -> list[int]:
    """Queue again what a dead worker left half-made, and send again the task of what
    waited queued too long with nobody claiming it (a lost task). Never a ready or a
    failed document. Each row is taken by a conditional update: two sweepers queue it
    once."""
    now = clock.now()
    stuck = Q(state=JobState.RENDERING, claimed_at__lt=now - STUCK_AFTER)
    lost = Q(state=JobState.QUEUED, claimed_at__isnull=True, requested_at__lt=now - LOST_AFTER)
    requeued = []
    for document_id in GeneratedDocument.objects.filter(stuck).values_list("pk", flat=True):
        if GeneratedDocument.objects.filter(stuck, pk=document_id).update(
            state=JobState.QUEUED, claimed_at=None, progress=0, progress_note=""
        ):
            requeued.append(document_id)
            render_after_commit(document_id)
    lost_ids = GeneratedDocument.objects.filter(lost).exclude(pk__in=requeued)
    for document_id in lost_ids.values_list("pk", flat=True):
        requeued.append(document_id)
        render_after_commit(document_id)
    return requeued
