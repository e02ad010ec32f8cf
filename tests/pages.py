"""Helpers for tests of pages: request as a member of the cast, count queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nhri_portal import clock


def visit(client: Client, user: Any, url: str, *, on: dt.date | None = None, **extra: Any) -> Any:
    """GET ``url`` as ``user`` (None: an anonymous visitor), on the day ``on`` if given."""
    client.logout()
    if user is not None:
        client.force_login(user)
    if on is None:
        return client.get(url, **extra)
    with clock.as_of(on):
        return client.get(url, **extra)


def queries_for(client: Client, url: str, *, on: dt.date | None = None) -> int:
    """How many queries one GET of ``url`` costs, the session already logged in."""
    with CaptureQueriesContext(connection) as queries:
        if on is None:
            response = client.get(url)
        else:
            with clock.as_of(on):
                response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries.captured_queries)


def text(response: Any) -> str:
    return response.content.decode()
