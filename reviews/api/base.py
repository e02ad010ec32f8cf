"""What every endpoint of the procedure shares: a service's refusal as JSON, and a page's
form as the check of what was sent (the same rules, the same messages as the page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nhri_portal.errors import DomainError, status_of

FormT = TypeVar("FormT", bound=forms.Form)


class ServiceView(APIView):
    """A service's refusal (a DomainError) is the response: 400, 403 or 409 as the page
    answers it, with the service's message."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DomainError):
            return Response({"detail": str(exc)}, status=status_of(exc))
        return super().handle_exception(exc)


class ServiceListView(ServiceView, generics.ListAPIView):
    pass


def checked(form: FormT) -> FormT:
    """``form`` once valid; else a 400 naming each field (``__all__`` for the form). A
    JSON list sent to a field that takes one value is refused first: the page's form
    would turn it into text, or fail on it (a date field calls ``strip()``)."""
    lists = {
        name: [_("Send one value, not a list.")]
        for name, field in form.fields.items()
        if isinstance(form.data.get(name), list)
        and not isinstance(field, forms.MultipleChoiceField)
    }
    if lists:
        raise exceptions.ValidationError(lists)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {field: [str(error) for error in errors] for field, errors in form.errors.items()}
        )
    return form


def sent(request: Request) -> Mapping[str, Any]:
    """What was sent, as a page's form reads it: form data as it came; a JSON object with
    its numbers as the text a browser would send (a form's date field expects text)."""
    data = request.data
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError({"detail": _("Send an object of named fields.")})
    if isinstance(data, QueryDict):
        return data
    return {field: _as_sent(field, value) for field, value in data.items()}


def _as_sent(field: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_as_sent(field, item) for item in value]
    if isinstance(value, dict):
        raise exceptions.ValidationError({field: [_("Send a value, not an object.")]})
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value
