"""A test-only renderer for the worker tests: the status chart, held while a marker file
exists, so that a test can kill the worker in the middle of a render.

It is imported only by a worker the test starts itself, through Celery's own
``--include tests.rendering_blocker`` option: the portal never imports it, and the test
process does not patch anything. Registered for the chart, it wraps the real chart
renderer, so the document the fresh worker makes is the real chart.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from reviews.models import DocumentKind, GeneratedDocument
from reviews.rendering import Progress, Rendered, renderer_for, renders

# Imports every real renderer first, so that they never register over this one later.
real_chart = renderer_for(DocumentKind.CHART)


@renders(DocumentKind.CHART)
def held_chart(document: GeneratedDocument, progress: Progress) -> Rendered:
    """While the file named by RENDER_TEST_HOLD exists, wait (saying so in
    ``<hold>.waiting``); then draw the chart."""
    hold = os.environ.get("RENDER_TEST_HOLD")
    if hold and Path(hold).exists():
        progress(5, "held by the test")
        Path(f"{hold}.waiting").write_text(str(os.getpid()))
        while Path(hold).exists():
            time.sleep(0.05)
    return real_chart(document, progress)
