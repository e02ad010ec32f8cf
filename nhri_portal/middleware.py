"""Require a second factor of the privileged roles when the deployment says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from institutions.enums import PRIVILEGED_ROLES
from institutions.permissions import has_role

# Paths a user without a second factor may still reach: setting one up, leaving.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_enrol(request):
            messages.warning(
                request, _("Your role requires two-factor authentication. Set it up to continue.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request: HttpRequest) -> bool:
        if not settings.NHRI_REQUIRE_MFA or request.path.startswith(_ALLOWED_PREFIXES):
            return False
        return request.user.is_authenticated and needs_second_factor(request.user)


def needs_second_factor(user: Any) -> bool:
    """Whether ``user`` holds a privileged role without the second factor the deployment
    requires of it (then they may use neither the pages nor a token)."""
    if not settings.NHRI_REQUIRE_MFA:
        return False
    return any(has_role(user, role) for role in PRIVILEGED_ROLES) and not is_mfa_enabled(user)
