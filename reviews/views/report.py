"""The report of a session, for those who attend it: each reads the sections of the
cases they may know of. The secretariat publishes it from here once every case is final."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from institutions.permissions import is_secretariat
from reviews.models import Session
from reviews.permissions import visible_reviews
from reviews.report import assemble
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
