"""Making documents: each kind of GeneratedDocument has one renderer, registered here.

A renderer takes the document row (and a callback to report progress) and returns the
file it made. It never writes the row: reviews.services.generated claims the row, calls
the renderer in a worker, and stores what it returns. The same row rendered twice gives
the same bytes (no clock, no random in the output beyond what the row holds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviews.models import GeneratedDocument

# Called with a percentage (0-100) and a short note of what is being done.
Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Rendered:
    """What a renderer made: the file's bytes (or the path of a file it wrote, for big
    ones), its name, its number of pages and, for a packet, its manifest."""

    filename: str
    content: bytes | None = None
    path: str | None = None
    pages: int | None = None
    manifest: list[dict[str, Any]] = field(default_factory=list)


Renderer = Callable[["GeneratedDocument", Progress], Rendered]
RENDERERS: dict[str, Renderer] = {}


def renders(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of one DocumentKind."""

    def register(renderer: Renderer) -> Renderer:
        RENDERERS[kind] = renderer
        return renderer

    return register


def renderer_for(kind: str) -> Renderer:
    # The renderers register themselves when their modules are imported.
    from reviews.rendering import chart, letters, packets, report  # noqa: F401

    return RENDERERS[kind]
