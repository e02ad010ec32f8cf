"""The one source of "now" for the whole product.

Deadlines, the deadline sweep and every service ask this module for the time.
Tests move it with time-machine; the demonstration loader and the sweep's
``--as-of`` replay a given day with :func:`as_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_pinned_day: ContextVar[dt.date | None] = ContextVar("pinned_day", default=None)


def now() -> dt.datetime:
    day = _pinned_day.get()
    current = timezone.now()
    if day is None:
        return current
    # Keep the time of day so that events replayed on one day stay in order.
    return current.replace(year=day.year, month=day.month, day=day.day)


def today() -> dt.date:
    day = _pinned_day.get()
    return day if day is not None else timezone.localdate()


@contextmanager
def as_of(day: dt.date) -> Iterator[dt.date]:
    """Run the enclosed code as if today were ``day``."""
    token = _pinned_day.set(day)
    try:
        yield day
    finally:
        _pinned_day.reset(token)
