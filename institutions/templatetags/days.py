"""Days on the pages, written as the reader's language writes dates.

The ``<time>`` element carries the ISO date for machines; the stylesheet keeps it in
its own direction inside right-to-left text.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def iso_day(value: dt.date | None) -> SafeString | str:
    """``<time datetime="2007-07-31">31 July 2007</time>``, in the active language."""
    if not value:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "DATE_FORMAT")
    )
