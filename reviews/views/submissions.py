"""Placeholder until the page is built."""

from django.http import Http404, HttpRequest, HttpResponse


def submissions(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
