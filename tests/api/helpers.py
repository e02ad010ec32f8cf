"""Requests to the API as a member of the cast: by token, as a program would."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from nhri_portal.tokens import issue_token


def as_member(user: Any) -> APIClient:
    """A client sending ``user``'s token (none for the anonymous visitor)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
    return client
