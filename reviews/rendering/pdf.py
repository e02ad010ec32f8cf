"""HTML to PDF with WeasyPrint, the portal's stylesheet for print and its fonts."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML, Document


def html_to_document(html: str) -> Document:
    """``html`` laid out in pages, before it is written: its pages say which anchors
    (elements with an id) they hold."""
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``. Deterministic: the same HTML gives the same bytes."""
    return html_to_document(html).write_pdf()


def template_to_pdf(template: str, context: dict[str, object]) -> bytes:
    return html_to_pdf(render_to_string(template, context))
