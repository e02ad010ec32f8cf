"""Publishing a session's report (the secretariat), and the published reports, which
anyone may read without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_secretariat
from nhri_portal.errors import DomainError, status_of
from reviews.decision_permissions import public_reviews, published_sessions
from reviews.report import assemble
from reviews.services.publication import publish_report
from reviews.views.report import report_page
from reviews.views.room import load_session
from reviews.views.signed_in import SignedInRequest


@login_required
@require_POST
def publish(request: SignedInRequest, pk: int) -> HttpResponse:
    session = load_session(request.user, pk)
    if not is_secretariat(request.user):
        raise Http404  # the report's readers never learn of this step
    already = session.report_published_on is not None
    try:
        session = publish_report(session=session, by=request.user)
    except DomainError as error:
        return report_page(request, session, problem=str(error), status=status_of(error))
    if already:
        messages.info(request, _("The report was already published."))
    else:
        assert session.report_final_on is not None
        messages.success(
            request,
            _("The report is published; its recommendations are final from %(day)s.")
            % {"day": date_format(session.report_final_on, "DATE_FORMAT")},
        )
    return redirect("reviews:report", session.pk)


@require_safe
def public_reports(request: HttpRequest) -> HttpResponse:
    sessions = published_sessions().order_by("-starts_on", "-pk")
    return render(request, "reviews/publication/list.html", {"sessions": sessions})


@require_safe
def public_report(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(published_sessions(), pk=session_pk)
    context = {"report": assemble(session, public_reviews(session)), "public": True}
    return render(request, "reviews/publication/report.html", context)
