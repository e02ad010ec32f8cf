"""The plumbing every API view shares (the defaults in ``REST_FRAMEWORK``): a user's
token, pagination, the anonymous throttle, and errors as JSON with a message a person
can read, whether DRF, a permission loader (404, 403) or a service (DomainError) refused."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import authentication, exceptions, pagination, serializers, throttling
from rest_framework.response import Response
from rest_framework.settings import api_settings

from nhri_portal.errors import DomainError, status_of
from nhri_portal.middleware import needs_second_factor

API_PREFIX = "/api/"


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``. DRF refuses the token of an inactive user; a
    privileged role must also hold the second factor the browser would ask for."""

    def authenticate_credentials(self, key: str) -> tuple[AbstractBaseUser, Any]:
        user, token = super().authenticate_credentials(key)
        if needs_second_factor(user):
            raise exceptions.AuthenticationFailed(
                _(
                    "Your role requires two-factor authentication. Set it up in the portal "
                    "before you use a token."
                )
            )
        return user, token


class Pagination(pagination.LimitOffsetPagination):
    """``?limit=&offset=``: 50 a page unless asked, never more than 200."""

    max_limit = 200


class AnonymousReadThrottle(throttling.AnonRateThrottle):
    """Anonymous requests per address, at ``DEFAULT_THROTTLE_RATES["anon"]`` (read when
    asked, so that a deployment, or a test, can change it; None: no limit)."""

    def get_rate(self) -> str | None:
        return cast(str | None, api_settings.DEFAULT_THROTTLE_RATES.get(str(self.scope)))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every refusal as JSON: ``{"detail": "..."}``, or DRF's field errors for bad input."""
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc)}, status=status_of(exc))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    # Imported here: DRF's views import the authentication classes above at start-up.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path no view answers: under /api/ a JSON 404, elsewhere the site's page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("There is no such address in the API.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        message = _("The portal failed to answer. The error is logged; try again later.")
        return JsonResponse({"detail": message}, status=500)
    return defaults.server_error(request)
