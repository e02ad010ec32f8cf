"""How the dossier pages write people, moments, hashes and documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from reviews.dossier_pages import document_label, document_name
from reviews.models import Document

register = template.Library()


@register.filter
def moment(value: dt.datetime | None) -> SafeString | str:
    """A moment in a ``<time>`` element, written as the reader's language writes it."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(), date_format(local, "DATETIME_FORMAT")
    )


@register.filter
def clock_time(value: dt.datetime | None) -> SafeString | str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), f"{local:%H:%M}")


@register.filter
def person(user: Any) -> SafeString | str:
    """A name isolated from the text around it: a Latin name in an Arabic sentence
    keeps its punctuation where it belongs."""
    if user is None:
        return ""
    return format_html("<bdi>{}</bdi>", user.get_full_name() or user.get_username())


@register.filter
def short_hash(value: str) -> str:
    return value[:12]


@register.filter(name="document_label")
def document_label_filter(document: Document) -> str:
    return document_label(document)


@register.filter(name="document_name")
def document_name_filter(document: Document) -> str:
    return document_name(document)


@register.filter
def absolute(path: str) -> str:
    """A path of the portal as a full address, for mail (``SITE_URL`` + path)."""
    from reviews.services.letters import site_url

    return site_url(path) if path else ""
