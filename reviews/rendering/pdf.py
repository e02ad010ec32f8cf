"""HTML to PDF with WeasyPrint, the portal's stylesheet for print and its fonts."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

_thread = threading.local()
# The <style> of pdf/base.html (every document's only one).
STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
KEPT_STYLESHEETS = 32


def font_config() -> FontConfiguration:
    """The fonts, found once per thread and kept. A new FontConfiguration (which
    WeasyPrint makes for each document unless given one) scans and loads the system's
    fonts again: for a letter that costs more than laying it out. One per thread:
    WeasyPrint does not say that a font configuration may be used by two at once."""
    config = getattr(_thread, "font_config", None)
    if config is None:
        config = _thread.font_config = FontConfiguration()
    return config


def stylesheet(text: str) -> CSS:
    """``text`` parsed, once per thread for each text: the documents of a kind in a
    language share theirs, and parsing it costs a letter a fifth of its time."""
    kept: OrderedDict[str, CSS] | None = getattr(_thread, "stylesheets", None)
    if kept is None:
        kept = _thread.stylesheets = OrderedDict()
    if text in kept:
        kept.move_to_end(text)
        return kept[text]
    parsed = kept[text] = CSS(string=text, font_config=font_config())
    if len(kept) > KEPT_STYLESHEETS:
        kept.popitem(last=False)
    return parsed


def html_to_document(html: str) -> Document:
    """``html`` laid out in pages, before it is written: its pages say which anchors
    (elements with an id) they hold. Its <style>, if it has one, is taken out and given
    to WeasyPrint parsed (see ``stylesheet``). WeasyPrint gives a stylesheet passed so
    the user's origin, which cascades as the author's would: the document has no other."""
    found = STYLE.search(html)
    stylesheets = []
    if found:
        html = html[: found.start()] + html[found.end() :]
        stylesheets.append(stylesheet(found.group(1)))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        font_config=font_config(), stylesheets=stylesheets
    )


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``. Deterministic: the same HTML gives the same bytes."""
    return html_to_document(html).write_pdf()


def template_to_pdf(template: str, context: dict[str, object]) -> tuple[bytes, int]:
    """The PDF of the template with ``context``, and its number of pages."""
    document = html_to_document(render_to_string(template, context))
    return document.write_pdf(), len(document.pages)
