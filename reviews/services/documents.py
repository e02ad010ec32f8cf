"""Work on stored documents that happens in the background."""

from __future__ import annotations

import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from nhri_portal import clock
from reviews.models import DocumentVersion

logger = logging.getLogger(__name__)


def extract_text(version: DocumentVersion) -> int:
    """Read the text of a PDF version and keep it. Effects: the version's text fields.

    A page that cannot be read leaves a gap rather than failing the whole document.
    """
    pages: list[str] = []
    with version.file.open("rb") as handle:
        reader = PdfReader(handle)
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except (PyPdfError, ValueError, KeyError) as error:
                logger.warning("page %s of version %s unreadable: %s", number, version.pk, error)
                pages.append("")
    version.extracted_text = "\n\f".join(pages)
    version.text_extracted_at = clock.now()
    version.save(update_fields=["extracted_text", "text_extracted_at"])
    return len(version.extracted_text)
