"""Days on the pages: always ``YYYY-MM-DD``, as the rulebook's explanations write them."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def iso_day(value: dt.date | None) -> SafeString | str:
    """A ``<time>`` element; the stylesheet keeps it left-to-right inside Arabic text, where
    the digits of ``2007-07-31`` would otherwise be laid out as ``31-07-2007``."""
    if not value:
        return ""
    day = value.isoformat()
    return format_html('<time datetime="{}">{}</time>', day, day)
