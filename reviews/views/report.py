"""The report of a session, for those who attend it: each reads the sections of the
cases they may know of. The secretariat publishes it from here once every case is final."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_secretariat
from reviews.models import DocumentKind, Session
from reviews.permissions import attends, visible_reviews
from reviews.rendering.report import LANGUAGE, report_key
from reviews.report import assemble
from reviews.services.generated import request_document
from reviews.services.publication import publishable
from reviews.views.room import load_session
from reviews.views.signed_in import SignedInRequest


@login_required
@require_safe
def report(request: SignedInRequest, pk: int) -> HttpResponse:
    return report_page(request, load_session(request.user, pk))


def report_page(
    request: SignedInRequest, session: Session, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "report": assemble(session, visible_reviews(request.user)),
        "publication": _publication(request, session),
        "problem": problem,
    }
    return render(request, "reviews/report/report.html", context, status=status)


def _publication(request: SignedInRequest, session: Session) -> dict[str, Any] | None:
    """What the secretariat needs to publish the report: whether it may, or why not."""
    if session.report_published_on is not None or not is_secretariat(request.user):
        return None
    ready, final_on, reasons = publishable(session)
    return {"ready": ready, "final_on": final_on, "reasons": reasons}


# -- session report PDF --


@require_POST
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF (reviews/rendering/report.py): the published report, which
    anyone may ask for; before publication the full report, the secretariat's alone
    (those who attend read the report's page, which leaves out the cases they may not
    know of). Asking twice finds the same document."""
    session = get_object_or_404(Session, pk=pk)
    if session.report_published_on is None:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("reviews:report", args=[pk]))
        if not attends(request.user, session):
            raise Http404
        if not is_secretariat(request.user):
            raise PermissionDenied
    document = request_document(
        kind=DocumentKind.REPORT,
        key=report_key(session),
        language=LANGUAGE,
        by=request.user,
        session=session,
    )
    return redirect("reviews:document", document.pk)


# -- end session report PDF --
