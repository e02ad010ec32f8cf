"""Generated documents: the progress page of one document (polled with htmx until it is
ready or failed), its download, "Try again", and the public request for the status
chart as a PDF. Nobody waits on a PDF: a request makes a row and redirects here."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accreditation.forms import ChartDayForm
from nhri_portal import clock
from nhri_portal.errors import DomainError, status_of
from reviews.document_permissions import load_document
from reviews.models import GeneratedDocument, JobState
from reviews.services.generated import may_retry, request_chart_document, retry_document

DONE = (JobState.READY, JobState.FAILED)


def _load(request: HttpRequest, pk: int) -> GeneratedDocument | HttpResponse:
    # Someone signed out who follows a link to their letter is asked to sign in; anyone
    # signed in who may not read it learns nothing (404).
    try:
        return load_document(request.user, pk)
    except Http404:
        if not request.user.is_authenticated and GeneratedDocument.objects.filter(pk=pk).exists():
            return redirect_to_login(request.get_full_path())
        raise


def _context(request: HttpRequest, document: GeneratedDocument) -> dict[str, Any]:
    user = request.user
    return {
        "document": document,
        "done": document.state in DONE,
        "may_retry": document.state == JobState.FAILED and may_retry(user, document),
        # The error may name the portal's inner workings: only for those who may act on it.
        "show_error": may_retry(user, document),
    }


@require_safe
def document(request: HttpRequest, pk: int) -> HttpResponse:
    loaded = _load(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    return render(request, "reviews/generated/document.html", _context(request, loaded))


@require_safe
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    loaded = _load(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    context = _context(request, loaded)
    return render(request, "reviews/generated/_partials/progress.html", context)


@require_safe
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    loaded = _load(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    if loaded.state != JobState.READY:
        return redirect("reviews:document", loaded.pk)
    content_type = mimetypes.guess_type(loaded.filename)[0] or "application/octet-stream"
    response = FileResponse(
        loaded.file.open("rb"),
        as_attachment=True,
        filename=loaded.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("reviews:document", args=[pk]))
    loaded = _load(request, pk)
    if isinstance(loaded, HttpResponse):
        return loaded
    try:
        retry_document(document=loaded, by=request.user)
    except DomainError as error:
        context = _context(request, loaded) | {"error": str(error)}
        return render(request, "reviews/generated/document.html", context, status=status_of(error))
    messages.success(request, _("The document is being made again."))
    return redirect("reviews:document", loaded.pk)


@require_POST
def request_chart(request: HttpRequest) -> HttpResponse:
    """The status chart of the day shown, as a PDF in the reader's language. The chart is
    public: anyone may ask, and everyone asking for the same chart shares one file."""
    form = ChartDayForm(request.POST)
    if not form.is_valid():
        context = {"errors": form.errors["as_of"], "today": clock.today()}
        return render(request, "accreditation/status/chart_bad_day.html", context, status=400)
    day = form.cleaned_data["as_of"] or clock.today()
    document = request_chart_document(
        day=day, language=translation.get_language() or "en", by=request.user
    )
    return redirect("reviews:document", document.pk)
