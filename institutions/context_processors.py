"""What every page's layout needs to know about the user: their roles, for the navigation."""

from __future__ import annotations

from django.http import HttpRequest

from institutions.enums import Role
from institutions.permissions import is_secretariat, roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None:  # pages rendered before the authentication middleware ran
        return {
            "user_roles": [],
            "shows_admin": False,
            "shows_bureau": False,
            "shows_outbox": False,
        }
    roles = roles_of(user)
    return {
        "user_roles": roles,
        "shows_admin": is_secretariat(user) or (user.is_active and user.is_staff),
        "shows_bureau": Role.SECRETARIAT in roles or Role.BUREAU_MEMBER in roles,
        "shows_outbox": Role.SECRETARIAT in roles,
    }
