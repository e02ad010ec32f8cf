"""How a service's refusal reaches the page: its message, with the status it stands for."""

from __future__ import annotations

from nhri_portal.errors import Conflict, DomainError, NotPermitted


def status_of(error: DomainError) -> int:
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400
