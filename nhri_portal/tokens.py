"""Each signed-in user's API token: see whether one exists, make one (replacing the old),
revoke it. The key is shown once, on the page that makes it. A privileged role reaches
this page only with its second factor (RequireMFAMiddleware), as every other page.
And ``/api/v1/me/``: who a token speaks for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.enums import Role
from institutions.permissions import roles_of


@transaction.atomic
def issue_token(*, user: Any) -> Token:
    """A new token for ``user``; the one they had stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(*, user: Any) -> bool:
    """``user``'s token stops working; False when they had none."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted > 0


@login_required
@require_safe
@never_cache
def api_token(request: HttpRequest) -> HttpResponse:
    return _page(request, made=None)


@login_required
@require_POST
@never_cache
def make(request: HttpRequest) -> HttpResponse:
    return _page(request, made=issue_token(user=request.user))


@login_required
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    if revoke_token(user=request.user):
        messages.success(request, _("Your API token is revoked: it no longer works."))
    else:
        messages.info(request, _("You had no API token."))
    return redirect("tokens:page")


def _page(request: HttpRequest, *, made: Token | None) -> HttpResponse:
    user: Any = request.user  # signed in: login_required
    token = made or Token.objects.filter(user=user).first()
    return render(request, "account/api_token.html", {"token": token, "made": made})


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        help_text=_("The user's roles in the procedure."),
    )


class Me(APIView):
    """Who the token (or the signed-in browser) speaks for: a way to check a token."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        data = {"username": request.user.get_username(), "roles": roles_of(request.user)}
        return Response(MeSerializer(data).data)
