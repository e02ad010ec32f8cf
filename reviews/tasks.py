"""Celery tasks of the procedure: thin, keyword-only ids, safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="reviews.send_message")
def send_message(*, message_id: int) -> bool:
    """Send one message of the outbox; a second delivery sends nothing."""
    from reviews.services.sending import send

    return send(message_id)


@shared_task(name="reviews.requeue_stuck_messages")
def requeue_stuck_messages() -> int:
    """Beat: send again what failed or what a dead worker left half-sent."""
    from reviews.services.sending import requeue_stuck

    return len(requeue_stuck())


@shared_task(name="reviews.process_deadlines")
def process_deadlines_task(*, as_of: str | None = None) -> list[str]:
    """The beat-driven deadline sweep; ``as_of`` is an ISO date, today when absent."""
    from reviews.services.sweep import process_deadlines

    day = dt.date.fromisoformat(as_of) if as_of else None
    report = process_deadlines(as_of=day)
    for line in report.actions:
        logger.info("sweep %s: %s", report.as_of, line)
    return report.actions


@shared_task(name="reviews.extract_document_text")
def extract_document_text(*, version_id: int) -> int:
    """Keep the text of an uploaded PDF for search. Returns the number of characters."""
    from reviews.models import DocumentVersion
    from reviews.services.documents import extract_text

    version = DocumentVersion.objects.filter(pk=version_id, text_extracted_at__isnull=True).first()
    if version is None:
        return 0
    return extract_text(version)


@shared_task(name="reviews.render_document")
def render_document(*, document_id: int) -> bool:
    """Make one generated document; a second delivery, or a ready document, does nothing."""
    from reviews.services.generated import render_document as render

    return render(document_id)


@shared_task(name="reviews.requeue_stuck_documents")
def requeue_stuck_documents() -> int:
    """Beat: queue again what a dead worker left half-made, or whose task was lost."""
    from reviews.services.generated import requeue_stuck

    return len(requeue_stuck())
